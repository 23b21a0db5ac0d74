package partnerosim

// createTransaction is POST /transactions (API.md §3): the transaction's
// fields at the top level, the customer (and optionally the partner)
// nested. The customer must exist; API.md leaves 404 or 422 open and the
// simulator answers 422 on customer.key, as Laravel's exists rule would.
func createTransaction(p *program, c *call) reply {
	errs := fieldErrors{}
	t := Transaction{
		Key:         str(c.body, "key", true, errs),
		Amount:      number(c.body, "amount", true, errs),
		AmountUnits: number(c.body, "amount_units", false, errs),
		Currency:    str(c.body, "currency", false, errs),
		Action:      str(c.body, "action", false, errs),
		ProductID:   str(c.body, "product_id", false, errs),
		ProductType: str(c.body, "product_type", false, errs),
		Status:      str(c.body, "status", false, errs),
		Rewardable:  boolean(c.body, "rewardable", errs),
		Rewarded:    boolean(c.body, "rewarded", errs),
		CreatedAt:   c.now,
	}
	if t.Action == "" {
		t.Action = "sale"
	}
	if _, ok := field(c.body, "customer"); !ok {
		errs.add("customer.key", "The %s field is required.")
	} else if k := referrer(c.body, "customer", errs); k != "" {
		if _, known := p.customers.get(k); !known {
			errs.add("customer.key", "The selected %s is invalid.")
		}
		t.Customer = Ref{Key: k}
	}
	if k := referrer(c.body, "partner", errs); k != "" {
		if _, known := p.partners.get(k); !known {
			errs.add("partner.key", "The selected %s is invalid.")
		}
		t.Partner = &Ref{Key: k}
	}
	if _, dup := p.transactions.get(t.Key); dup {
		errs.add("key", "The %s has already been taken.")
	}
	if len(errs) > 0 {
		return invalid(errs)
	}
	p.transactions.put(t.Key, &t)
	return created(t)
}

// listTransactions is GET /transactions?limit=&page=.
func listTransactions(p *program, c *call) reply {
	errs := fieldErrors{}
	limit, pg := pageParams(c.query, errs)
	if len(errs) > 0 {
		return invalid(errs)
	}
	items, meta := paginate(p.transactions.values(), limit, pg)
	return page(items, meta)
}

// getTransaction is GET /transactions/{key}.
func getTransaction(p *program, c *call) reply {
	t, found := p.transactions.get(c.param)
	if !found {
		return notFound()
	}
	return okData(*t)
}

// deleteTransaction is DELETE /transactions/{key}: a refund or cancel.
// An unknown key is 404, which API.md tells clients to treat as done.
func deleteTransaction(p *program, c *call) reply {
	t, found := p.transactions.get(c.param)
	if !found {
		return notFound()
	}
	p.transactions.remove(c.param)
	return okData(*t)
}

// archiveTransaction is POST /transactions/{key}/archive.
func archiveTransaction(p *program, c *call) reply { return setArchived(p, c, true) }

// revokeArchive is POST /transactions/{key}/revoke-archive.
func revokeArchive(p *program, c *call) reply { return setArchived(p, c, false) }

func setArchived(p *program, c *call, archived bool) reply {
	t, found := p.transactions.get(c.param)
	if !found {
		return notFound()
	}
	t.Archived = archived
	return okData(*t)
}
