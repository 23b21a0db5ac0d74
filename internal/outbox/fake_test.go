package outbox

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/deeplinkd/deeplinkd/internal/store"
)

// memStore is an in-memory Store with the claim rules of store.Store
// (leases, per-customer order), small enough to live in a synctest bubble.
type memStore struct {
	mu     sync.Mutex
	events []*store.Event
	seq    int64
}

func (m *memStore) add(e store.Event) *store.Event {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seq++
	e.Seq = m.seq
	e.Status = store.StatusQueued
	if e.ID == "" {
		e.ID = fmt.Sprintf("evt_%d", m.seq)
	}
	m.events = append(m.events, &e)
	return &e
}

func (m *memStore) get(id string) store.Event {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, e := range m.events {
		if e.ID == id {
			return *e
		}
	}
	panic("no event " + id)
}

func (m *memStore) heldBack(e *store.Event) bool {
	if e.CustomerKey == "" {
		return false
	}
	for _, o := range m.events {
		if o.Seq < e.Seq && o.Program == e.Program && o.CustomerKey == e.CustomerKey && o.Status == store.StatusQueued {
			return true
		}
	}
	return false
}

func (m *memStore) Claim(_ context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]*store.Event, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*store.Event
	for _, e := range m.events {
		if len(out) == limit {
			break
		}
		if e.Status != store.StatusQueued || e.NextAttemptAt.After(now) || e.LeaseUntil.After(now) || m.heldBack(e) {
			continue
		}
		e.LeaseOwner, e.LeaseUntil = owner, now.Add(lease)
		e.Attempts++
		c := *e
		out = append(out, &c)
	}
	return out, nil
}

func (m *memStore) leased(id, owner string) (*store.Event, error) {
	for _, e := range m.events {
		if e.ID == id {
			if e.Status != store.StatusQueued || e.LeaseOwner != owner {
				return nil, store.ErrLeaseLost
			}
			return e, nil
		}
	}
	return nil, store.ErrNotFound
}

func (m *memStore) MarkDelivered(_ context.Context, id, owner string, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, err := m.leased(id, owner)
	if err != nil {
		return err
	}
	e.Status, e.DeliveredAt, e.LeaseOwner, e.LeaseUntil = store.StatusDelivered, &now, "", time.Time{}
	return nil
}

func (m *memStore) Reschedule(_ context.Context, id, owner string, next time.Time, lastErr string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, err := m.leased(id, owner)
	if err != nil {
		return err
	}
	e.NextAttemptAt, e.LastError, e.LeaseOwner, e.LeaseUntil = next, lastErr, "", time.Time{}
	return nil
}

func (m *memStore) MarkFailed(_ context.Context, id, owner string, now time.Time, reason string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, err := m.leased(id, owner)
	if err != nil {
		return err
	}
	e.Status, e.LastError, e.LeaseOwner, e.LeaseUntil = store.StatusFailed, reason, "", time.Time{}
	return nil
}

func (m *memStore) NextDue(context.Context) (time.Time, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var due time.Time
	ok := false
	for _, e := range m.events {
		if e.Status != store.StatusQueued || m.heldBack(e) {
			continue
		}
		t := e.NextAttemptAt
		if e.LeaseUntil.After(t) {
			t = e.LeaseUntil
		}
		if !ok || t.Before(due) {
			due, ok = t, true
		}
	}
	return due, ok, nil
}

func (m *memStore) QueueStats(_ context.Context, now time.Time) (store.Stats, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var s store.Stats
	for _, e := range m.events {
		switch e.Status {
		case store.StatusQueued:
			s.Queued++
			if age := now.Sub(e.CreatedAt); age > s.OldestQueued {
				s.OldestQueued = age
			}
		case store.StatusFailed:
			s.Failed++
		}
	}
	return s, nil
}

// scriptSender answers each send from a per-event script of results and
// records when each send happened.
type scriptSender struct {
	mu      sync.Mutex
	script  map[string][]Result
	sends   []send
	block   chan struct{} // when set, sends wait on it or on ctx
	started chan string
}

type send struct {
	ID string
	At time.Time
}

func (s *scriptSender) Send(ctx context.Context, e *store.Event) Result {
	s.mu.Lock()
	s.sends = append(s.sends, send{e.ID, time.Now()})
	var r Result
	if q := s.script[e.ID]; len(q) > 0 {
		r, s.script[e.ID] = q[0], q[1:]
	} else {
		r = Result{Outcome: Delivered}
	}
	block, started := s.block, s.started
	s.mu.Unlock()
	if started != nil {
		started <- e.ID
	}
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return Result{Outcome: Retry, Reason: ctx.Err().Error()}
		}
	}
	return r
}

func (s *scriptSender) log() []send {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]send(nil), s.sends...)
}
