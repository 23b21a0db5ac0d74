package partnerosim

// createCustomer is POST /customers (API.md §2): the customer's fields at
// the top level, the referrer nested as partner (affiliate) or
// referring_customer (refer-a-friend). A customer with no referrer is valid
// in both: a referrer-to-be, or an unattributed sign-up.
func createCustomer(p *program, c *call) reply {
	errs := fieldErrors{}
	cust := Customer{
		Key:     str(c.body, "key", true, errs),
		Email:   email(c.body, "email", false, errs),
		Name:    str(c.body, "name", false, errs),
		Surname: str(c.body, "surname", false, errs),
	}
	switch p.kind {
	case Affiliate:
		prohibit(c.body, "referring_customer", errs)
		if k := referrer(c.body, "partner", errs); k != "" {
			if _, known := p.partners.get(k); !known {
				errs.add("partner.key", "The selected %s is invalid.")
			}
			cust.Partner = &Ref{Key: k}
		}
	case ReferAFriend:
		prohibit(c.body, "partner", errs)
		if k := referrer(c.body, "referring_customer", errs); k != "" {
			if _, known := p.customers.get(k); !known {
				errs.add("referring_customer.key", "The selected %s is invalid.")
			}
			cust.ReferringCustomer = &Ref{Key: k}
		}
	}
	if _, dup := p.customers.get(cust.Key); dup {
		errs.add("key", "The %s has already been taken.")
	}
	if len(errs) > 0 {
		return invalid(errs)
	}
	cust.CreatedAt, cust.UpdatedAt = c.now, c.now
	p.customers.put(cust.Key, &cust)
	return created(cust)
}

// referrer reads the key of an optional nested {"key": …} object.
func referrer(b map[string]any, obj string, errs fieldErrors) string {
	if !object(b, obj, errs) {
		return ""
	}
	return str(b, obj+".key", true, errs)
}

// prohibit refuses the other program kind's referrer, so a client that
// sends the wrong shape for its program finds out here rather than in
// production, where the referrer would be silently lost.
func prohibit(b map[string]any, path string, errs fieldErrors) {
	if _, ok := field(b, path); ok {
		errs.add(path, "The %s field is prohibited.")
	}
}

// updateCustomer is PUT /customers with {"key": K, "update": {…}}.
func updateCustomer(p *program, c *call) reply {
	errs := fieldErrors{}
	key := str(c.body, "key", true, errs)
	if _, given := field(c.body, "update"); !given {
		errs.add("update", "The %s field is required.")
	}
	object(c.body, "update", errs)
	newKey := str(c.body, "update.key", false, errs)
	em := email(c.body, "update.email", false, errs)
	name := str(c.body, "update.name", false, errs)
	surname := str(c.body, "update.surname", false, errs)
	renamed := newKey != "" && newKey != key
	if _, dup := p.customers.get(newKey); renamed && dup {
		errs.add("update.key", "The %s has already been taken.")
	}
	if len(errs) > 0 {
		return invalid(errs)
	}
	cust, found := p.customers.get(key)
	if !found {
		return notFound()
	}
	if em != "" {
		cust.Email = em
	}
	if name != "" {
		cust.Name = name
	}
	if surname != "" {
		cust.Surname = surname
	}
	cust.UpdatedAt = c.now
	if renamed {
		p.renameCustomer(key, newKey)
	}
	return okData(*cust)
}

// renameCustomer moves a customer to a new key and repoints everything
// that names it. Refs are replaced, never edited, because snapshots handed
// out earlier share them.
func (p *program) renameCustomer(from, to string) {
	p.customers.rename(from, to)
	cust, _ := p.customers.get(to)
	cust.Key = to
	for _, k := range p.customers.order {
		c, _ := p.customers.get(k)
		if c.ReferringCustomer != nil && c.ReferringCustomer.Key == from {
			c.ReferringCustomer = &Ref{Key: to}
		}
	}
	for _, k := range p.transactions.order {
		t, _ := p.transactions.get(k)
		if t.Customer.Key == from {
			t.Customer = Ref{Key: to}
		}
	}
	if n, ok := p.clicks[from]; ok {
		p.clicks[to] = n
		delete(p.clicks, from)
	}
	if b, ok := p.balances[from]; ok {
		p.balances[to] = b
		delete(p.balances, from)
	}
}

// listCustomers is GET /customers?limit=&page=.
func listCustomers(p *program, c *call) reply {
	errs := fieldErrors{}
	limit, pg := pageParams(c.query, errs)
	if len(errs) > 0 {
		return invalid(errs)
	}
	items, meta := paginate(p.customers.values(), limit, pg)
	return page(items, meta)
}

// getCustomer is GET /customers/{key}.
func getCustomer(p *program, c *call) reply {
	cust, found := p.customers.get(c.param)
	if !found {
		return notFound()
	}
	return okData(*cust)
}

// deleteCustomer is DELETE /customers/{key}. The customer's transactions
// go with it, so a later customer with the same key starts clean.
func deleteCustomer(p *program, c *call) reply {
	cust, found := p.customers.get(c.param)
	if !found {
		return notFound()
	}
	for _, t := range p.transactions.values() {
		if t.Customer.Key == c.param {
			p.transactions.remove(t.Key)
		}
	}
	p.customers.remove(c.param)
	delete(p.clicks, c.param)
	delete(p.balances, c.param)
	return okData(*cust)
}

// withCustomer answers 404 for an unknown customer, else runs f.
func withCustomer(p *program, c *call, f func(*Customer) reply) reply {
	cust, found := p.customers.get(c.param)
	if !found {
		return notFound()
	}
	return f(cust)
}
