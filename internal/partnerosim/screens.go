package partnerosim

import (
	"encoding/json"
	"math/big"
	"net/url"
)

// stats is GET /customers/{key}/stats, shaped after the guide's field
// names (API.md §2).
type stats struct {
	ReferralLink     string     `json:"referral_link"`
	Clicks           int        `json:"clicks"`
	Signups          int        `json:"signups"`
	SocialShareLinks shareLinks `json:"social_share_links"`
}

// shareLinks are the ready-made share URLs a referral screen shows.
type shareLinks struct {
	Facebook string `json:"facebook"`
	X        string `json:"x"`
	LinkedIn string `json:"linkedin"`
	Email    string `json:"email"`
}

// balanceView is GET /customers/{key}/balance.
type balanceView struct {
	Balance  json.Number `json:"balance"`
	Currency string      `json:"currency"`
}

// referralLink is base with ?ref=KEY set, keeping base's other parameters.
func referralLink(base, key string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base + "?ref=" + url.QueryEscape(key)
	}
	q := u.Query()
	q.Set("ref", key)
	u.RawQuery = q.Encode()
	return u.String()
}

// customerStats is GET /customers/{key}/stats.
func customerStats(p *program, c *call) reply {
	return withCustomer(p, c, func(cust *Customer) reply {
		link := referralLink(c.link, cust.Key)
		esc := url.QueryEscape(link)
		return okData(stats{
			ReferralLink: link,
			Clicks:       p.clicks[cust.Key],
			Signups:      len(p.referrals(cust.Key)),
			SocialShareLinks: shareLinks{
				Facebook: "https://www.facebook.com/sharer/sharer.php?u=" + esc,
				X:        "https://x.com/intent/post?url=" + esc,
				LinkedIn: "https://www.linkedin.com/sharing/share-offsite/?url=" + esc,
				Email:    "mailto:?body=" + esc,
			},
		})
	})
}

// customerBalance is GET /customers/{key}/balance.
func customerBalance(p *program, c *call) reply {
	return withCustomer(p, c, func(cust *Customer) reply {
		return okData(balanceView{Balance: decimal(p.balances[cust.Key]), Currency: c.currency})
	})
}

// creditBalance is POST /customers/{key}/balance/credit with {"amount": N};
// deeplinkd does not use it, tests use it to give a balance.
func creditBalance(p *program, c *call) reply {
	return withCustomer(p, c, func(cust *Customer) reply {
		errs := fieldErrors{}
		amt := number(c.body, "amount", true, errs)
		if len(errs) > 0 {
			return invalid(errs)
		}
		var r big.Rat
		if _, okNum := r.SetString(string(amt)); !okNum {
			errs.add("amount", "The %s must be a number.")
			return invalid(errs)
		}
		b, found := p.balances[cust.Key]
		if !found {
			b = new(big.Rat)
			p.balances[cust.Key] = b
		}
		b.Add(b, &r)
		return okData(balanceView{Balance: decimal(b), Currency: c.currency})
	})
}

// customerReferrals is GET /customers/{key}/referrals, paginated.
func customerReferrals(p *program, c *call) reply {
	return withCustomer(p, c, func(cust *Customer) reply {
		errs := fieldErrors{}
		limit, pg := pageParams(c.query, errs)
		if len(errs) > 0 {
			return invalid(errs)
		}
		items, meta := paginate(p.referrals(cust.Key), limit, pg)
		return page(items, meta)
	})
}

// decimal renders r exactly with as few digits after the point as it
// needs; sums of decimal credits always have a finite expansion.
func decimal(r *big.Rat) json.Number {
	if r == nil {
		return "0"
	}
	ten := big.NewInt(10)
	pow := big.NewInt(1)
	var rem big.Int
	for scale := 0; scale < 64; scale++ {
		if rem.Mod(pow, r.Denom()).Sign() == 0 {
			return json.Number(r.FloatString(scale))
		}
		pow.Mul(pow, ten)
	}
	return json.Number(r.FloatString(64))
}
