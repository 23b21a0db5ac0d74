package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/deeplinkd/deeplinkd/internal/store"
)

var readTests = []test{
	{"get is scoped by program", func(t *testing.T, s store.Store) {
		e := mustInsert(t, s, signup(progA, "user_1", t0))
		_, err := s.Get(ctx(t), progB, e.ID)
		wantIs(t, fmt.Sprintf("Get(%q, %q)", progB, e.ID), err, store.ErrNotFound)
		_, err = s.Get(ctx(t), progA, store.NewID())
		wantIs(t, "Get(unknown id)", err, store.ErrNotFound)
	}},
	{"program of an event", func(t *testing.T, s store.Store) {
		a := mustInsert(t, s, signup(progA, "user_1", t0))
		b := mustInsert(t, s, signup(progB, "user_1", t0))
		for _, e := range []*store.Event{a, b} {
			if got, err := s.ProgramOf(ctx(t), e.ID); err != nil || got != e.Program {
				t.Errorf("ProgramOf(%s) = %q, %v; want %q", e.ID, got, err, e.Program)
			}
		}
		_, err := s.ProgramOf(ctx(t), store.NewID())
		wantIs(t, "ProgramOf(unknown id)", err, store.ErrNotFound)
	}},
	{"find by natural key", func(t *testing.T, s store.Store) {
		p := mustInsert(t, s, purchase(progA, "txn_1", "user_1", t0))
		got, err := s.FindByNaturalKey(ctx(t), progA, store.TypePurchase, "txn_1")
		if err != nil {
			t.Fatalf("FindByNaturalKey(purchase txn_1) = %v", err)
		}
		if diff := cmp.Diff(p, got); diff != "" {
			t.Errorf("FindByNaturalKey(purchase txn_1) mismatch (-want +got):\n%s", diff)
		}
		for _, tt := range []struct{ program, typ, key string }{
			{progA, store.TypeRefund, "txn_1"},
			{progB, store.TypePurchase, "txn_1"},
			{progA, store.TypePurchase, "txn_2"},
		} {
			_, err := s.FindByNaturalKey(ctx(t), tt.program, tt.typ, tt.key)
			wantIs(t, fmt.Sprintf("FindByNaturalKey(%q, %q, %q)", tt.program, tt.typ, tt.key), err, store.ErrNotFound)
		}
	}},
}

var listTests = []test{
	{"pages newest first", func(t *testing.T, s store.Store) {
		var all []*store.Event
		for i := range 5 {
			all = append(all, mustInsert(t, s, signup(progA, fmt.Sprintf("user_%d", i), t0)))
		}
		mustInsert(t, s, signup(progB, "user_9", t0))
		var pages [][]string
		q := store.ListQuery{Program: progA, Limit: 2}
		for range 10 {
			events, next, err := s.List(ctx(t), q)
			if err != nil {
				t.Fatalf("List(%+v) = %v", q, err)
			}
			pages = append(pages, ids(events))
			if next == "" {
				break
			}
			q.Cursor = next
		}
		want := [][]string{{all[4].ID, all[3].ID}, {all[2].ID, all[1].ID}, {all[0].ID}}
		if diff := cmp.Diff(want, pages); diff != "" {
			t.Errorf("List pages mismatch (-want +got):\n%s", diff)
		}
	}},
	{"last full page has no cursor", func(t *testing.T, s store.Store) {
		for i := range 2 {
			mustInsert(t, s, signup(progA, fmt.Sprintf("user_%d", i), t0))
		}
		events, next, err := s.List(ctx(t), store.ListQuery{Program: progA, Limit: 2})
		if err != nil || len(events) != 2 || next != "" {
			t.Errorf("List(2 of 2) = %d events, %q, %v; want 2, \"\", nil", len(events), next, err)
		}
	}},
	{"cursor is stable while events arrive", func(t *testing.T, s store.Store) {
		a := mustInsert(t, s, signup(progA, "a", t0))
		b := mustInsert(t, s, signup(progA, "b", t0))
		page1, next, err := s.List(ctx(t), store.ListQuery{Program: progA, Limit: 1})
		if err != nil || next == "" {
			t.Fatalf("List(limit 1) = _, %q, %v; want a cursor", next, err)
		}
		mustInsert(t, s, signup(progA, "c", t0))
		page2, _, err := s.List(ctx(t), store.ListQuery{Program: progA, Limit: 1, Cursor: next})
		if err != nil {
			t.Fatalf("List(page 2) = %v", err)
		}
		if got, want := append(ids(page1), ids(page2)...), []string{b.ID, a.ID}; !cmp.Equal(got, want) {
			t.Errorf("List pages = %v; want %v", got, want)
		}
	}},
	{"filters by status", func(t *testing.T, s store.Store) {
		d := mustInsert(t, s, signup(progA, "delivered", t0))
		f := mustInsert(t, s, signup(progA, "failed", t0))
		q := mustInsert(t, s, signup(progA, "queued", t0))
		claimed := mustClaim(t, s, "w1", t0, 10)
		if len(claimed) != 3 {
			t.Fatalf("Claim = %d events; want 3", len(claimed))
		}
		if err := s.MarkDelivered(ctx(t), d.ID, "w1", t0); err != nil {
			t.Fatalf("MarkDelivered = %v", err)
		}
		if err := s.MarkFailed(ctx(t), f.ID, "w1", t0, "rejected"); err != nil {
			t.Fatalf("MarkFailed = %v", err)
		}
		for status, want := range map[string][]string{
			store.StatusDelivered: {d.ID},
			store.StatusFailed:    {f.ID},
			store.StatusQueued:    {q.ID},
			"":                    {q.ID, f.ID, d.ID},
		} {
			events, _, err := s.List(ctx(t), store.ListQuery{Program: progA, Status: status})
			if err != nil {
				t.Fatalf("List(status %q) = %v", status, err)
			}
			if got := ids(events); !cmp.Equal(got, want) {
				t.Errorf("List(status %q) = %v; want %v", status, got, want)
			}
		}
	}},
	{"default limit", func(t *testing.T, s store.Store) {
		for i := range store.DefaultListLimit + 1 {
			mustInsert(t, s, signup(progA, fmt.Sprintf("user_%d", i), t0.Add(time.Duration(i)*time.Second)))
		}
		events, next, err := s.List(ctx(t), store.ListQuery{Program: progA})
		if err != nil || len(events) != store.DefaultListLimit || next == "" {
			t.Errorf("List(no limit) = %d events, %q, %v; want %d and a cursor", len(events), next, err, store.DefaultListLimit)
		}
	}},
	{"rejects bad queries", func(t *testing.T, s store.Store) {
		for _, q := range []store.ListQuery{
			{Program: progA, Status: "lost"},
			{Program: progA, Cursor: "not-a-cursor"},
			{Program: ""},
		} {
			_, _, err := s.List(ctx(t), q)
			wantIs(t, fmt.Sprintf("List(%+v)", q), err, store.ErrInvalid)
		}
	}},
}
