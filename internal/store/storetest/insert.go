package storetest

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/deeplinkd/deeplinkd/internal/store"
)

var insertTests = []test{
	{"new event is queued and read back identically", func(t *testing.T, s store.Store) {
		in := signup(progA, "user_1", t0)
		got, created, err := s.Insert(ctx(t), in)
		if err != nil || !created {
			t.Fatalf("Insert(signup) = _, %v, %v; want created", created, err)
		}
		want := &store.Event{
			ID: got.ID, Program: progA, Type: store.TypeSignup, NaturalKey: "user_1", CustomerKey: "user_1",
			BodyHash: in.BodyHash, Payload: in.Payload, Status: store.StatusQueued,
			NextAttemptAt: store.UTC(t0), CreatedAt: store.UTC(t0), UpdatedAt: store.UTC(t0), Seq: got.Seq,
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Insert(signup) mismatch (-want +got):\n%s", diff)
		}
		if !strings.HasPrefix(got.ID, store.IDPrefix) || len(got.ID) != len(store.IDPrefix)+26 {
			t.Errorf("Insert(signup).ID = %q; want %q and 26 characters", got.ID, store.IDPrefix)
		}
		if got.Seq <= 0 {
			t.Errorf("Insert(signup).Seq = %d; want > 0", got.Seq)
		}
		diffStored(t, s, want)
	}},
	{"does not modify its argument", func(t *testing.T, s store.Store) {
		in := signup(progA, "user_1", t0)
		before := *in
		mustInsert(t, s, in)
		if diff := cmp.Diff(&before, in); diff != "" {
			t.Errorf("Insert changed its argument (-before +after):\n%s", diff)
		}
	}},
	{"keeps a given id and next attempt", func(t *testing.T, s store.Store) {
		in := signup(progA, "user_1", t0)
		in.ID = store.NewID()
		in.NextAttemptAt = t0.Add(time.Minute)
		got := mustInsert(t, s, in)
		if got.ID != in.ID || !got.NextAttemptAt.Equal(store.UTC(in.NextAttemptAt)) {
			t.Errorf("Insert = {ID %q, NextAttemptAt %v}; want {%q, %v}", got.ID, got.NextAttemptAt, in.ID, store.UTC(in.NextAttemptAt))
		}
	}},
	{"same key and body returns the existing event", func(t *testing.T, s store.Store) {
		first := mustInsert(t, s, signup(progA, "user_1", t0))
		again, created, err := s.Insert(ctx(t), signup(progA, "user_1", t0.Add(time.Hour)))
		if err != nil || created {
			t.Fatalf("Insert(repeat) = _, %v, %v; want created=false, nil", created, err)
		}
		if diff := cmp.Diff(first, again); diff != "" {
			t.Errorf("Insert(repeat) mismatch (-first +repeat):\n%s", diff)
		}
	}},
	{"same key with another body conflicts", func(t *testing.T, s store.Store) {
		first := mustInsert(t, s, signup(progA, "user_1", t0))
		other := newEvent(progA, store.TypeSignup, "user_1", "user_1", t0, "another email")
		got, created, err := s.Insert(ctx(t), other)
		wantIs(t, "Insert(other body)", err, store.ErrConflict)
		if got != nil || created {
			t.Errorf("Insert(other body) = %v, %v; want nil, false", got, created)
		}
		var ce *store.ConflictError
		if !errors.As(err, &ce) || ce.Reason == "" {
			t.Errorf("Insert(other body) error %v carries no *store.ConflictError reason", err)
		}
		diffStored(t, s, first)
	}},
	{"key is scoped by program and type", func(t *testing.T, s store.Store) {
		mustInsert(t, s, purchase(progA, "txn_1", "user_1", t0))
		mustInsert(t, s, newEvent(progA, store.TypeRefund, "txn_1", "user_1", t0, ""))
		mustInsert(t, s, purchase(progB, "txn_1", "user_1", t0))
	}},
	{"seq follows insertion order", func(t *testing.T, s store.Store) {
		var last int64
		for i, key := range []string{"c", "a", "b"} {
			got := mustInsert(t, s, signup(progA, key, t0.Add(-time.Duration(i)*time.Minute)))
			if got.Seq <= last {
				t.Errorf("Insert(%q).Seq = %d; want > %d", key, got.Seq, last)
			}
			last = got.Seq
		}
	}},
	{"rejects incomplete events", func(t *testing.T, s store.Store) {
		for _, tt := range []struct {
			name   string
			mutate func(e *store.Event)
		}{
			{"no program", func(e *store.Event) { e.Program = "" }},
			{"no type", func(e *store.Event) { e.Type = "" }},
			{"unknown type", func(e *store.Event) { e.Type = "click" }},
			{"no natural key", func(e *store.Event) { e.NaturalKey = "" }},
			{"no body hash", func(e *store.Event) { e.BodyHash = "" }},
			{"no payload", func(e *store.Event) { e.Payload = nil }},
			{"no created at", func(e *store.Event) { e.CreatedAt = time.Time{} }},
		} {
			t.Run(tt.name, func(t *testing.T) {
				e := signup(progA, "user_1", t0)
				tt.mutate(e)
				_, _, err := s.Insert(ctx(t), e)
				wantIs(t, "Insert("+tt.name+")", err, store.ErrInvalid)
			})
		}
	}},
	{"concurrent identical inserts create one event", func(t *testing.T, s store.Store) {
		const n = 16
		var (
			wg      sync.WaitGroup
			start   = make(chan struct{})
			results = make([]*store.Event, n)
			created = make([]bool, n)
			errs    = make([]error, n)
		)
		for i := range n {
			wg.Go(func() {
				<-start
				results[i], created[i], errs[i] = s.Insert(ctx(t), signup(progA, "user_1", t0))
			})
		}
		close(start)
		wg.Wait()
		var nCreated int
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("Insert #%d = %v", i, errs[i])
			}
			if created[i] {
				nCreated++
			}
			if results[i].ID != results[0].ID {
				t.Errorf("Insert #%d.ID = %q; want %q like #0", i, results[i].ID, results[0].ID)
			}
		}
		if nCreated != 1 {
			t.Errorf("%d concurrent Inserts created %d events; want 1", n, nCreated)
		}
	}},
	{"concurrent inserts of overlapping keys", func(t *testing.T, s store.Store) {
		// Backends may group concurrent inserts into one commit; whatever
		// lands together, each key is created once, a repeat with the same
		// body gets that event, and another body conflicts.
		const keys, repeats = 16, 4
		type call struct {
			in      *store.Event
			got     *store.Event
			created bool
			err     error
		}
		var (
			calls []*call
			wg    sync.WaitGroup
			start = make(chan struct{})
		)
		for k := range keys {
			for r := range repeats {
				body := ""
				if r == repeats-1 && k%2 == 0 {
					body = "another body"
				}
				calls = append(calls, &call{in: newEvent(progA, store.TypeSignup, fmt.Sprintf("user_%d", k), "", t0, body)})
			}
		}
		for _, c := range calls {
			wg.Go(func() {
				<-start
				c.got, c.created, c.err = s.Insert(ctx(t), c.in)
			})
		}
		close(start)
		wg.Wait()
		created := map[string]int{}
		for _, c := range calls {
			stored := mustFind(t, s, c.in.NaturalKey)
			switch {
			case c.in.BodyHash != stored.BodyHash:
				wantIs(t, fmt.Sprintf("Insert(%s, other body)", c.in.NaturalKey), c.err, store.ErrConflict)
			case c.err != nil:
				t.Errorf("Insert(%s) = %v; want the stored event", c.in.NaturalKey, c.err)
			default:
				if diff := cmp.Diff(stored, c.got); diff != "" {
					t.Errorf("Insert(%s) mismatch (-stored +got):\n%s", c.in.NaturalKey, diff)
				}
				if c.created {
					created[c.in.NaturalKey]++
				}
			}
		}
		for k := range keys {
			if key := fmt.Sprintf("user_%d", k); created[key] != 1 {
				t.Errorf("Inserts of %s created %d events; want 1", key, created[key])
			}
		}
	}},
	{"times are UTC at store precision", func(t *testing.T, s store.Store) {
		in := signup(progA, "user_1", t0)
		got := mustInsert(t, s, in)
		want := time.Date(2026, time.March, 1, 11, 0, 0, 123456000, time.UTC)
		if !got.CreatedAt.Equal(want) || got.CreatedAt.Location() != time.UTC {
			t.Errorf("Insert(CreatedAt %v).CreatedAt = %v; want %v", t0, got.CreatedAt, want)
		}
		read := mustGet(t, s, progA, got.ID)
		for name, tm := range map[string]time.Time{"CreatedAt": read.CreatedAt, "UpdatedAt": read.UpdatedAt, "NextAttemptAt": read.NextAttemptAt} {
			if !tm.Equal(want) || tm.Location() != time.UTC {
				t.Errorf("Get().%s = %v; want %v", name, tm, want)
			}
		}
	}},
}
