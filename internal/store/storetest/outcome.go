package storetest

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/deeplinkd/deeplinkd/internal/store"
)

// claimed inserts a sign-up and leases it to w1 at t0, returning the event as
// the claim reported it.
func claimed(t *testing.T, s store.Store) *store.Event {
	t.Helper()
	mustInsert(t, s, signup(progA, "user_1", t0))
	got := mustClaim(t, s, "w1", t0, 1)
	if len(got) != 1 {
		t.Fatalf("Claim = %d events; want 1", len(got))
	}
	return got[0]
}

// released is e after its lease is given up at at (zero: UpdatedAt kept).
func released(e *store.Event, at time.Time) *store.Event {
	out := *e
	out.LeaseOwner, out.LeaseUntil = "", time.Time{}
	if !at.IsZero() {
		out.UpdatedAt = store.UTC(at)
	}
	return &out
}

var outcomeTests = []test{
	{"mark delivered", func(t *testing.T, s store.Store) {
		e := claimed(t, s)
		now := t0.Add(2 * time.Second)
		if err := s.MarkDelivered(ctx(t), e.ID, "w1", now); err != nil {
			t.Fatalf("MarkDelivered = %v", err)
		}
		want := released(e, now)
		want.Status = store.StatusDelivered
		at := store.UTC(now)
		want.DeliveredAt = &at
		diffStored(t, s, want)
	}},
	{"reschedule", func(t *testing.T, s store.Store) {
		e := claimed(t, s)
		next := t0.Add(time.Minute)
		if err := s.Reschedule(ctx(t), e.ID, "w1", next, "partnero: 503"); err != nil {
			t.Fatalf("Reschedule = %v", err)
		}
		want := released(e, time.Time{})
		want.NextAttemptAt = store.UTC(next)
		want.LastError = "partnero: 503"
		diffStored(t, s, want)
		if got := mustClaim(t, s, "w2", next.Add(-time.Millisecond), 1); len(got) != 0 {
			t.Errorf("Claim(before next attempt) = %v; want none", ids(got))
		}
		if got := mustClaim(t, s, "w2", next, 1); len(got) != 1 || got[0].Attempts != 2 {
			t.Errorf("Claim(at next attempt) = %+v; want the event at attempt 2", got)
		}
	}},
	{"mark failed", func(t *testing.T, s store.Store) {
		e := claimed(t, s)
		now := t0.Add(time.Second)
		if err := s.MarkFailed(ctx(t), e.ID, "w1", now, "partnero: 422 partner.key unknown"); err != nil {
			t.Fatalf("MarkFailed = %v", err)
		}
		want := released(e, now)
		want.Status = store.StatusFailed
		want.LastError = "partnero: 422 partner.key unknown"
		diffStored(t, s, want)
	}},
	{"expired lease not taken over still records", func(t *testing.T, s store.Store) {
		e := claimed(t, s)
		if err := s.MarkDelivered(ctx(t), e.ID, "w1", t0.Add(2*lease)); err != nil {
			t.Errorf("MarkDelivered(late, lease not taken) = %v; want nil", err)
		}
	}},
	{"lost lease", func(t *testing.T, s store.Store) {
		type mark struct {
			name string
			call func(s store.Store, id, owner string) error
		}
		marks := []mark{
			{"MarkDelivered", func(s store.Store, id, owner string) error {
				return s.MarkDelivered(ctx(t), id, owner, t0)
			}},
			{"Reschedule", func(s store.Store, id, owner string) error {
				return s.Reschedule(ctx(t), id, owner, t0.Add(time.Minute), "x")
			}},
			{"MarkFailed", func(s store.Store, id, owner string) error {
				return s.MarkFailed(ctx(t), id, owner, t0, "x")
			}},
		}
		e := claimed(t, s)
		unleased := mustInsert(t, s, signup(progB, "user_2", t0.Add(time.Hour)))
		for _, m := range marks {
			wantIs(t, m.name+"(other owner)", m.call(s, e.ID, "w2"), store.ErrLeaseLost)
			wantIs(t, m.name+"(never claimed)", m.call(s, unleased.ID, "w1"), store.ErrLeaseLost)
			wantIs(t, m.name+"(unknown id)", m.call(s, store.NewID(), "w1"), store.ErrNotFound)
		}
		diffStored(t, s, e)
		if err := s.MarkDelivered(ctx(t), e.ID, "w1", t0); err != nil {
			t.Fatalf("MarkDelivered = %v", err)
		}
		for _, m := range marks {
			wantIs(t, m.name+"(already delivered)", m.call(s, e.ID, "w1"), store.ErrLeaseLost)
		}
		if got := mustGet(t, s, progA, e.ID); got.Status != store.StatusDelivered {
			t.Errorf("Get().Status after late marks = %q; want %q", got.Status, store.StatusDelivered)
		}
	}},
	{"retry a failed event", func(t *testing.T, s store.Store) {
		e := claimed(t, s)
		if err := s.MarkFailed(ctx(t), e.ID, "w1", t0, "rejected"); err != nil {
			t.Fatalf("MarkFailed = %v", err)
		}
		now := t0.Add(time.Hour)
		got, err := s.Retry(ctx(t), progA, e.ID, now)
		if err != nil {
			t.Fatalf("Retry = %v", err)
		}
		want := released(e, now)
		want.LastError = "rejected"
		want.NextAttemptAt = store.UTC(now)
		diffStored(t, s, want)
		if got.Status != store.StatusQueued || !got.NextAttemptAt.Equal(want.NextAttemptAt) {
			t.Errorf("Retry = {%s, %v}; want {queued, %v}", got.Status, got.NextAttemptAt, want.NextAttemptAt)
		}
		if again := mustClaim(t, s, "w2", now, 1); len(again) != 1 || again[0].Attempts != 2 {
			t.Errorf("Claim(after retry) = %+v; want the event at attempt 2", again)
		}
	}},
	{"retry refuses other states", func(t *testing.T, s store.Store) {
		d := claimed(t, s)
		q := mustInsert(t, s, signup(progA, "queued", t0))
		if err := s.MarkDelivered(ctx(t), d.ID, "w1", t0); err != nil {
			t.Fatalf("MarkDelivered = %v", err)
		}
		for _, e := range []*store.Event{q, d} {
			status := mustGet(t, s, progA, e.ID).Status
			_, err := s.Retry(ctx(t), progA, e.ID, t0)
			wantIs(t, "Retry("+status+")", err, store.ErrConflict)
			var ce *store.ConflictError
			if !errors.As(err, &ce) || !strings.Contains(ce.Reason, status) {
				t.Errorf("Retry(%s) = %v; want a *store.ConflictError naming the state", status, err)
			}
		}
		_, err := s.Retry(ctx(t), progB, q.ID, t0)
		wantIs(t, "Retry(other program)", err, store.ErrNotFound)
		_, err = s.Retry(ctx(t), progA, store.NewID(), t0)
		wantIs(t, "Retry(unknown id)", err, store.ErrNotFound)
	}},
}
