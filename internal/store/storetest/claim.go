package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/deeplinkd/deeplinkd/internal/store"
)

var claimTests = []test{
	{"leases due events", func(t *testing.T, s store.Store) {
		e := mustInsert(t, s, signup(progA, "user_1", t0))
		now := t0.Add(time.Second)
		got := mustClaim(t, s, "w1", now, 10)
		want := *e
		want.Attempts = 1
		want.LeaseOwner = "w1"
		want.LeaseUntil = store.UTC(now.Add(lease))
		want.UpdatedAt = store.UTC(now)
		if diff := cmp.Diff([]*store.Event{&want}, got); diff != "" {
			t.Errorf("Claim mismatch (-want +got):\n%s", diff)
		}
		diffStored(t, s, &want)
	}},
	{"oldest due first up to the limit", func(t *testing.T, s store.Store) {
		late := signup(progA, "late", t0)
		late.NextAttemptAt = t0.Add(2 * time.Second)
		l := mustInsert(t, s, late)
		a := mustInsert(t, s, signup(progA, "a", t0.Add(time.Second)))
		b := mustInsert(t, s, signup(progA, "b", t0.Add(time.Second)))
		now := t0.Add(time.Minute)
		if got, want := ids(mustClaim(t, s, "w1", now, 2)), []string{a.ID, b.ID}; !cmp.Equal(got, want) {
			t.Errorf("Claim(limit 2) = %v; want %v", got, want)
		}
		if got, want := ids(mustClaim(t, s, "w1", now, 2)), []string{l.ID}; !cmp.Equal(got, want) {
			t.Errorf("Claim(rest) = %v; want %v", got, want)
		}
	}},
	{"waits for next attempt", func(t *testing.T, s store.Store) {
		in := signup(progA, "user_1", t0)
		in.NextAttemptAt = t0.Add(time.Minute)
		e := mustInsert(t, s, in)
		if got := mustClaim(t, s, "w1", t0.Add(time.Minute-time.Millisecond), 10); len(got) != 0 {
			t.Errorf("Claim(before due) = %v; want none", ids(got))
		}
		if got := mustClaim(t, s, "w1", t0.Add(time.Minute), 10); !cmp.Equal(ids(got), []string{e.ID}) {
			t.Errorf("Claim(at due) = %v; want [%s]", ids(got), e.ID)
		}
	}},
	{"expired lease is reclaimable", func(t *testing.T, s store.Store) {
		e := mustInsert(t, s, signup(progA, "user_1", t0))
		mustClaim(t, s, "w1", t0, 10)
		if got := mustClaim(t, s, "w2", t0.Add(lease-time.Millisecond), 10); len(got) != 0 {
			t.Errorf("Claim(lease held) = %v; want none", ids(got))
		}
		got := mustClaim(t, s, "w2", t0.Add(lease), 10)
		if len(got) != 1 || got[0].ID != e.ID || got[0].LeaseOwner != "w2" || got[0].Attempts != 2 {
			t.Fatalf("Claim(lease expired) = %+v; want %s owned by w2 at attempt 2", got, e.ID)
		}
		err := s.MarkDelivered(ctx(t), e.ID, "w1", t0.Add(lease))
		wantIs(t, "MarkDelivered(by expired owner)", err, store.ErrLeaseLost)
	}},
	{"concurrent claimers never share an event", func(t *testing.T, s store.Store) {
		const events, claimers = 40, 8
		for i := range events {
			mustInsert(t, s, signup(progA, fmt.Sprintf("user_%d", i), t0))
		}
		var (
			mu    sync.Mutex
			seen  = map[string]string{}
			wg    sync.WaitGroup
			start = make(chan struct{})
		)
		for w := range claimers {
			owner := fmt.Sprintf("w%d", w)
			wg.Go(func() {
				<-start
				for {
					got, err := s.Claim(ctx(t), owner, t0, lease, 3)
					if err != nil {
						t.Errorf("Claim(%s) = %v", owner, err)
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, e := range got {
						if prev, dup := seen[e.ID]; dup {
							t.Errorf("event %s claimed by %s and %s", e.ID, prev, owner)
						}
						seen[e.ID] = owner
					}
					mu.Unlock()
				}
			})
		}
		close(start)
		wg.Wait()
		if len(seen) != events {
			t.Errorf("claimers got %d distinct events; want %d", len(seen), events)
		}
	}},
	{"a customer's events go out in order", func(t *testing.T, s store.Store) {
		su := mustInsert(t, s, signup(progA, "user_1", t0))
		p1 := mustInsert(t, s, purchase(progA, "txn_1", "user_1", t0))
		rf := mustInsert(t, s, newEvent(progA, store.TypeRefund, "txn_1", "user_1", t0, ""))
		other := mustInsert(t, s, purchase(progA, "txn_2", "user_2", t0))
		anon := mustInsert(t, s, newEvent(progA, store.TypeRefund, "txn_0", "", t0, ""))
		otherProg := mustInsert(t, s, purchase(progB, "txn_1", "user_1", t0))

		claim := func(now time.Time) map[string]bool { return idSet(mustClaim(t, s, "w1", now, 10)) }
		if got, want := claim(t0), idSet([]*store.Event{su, other, anon, otherProg}); !cmp.Equal(got, want) {
			t.Errorf("Claim(first) = %v; want %v (purchase and refund held behind the sign-up)", got, want)
		}
		// An expired lease leaves the sign-up queued, so the purchase still waits.
		if got, want := claim(t0.Add(lease)), idSet([]*store.Event{su, other, anon, otherProg}); !cmp.Equal(got, want) {
			t.Errorf("Claim(leases expired) = %v; want %v", got, want)
		}
		if err := s.MarkDelivered(ctx(t), su.ID, "w1", t0.Add(lease)); err != nil {
			t.Fatalf("MarkDelivered(signup) = %v", err)
		}
		if got, want := claim(t0.Add(lease)), idSet([]*store.Event{p1}); !cmp.Equal(got, want) {
			t.Errorf("Claim(after sign-up delivered) = %v; want only the purchase %s", got, p1.ID)
		}
		if err := s.MarkFailed(ctx(t), p1.ID, "w1", t0.Add(lease), "rejected"); err != nil {
			t.Fatalf("MarkFailed(purchase) = %v", err)
		}
		if got, want := claim(t0.Add(lease)), idSet([]*store.Event{rf}); !cmp.Equal(got, want) {
			t.Errorf("Claim(after purchase failed) = %v; want only the refund %s", got, rf.ID)
		}
	}},
	{"concurrent workers keep each customer's order", func(t *testing.T, s store.Store) {
		const customers, workers = 8, 4
		for c := range customers {
			cust := fmt.Sprintf("user_%d", c)
			mustInsert(t, s, signup(progA, cust, t0))
			mustInsert(t, s, purchase(progA, cust+"_txn_1", cust, t0))
			mustInsert(t, s, newEvent(progA, store.TypeRefund, cust+"_txn_1", cust, t0, ""))
		}
		var (
			mu sync.Mutex
			// done counts, per customer, the events a worker is about to
			// mark delivered; it is bumped before the mark commits, so a
			// claim that the commit made possible always finds it.
			done  = map[string]int{}
			order = map[string]int{store.TypeSignup: 0, store.TypePurchase: 1, store.TypeRefund: 2}
			wg    sync.WaitGroup
		)
		for w := range workers {
			owner := fmt.Sprintf("w%d", w)
			wg.Go(func() {
				for {
					got, err := s.Claim(ctx(t), owner, t0, lease, 2)
					if err != nil {
						t.Errorf("Claim(%s) = %v", owner, err)
						return
					}
					if len(got) == 0 {
						return
					}
					for _, e := range got {
						mu.Lock()
						if done[e.CustomerKey] != order[e.Type] {
							t.Errorf("%s claimed %s of %s after %d earlier events; want %d", owner, e.Type, e.CustomerKey, done[e.CustomerKey], order[e.Type])
						}
						done[e.CustomerKey]++
						mu.Unlock()
						if err := s.MarkDelivered(ctx(t), e.ID, owner, t0); err != nil {
							t.Errorf("MarkDelivered(%s) = %v", e.ID, err)
						}
					}
				}
			})
		}
		wg.Wait()
		for c := range customers {
			if n := done[fmt.Sprintf("user_%d", c)]; n != 3 {
				t.Errorf("user_%d: %d events delivered; want 3", c, n)
			}
		}
	}},
	{"a rescheduled earlier event still holds the customer back", func(t *testing.T, s store.Store) {
		su := mustInsert(t, s, signup(progA, "user_1", t0))
		mustInsert(t, s, purchase(progA, "txn_1", "user_1", t0))
		mustClaim(t, s, "w1", t0, 10)
		if err := s.Reschedule(ctx(t), su.ID, "w1", t0.Add(time.Hour), "503"); err != nil {
			t.Fatalf("Reschedule = %v", err)
		}
		if got := mustClaim(t, s, "w1", t0.Add(time.Minute), 10); len(got) != 0 {
			t.Errorf("Claim(sign-up backing off) = %v; want none", ids(got))
		}
	}},
	{"delivered and failed events are not claimed", func(t *testing.T, s store.Store) {
		d := mustInsert(t, s, signup(progA, "d", t0))
		f := mustInsert(t, s, signup(progA, "f", t0))
		mustClaim(t, s, "w1", t0, 10)
		if err := s.MarkDelivered(ctx(t), d.ID, "w1", t0); err != nil {
			t.Fatalf("MarkDelivered = %v", err)
		}
		if err := s.MarkFailed(ctx(t), f.ID, "w1", t0, "no"); err != nil {
			t.Fatalf("MarkFailed = %v", err)
		}
		if got := mustClaim(t, s, "w2", t0.Add(time.Hour), 10); len(got) != 0 {
			t.Errorf("Claim = %v; want none", ids(got))
		}
	}},
	{"rejects bad arguments", func(t *testing.T, s store.Store) {
		for _, tt := range []struct {
			name  string
			owner string
			lease time.Duration
			limit int
		}{
			{"no owner", "", lease, 1},
			{"no lease", "w1", 0, 1},
			{"no limit", "w1", lease, 0},
		} {
			_, err := s.Claim(ctx(t), tt.owner, t0, tt.lease, tt.limit)
			wantIs(t, "Claim("+tt.name+")", err, store.ErrInvalid)
		}
	}},
}
