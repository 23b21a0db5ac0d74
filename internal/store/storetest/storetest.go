// Package storetest is the conformance suite every store.Store backend must
// pass, so the SQLite and PostgreSQL outboxes behave the same to the workers
// and the API above them.
package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/deeplinkd/deeplinkd/internal/store"
)

// Run runs the conformance suite. open must return a fresh, empty store for
// each subtest and close it at the test's cleanup.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	groups := []struct {
		name  string
		tests []test
	}{
		{"Insert", insertTests},
		{"Read", readTests},
		{"List", listTests},
		{"Claim", claimTests},
		{"Outcome", outcomeTests},
		{"Queue", queueTests},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, tt := range g.tests {
				t.Run(tt.name, func(t *testing.T) {
					tt.run(t, open(t))
				})
			}
		})
	}
}

// test is one conformance case against a fresh store.
type test struct {
	name string
	run  func(t *testing.T, s store.Store)
}

// t0 has nanoseconds and a non-UTC zone on purpose: the store must return
// every time in UTC, truncated to store.Precision.
var t0 = time.Date(2026, time.March, 1, 12, 0, 0, 123456789, time.FixedZone("CET", 3600))

const (
	progA = "main"
	progB = "other"
	lease = 30 * time.Second
)

// newEvent builds an event whose payload, and so body hash, is derived from
// its identity plus body, so two calls with equal arguments are the same
// request.
func newEvent(program, typ, key, customer string, at time.Time, body string) *store.Event {
	payload := fmt.Sprintf(`{"type":%q,"key":%q,"customer":%q,"body":%q}`, typ, key, customer, body)
	sum := sha256.Sum256([]byte(payload))
	return &store.Event{
		Program:     program,
		Type:        typ,
		NaturalKey:  key,
		CustomerKey: customer,
		BodyHash:    hex.EncodeToString(sum[:]),
		Payload:     []byte(payload),
		CreatedAt:   at,
	}
}

// signup and purchase are the common fixtures: a customer's sign-up keyed by
// the customer, and a purchase keyed by its transaction.
func signup(program, customer string, at time.Time) *store.Event {
	return newEvent(program, store.TypeSignup, customer, customer, at, "")
}

func purchase(program, txn, customer string, at time.Time) *store.Event {
	return newEvent(program, store.TypePurchase, txn, customer, at, "")
}

func ctx(t *testing.T) context.Context { return t.Context() }

func mustInsert(t *testing.T, s store.Store, e *store.Event) *store.Event {
	t.Helper()
	got, created, err := s.Insert(ctx(t), e)
	if err != nil {
		t.Fatalf("Insert(%s %s) = %v", e.Type, e.NaturalKey, err)
	}
	if !created {
		t.Fatalf("Insert(%s %s) created = false; want true", e.Type, e.NaturalKey)
	}
	return got
}

func mustGet(t *testing.T, s store.Store, program, id string) *store.Event {
	t.Helper()
	got, err := s.Get(ctx(t), program, id)
	if err != nil {
		t.Fatalf("Get(%q, %q) = %v", program, id, err)
	}
	return got
}

func mustFind(t *testing.T, s store.Store, key string) *store.Event {
	t.Helper()
	got, err := s.FindByNaturalKey(ctx(t), progA, store.TypeSignup, key)
	if err != nil {
		t.Fatalf("FindByNaturalKey(%q) = %v", key, err)
	}
	return got
}

func mustClaim(t *testing.T, s store.Store, owner string, now time.Time, limit int) []*store.Event {
	t.Helper()
	got, err := s.Claim(ctx(t), owner, now, lease, limit)
	if err != nil {
		t.Fatalf("Claim(%q, %v) = %v", owner, now, err)
	}
	return got
}

// ids lists events' ids, for comparing which events came back.
func ids(events []*store.Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.ID
	}
	return out
}

// idSet is ids as a set, for results whose order the contract leaves open.
func idSet(events []*store.Event) map[string]bool {
	out := make(map[string]bool, len(events))
	for _, e := range events {
		out[e.ID] = true
	}
	return out
}

func wantIs(t *testing.T, call string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s = %v; want an error wrapping %v", call, err, want)
	}
}

// diffStored compares the event as the store reports it now with want.
func diffStored(t *testing.T, s store.Store, want *store.Event) {
	t.Helper()
	got := mustGet(t, s, want.Program, want.ID)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Get(%q, %q) mismatch (-want +got):\n%s", want.Program, want.ID, diff)
	}
}
