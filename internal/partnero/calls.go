package partnero

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
)

// ProgramType decides how a sign-up names its referrer.
type ProgramType string

// Program types (config's programs.*.type).
const (
	Affiliate    ProgramType = "affiliate"
	ReferAFriend ProgramType = "refer_a_friend"
)

// Ref names another object by its key.
type Ref struct {
	Key string `json:"key"`
}

// Customer is the body of POST /customers.
type Customer struct {
	Key               string `json:"key"`
	Email             string `json:"email,omitempty"`
	Name              string `json:"name,omitempty"`
	Surname           string `json:"surname,omitempty"`
	Partner           *Ref   `json:"partner,omitempty"`
	ReferringCustomer *Ref   `json:"referring_customer,omitempty"`
}

// AttributeTo sets the referrer the way the program type wants it:
// affiliate programs credit a partner, refer-a-friend programs the
// referring customer. An empty referral key creates the customer
// unattributed (a referrer of others, API.md's createReferring).
func (c *Customer) AttributeTo(t ProgramType, referralKey string) {
	c.Partner, c.ReferringCustomer = nil, nil
	if referralKey == "" {
		return
	}
	if t == ReferAFriend {
		c.ReferringCustomer = &Ref{Key: referralKey}
		return
	}
	c.Partner = &Ref{Key: referralKey}
}

// Transaction is the body of POST /transactions. Amount is the exact
// decimal the backend gave us, written as a JSON number.
type Transaction struct {
	Key         string      `json:"key"`
	Amount      json.Number `json:"amount"`
	Action      string      `json:"action"`
	ProductID   string      `json:"product_id,omitempty"`
	ProductType string      `json:"product_type,omitempty"`
	// Currency is left empty unless the operator asked to forward it:
	// API.md does not confirm Partnero accepts it.
	Currency string `json:"currency,omitempty"`
	Customer Ref    `json:"customer"`
}

// CreateCustomer creates (and attributes) a customer.
func (c *Client) CreateCustomer(ctx context.Context, apiKey string, cu Customer) error {
	return c.do(ctx, "create customer", apiKey, http.MethodPost, "/customers", cu, nil)
}

// CreateTransaction records a purchase.
func (c *Client) CreateTransaction(ctx context.Context, apiKey string, t Transaction) error {
	if t.Action == "" {
		t.Action = "sale"
	}
	return c.do(ctx, "create transaction", apiKey, http.MethodPost, "/transactions", t, nil)
}

// DeleteTransaction removes a transaction (a refund). NotFound means it
// is already gone.
func (c *Client) DeleteTransaction(ctx context.Context, apiKey, key string) error {
	return c.do(ctx, "delete transaction", apiKey, http.MethodDelete, "/transactions/"+url.PathEscape(key), nil, nil)
}

// CustomerStats returns the data of GET /customers/{key}/stats as
// Partnero sent it (referral link, clicks, sign-ups, share links).
func (c *Client) CustomerStats(ctx context.Context, apiKey, customerKey string) (json.RawMessage, error) {
	return c.customerData(ctx, "customer stats", apiKey, customerKey, "stats")
}

// CustomerBalance returns the data of GET /customers/{key}/balance: an
// object or a list per currency, passed on as is.
func (c *Client) CustomerBalance(ctx context.Context, apiKey, customerKey string) (json.RawMessage, error) {
	return c.customerData(ctx, "customer balance", apiKey, customerKey, "balance")
}

// CustomerReferrals returns the data of GET /customers/{key}/referrals.
func (c *Client) CustomerReferrals(ctx context.Context, apiKey, customerKey string) (json.RawMessage, error) {
	return c.customerData(ctx, "customer referrals", apiKey, customerKey, "referrals")
}

func (c *Client) customerData(ctx context.Context, op, apiKey, customerKey, what string) (json.RawMessage, error) {
	var out json.RawMessage
	err := c.do(ctx, op, apiKey, http.MethodGet, "/customers/"+url.PathEscape(customerKey)+"/"+what, nil, &out)
	if err != nil {
		return nil, err
	}
	return out, nil
}
