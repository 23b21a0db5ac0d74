package partnerosim

import (
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"time"
)

// Ref names another object by key, as Partnero nests it: {"key": "…"}.
type Ref struct {
	Key string `json:"key"`
}

// Partner is a partner of an affiliate program.
type Partner struct {
	Key       string    `json:"key"`
	Email     string    `json:"email,omitempty"`
	Name      string    `json:"name,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Customer is a customer of a program, with the referrer it was created
// with: Partner in an affiliate program, ReferringCustomer in a
// refer-a-friend program.
type Customer struct {
	Key               string    `json:"key"`
	Email             string    `json:"email,omitempty"`
	Name              string    `json:"name,omitempty"`
	Surname           string    `json:"surname,omitempty"`
	Partner           *Ref      `json:"partner,omitempty"`
	ReferringCustomer *Ref      `json:"referring_customer,omitempty"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
}

// Transaction is a recorded sale. Amount keeps the exact decimal text the
// client sent, so a test can assert that 49.99 arrived as 49.99.
type Transaction struct {
	Key         string      `json:"key"`
	Amount      json.Number `json:"amount"`
	AmountUnits json.Number `json:"amount_units,omitempty"`
	Currency    string      `json:"currency,omitempty"`
	Action      string      `json:"action"`
	ProductID   string      `json:"product_id,omitempty"`
	ProductType string      `json:"product_type,omitempty"`
	Status      string      `json:"status,omitempty"`
	Rewardable  *bool       `json:"rewardable,omitempty"`
	Rewarded    *bool       `json:"rewarded,omitempty"`
	Customer    Ref         `json:"customer"`
	Partner     *Ref        `json:"partner,omitempty"`
	Archived    bool        `json:"archived"`
	CreatedAt   time.Time   `json:"created_at"`
}

// table is a map that remembers insertion order, so lists and pages come
// out in creation order like a database's auto-increment id would give.
type table[T any] struct {
	byKey map[string]*T
	order []string
}

func newTable[T any]() *table[T] { return &table[T]{byKey: make(map[string]*T)} }

func (t *table[T]) get(k string) (*T, bool) { v, ok := t.byKey[k]; return v, ok }

func (t *table[T]) put(k string, v *T) {
	if _, ok := t.byKey[k]; !ok {
		t.order = append(t.order, k)
	}
	t.byKey[k] = v
}

func (t *table[T]) remove(k string) {
	if _, ok := t.byKey[k]; !ok {
		return
	}
	delete(t.byKey, k)
	if i := slices.Index(t.order, k); i >= 0 {
		t.order = slices.Delete(t.order, i, i+1)
	}
}

// rename keeps the entry's place in the order.
func (t *table[T]) rename(from, to string) {
	v, ok := t.byKey[from]
	if !ok {
		return
	}
	delete(t.byKey, from)
	t.byKey[to] = v
	if i := slices.Index(t.order, from); i >= 0 {
		t.order[i] = to
	}
}

// values returns copies, so callers outside the lock see a snapshot.
func (t *table[T]) values() []T {
	out := make([]T, 0, len(t.order))
	for _, k := range t.order {
		out = append(out, *t.byKey[k])
	}
	return out
}

// program is one Partnero program's data.
type program struct {
	name         string
	kind         ProgramKind
	partners     *table[Partner]
	customers    *table[Customer]
	transactions *table[Transaction]
	clicks       map[string]int
	balances     map[string]*big.Rat
	partnerSeq   int
}

func newProgram(name string, kind ProgramKind) *program {
	return &program{
		name:         name,
		kind:         kind,
		partners:     newTable[Partner](),
		customers:    newTable[Customer](),
		transactions: newTable[Transaction](),
		clicks:       make(map[string]int),
		balances:     make(map[string]*big.Rat),
	}
}

func (p *program) addPartner(pt Partner, now time.Time) error {
	if pt.Key == "" {
		return fmt.Errorf("add partner to %s: empty key", p.name)
	}
	if _, dup := p.partners.get(pt.Key); dup {
		return fmt.Errorf("add partner %q to %s: key already taken", pt.Key, p.name)
	}
	if pt.CreatedAt.IsZero() {
		pt.CreatedAt = now
	}
	p.partners.put(pt.Key, &pt)
	return nil
}

func (p *program) addCustomer(c Customer, now time.Time) error {
	if c.Key == "" {
		return fmt.Errorf("add customer to %s: empty key", p.name)
	}
	if _, dup := p.customers.get(c.Key); dup {
		return fmt.Errorf("add customer %q to %s: key already taken", c.Key, p.name)
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = now
	}
	if c.UpdatedAt.IsZero() {
		c.UpdatedAt = c.CreatedAt
	}
	p.customers.put(c.Key, &c)
	return nil
}

// referrals lists the customers that key referred, in creation order.
func (p *program) referrals(key string) []Customer {
	var out []Customer
	for _, c := range p.customers.values() {
		if c.ReferringCustomer != nil && c.ReferringCustomer.Key == key {
			out = append(out, c)
		}
	}
	return out
}

// lookup returns the named program or an error naming it.
func (s *Sim) lookup(name string) (*program, error) {
	p, ok := s.programs[name]
	if !ok {
		return nil, fmt.Errorf("partnerosim: unknown program %q", name)
	}
	return p, nil
}

// AddPartner adds a partner with key to an affiliate program, as seed data
// that the next Reset forgets.
func (s *Sim) AddPartner(prog, key string) error {
	return s.AddPartnerDetails(prog, Partner{Key: key})
}

// AddPartnerDetails is AddPartner with email and name.
func (s *Sim) AddPartnerDetails(prog string, pt Partner) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.lookup(prog)
	if err != nil {
		return err
	}
	return p.addPartner(pt, s.now().UTC())
}

// AddCustomer adds a customer with key and no referrer: a referrer of a
// refer-a-friend program, or a customer an affiliate test needs present.
func (s *Sim) AddCustomer(prog, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.lookup(prog)
	if err != nil {
		return err
	}
	return p.addCustomer(Customer{Key: key}, s.now().UTC())
}

// AddClicks counts n visits to a customer's referral link, which its stats
// then report; Partnero learns of clicks from PartneroJS, not this API.
func (s *Sim) AddClicks(prog, key string, n int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.lookup(prog)
	if err != nil {
		return err
	}
	if _, ok := p.customers.get(key); !ok {
		return fmt.Errorf("partnerosim: add clicks to %s: unknown customer %q", prog, key)
	}
	p.clicks[key] += n
	return nil
}

// Programs returns every program's kind.
func (s *Sim) Programs() map[string]ProgramKind {
	out := make(map[string]ProgramKind, len(s.kinds))
	for n, k := range s.kinds {
		out[n] = k
	}
	return out
}

// Partners returns a program's partners in creation order.
func (s *Sim) Partners(prog string) []Partner {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.programs[prog]; ok {
		return p.partners.values()
	}
	return nil
}

// Customers returns a program's customers in creation order.
func (s *Sim) Customers(prog string) []Customer {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.programs[prog]; ok {
		return p.customers.values()
	}
	return nil
}

// Transactions returns a program's transactions in creation order.
func (s *Sim) Transactions(prog string) []Transaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.programs[prog]; ok {
		return p.transactions.values()
	}
	return nil
}
