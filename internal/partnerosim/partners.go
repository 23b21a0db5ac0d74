package partnerosim

import "fmt"

// createPartner is POST /partners with {"email", "name", "key"}; the key is
// generated when absent (API.md §4).
func createPartner(p *program, c *call) reply {
	errs := fieldErrors{}
	pt := Partner{
		Key:   str(c.body, "key", false, errs),
		Email: email(c.body, "email", true, errs),
		Name:  str(c.body, "name", false, errs),
	}
	if pt.Key != "" {
		if _, dup := p.partners.get(pt.Key); dup {
			errs.add("key", "The %s has already been taken.")
		}
	}
	if len(errs) > 0 {
		return invalid(errs)
	}
	if pt.Key == "" {
		pt.Key = p.newPartnerKey()
	}
	pt.CreatedAt = c.now
	p.partners.put(pt.Key, &pt)
	return created(pt)
}

// newPartnerKey makes a key no partner has; a counter keeps it
// predictable for tests.
func (p *program) newPartnerKey() string {
	for {
		p.partnerSeq++
		k := fmt.Sprintf("partner_%d", p.partnerSeq)
		if _, taken := p.partners.get(k); !taken {
			return k
		}
	}
}

// listPartners is GET /partners?limit=&page=.
func listPartners(p *program, c *call) reply {
	errs := fieldErrors{}
	limit, pg := pageParams(c.query, errs)
	if len(errs) > 0 {
		return invalid(errs)
	}
	items, meta := paginate(p.partners.values(), limit, pg)
	return page(items, meta)
}

// getPartner is GET /partners/{key}.
func getPartner(p *program, c *call) reply {
	pt, found := p.partners.get(c.param)
	if !found {
		return notFound()
	}
	return okData(*pt)
}
