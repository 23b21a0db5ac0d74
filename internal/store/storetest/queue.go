package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/deeplinkd/deeplinkd/internal/store"
)

func wantNextDue(t *testing.T, s store.Store, want time.Time, wantOK bool) {
	t.Helper()
	got, ok, err := s.NextDue(ctx(t))
	if err != nil {
		t.Fatalf("NextDue = %v", err)
	}
	if ok != wantOK || !got.Equal(want) {
		t.Errorf("NextDue = %v, %v; want %v, %v", got, ok, want, wantOK)
	}
}

var queueTests = []test{
	{"next due of an empty queue", func(t *testing.T, s store.Store) {
		wantNextDue(t, s, time.Time{}, false)
	}},
	{"next due is the earliest next attempt", func(t *testing.T, s store.Store) {
		for _, d := range []time.Duration{3 * time.Minute, time.Minute, 2 * time.Minute} {
			e := signup(progA, d.String(), t0)
			e.NextAttemptAt = t0.Add(d)
			mustInsert(t, s, e)
		}
		wantNextDue(t, s, store.UTC(t0.Add(time.Minute)), true)
	}},
	{"next due waits for a lease to expire", func(t *testing.T, s store.Store) {
		mustInsert(t, s, signup(progA, "user_1", t0))
		mustClaim(t, s, "w1", t0, 1)
		wantNextDue(t, s, store.UTC(t0.Add(lease)), true)
	}},
	{"next due skips events held behind their customer", func(t *testing.T, s store.Store) {
		// The purchase is due now, but only the sign-up's lease expiry can
		// make anything claimable; reporting the purchase would spin the
		// worker's timer.
		mustInsert(t, s, signup(progA, "user_1", t0))
		mustClaim(t, s, "w1", t0, 1)
		mustInsert(t, s, purchase(progA, "txn_1", "user_1", t0))
		wantNextDue(t, s, store.UTC(t0.Add(lease)), true)
	}},
	{"next due ignores finished events", func(t *testing.T, s store.Store) {
		e := mustInsert(t, s, signup(progA, "user_1", t0))
		mustClaim(t, s, "w1", t0, 1)
		if err := s.MarkDelivered(ctx(t), e.ID, "w1", t0); err != nil {
			t.Fatalf("MarkDelivered = %v", err)
		}
		wantNextDue(t, s, time.Time{}, false)
	}},
	{"queue stats", func(t *testing.T, s store.Store) {
		empty, err := s.QueueStats(ctx(t), t0)
		if err != nil || empty != (store.Stats{}) {
			t.Errorf("QueueStats(empty) = %+v, %v; want zero", empty, err)
		}
		d := mustInsert(t, s, signup(progA, "delivered", t0.Add(-time.Hour)))
		f := mustInsert(t, s, signup(progB, "failed", t0.Add(-time.Hour)))
		mustClaim(t, s, "w1", t0, 10)
		if err := s.MarkDelivered(ctx(t), d.ID, "w1", t0); err != nil {
			t.Fatalf("MarkDelivered = %v", err)
		}
		if err := s.MarkFailed(ctx(t), f.ID, "w1", t0, "no"); err != nil {
			t.Fatalf("MarkFailed = %v", err)
		}
		mustInsert(t, s, signup(progA, "q1", t0.Add(time.Minute)))
		mustInsert(t, s, signup(progB, "q2", t0.Add(2*time.Minute)))
		got, err := s.QueueStats(ctx(t), t0.Add(5*time.Minute))
		if err != nil {
			t.Fatalf("QueueStats = %v", err)
		}
		want := store.Stats{Queued: 2, Failed: 1, OldestQueued: 4 * time.Minute}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("QueueStats mismatch (-want +got):\n%s", diff)
		}
	}},
	{"ping", func(t *testing.T, s store.Store) {
		if err := s.Ping(ctx(t)); err != nil {
			t.Errorf("Ping = %v", err)
		}
	}},
}
