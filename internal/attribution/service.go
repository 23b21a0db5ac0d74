package attribution

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/deeplinkd/deeplinkd/internal/apperr"
	"github.com/deeplinkd/deeplinkd/internal/store"
)

// Options configure a Service.
type Options struct {
	// Store is the durable outbox; required.
	Store store.Store
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Notify wakes the delivery worker after an event is queued; nil does
	// nothing (the worker then finds the event on its next idle wake).
	Notify func()
}

// Service accepts events into the outbox and answers questions about
// them. Every method takes the program of the caller's API token, and
// never sees or touches another program's events.
type Service struct {
	store  store.Store
	now    func() time.Time
	notify func()
}

// NewService returns a Service over opts.Store.
func NewService(opts Options) (*Service, error) {
	if opts.Store == nil {
		return nil, errors.New("attribution: Store is required")
	}
	s := &Service{store: opts.Store, now: opts.Now, notify: opts.Notify}
	if s.now == nil {
		s.now = time.Now
	}
	if s.notify == nil {
		s.notify = func() {}
	}
	return s, nil
}

// Signup accepts a POST /api/v1/signups body for program. It returns the
// stored event and whether this call created it: a repeat of the same
// customer key with the same body returns the first event and false; with
// another body, a conflict.
func (s *Service) Signup(ctx context.Context, program string, body []byte) (*store.Event, bool, error) {
	p, err := decodeSignup(body)
	if err != nil {
		return nil, false, err
	}
	return s.accept(ctx, program, store.TypeSignup, p.Customer.Key, p.Customer.Key, p)
}

// Purchase accepts a POST /api/v1/purchases body, idempotent on its key.
func (s *Service) Purchase(ctx context.Context, program string, body []byte) (*store.Event, bool, error) {
	p, err := decodePurchase(body)
	if err != nil {
		return nil, false, err
	}
	return s.accept(ctx, program, store.TypePurchase, p.Key, p.CustomerKey, p)
}

// Refund accepts a POST /api/v1/refunds body, idempotent on its key. A
// refund of a purchase we accepted joins that customer's queue, so it is
// never sent before the purchase itself.
func (s *Service) Refund(ctx context.Context, program string, body []byte) (*store.Event, bool, error) {
	p, err := decodeRefund(body)
	if err != nil {
		return nil, false, err
	}
	customer := ""
	purchase, err := s.store.FindByNaturalKey(ctx, program, store.TypePurchase, p.Key)
	switch {
	case err == nil:
		customer = purchase.CustomerKey
	case !errors.Is(err, store.ErrNotFound):
		return nil, false, fmt.Errorf("refund %s/%s: find purchase: %w", program, p.Key, err)
	}
	return s.accept(ctx, program, store.TypeRefund, p.Key, customer, p)
}

// accept stores the canonical payload under its natural key.
func (s *Service) accept(ctx context.Context, program, typ, naturalKey, customerKey string, payload any) (*store.Event, bool, error) {
	b, hash, err := canonical(payload)
	if err != nil {
		return nil, false, err
	}
	e, created, err := s.store.Insert(ctx, &store.Event{
		Program:     program,
		Type:        typ,
		NaturalKey:  naturalKey,
		CustomerKey: customerKey,
		BodyHash:    hash,
		Payload:     b,
		CreatedAt:   s.now(),
	})
	if err != nil {
		return nil, false, storeError(err, "accept %s %s/%s", typ, program, naturalKey)
	}
	if created {
		s.notify()
	}
	return e, created, nil
}

// Event returns the program's event with that id.
func (s *Service) Event(ctx context.Context, program, id string) (*store.Event, error) {
	e, err := s.store.Get(ctx, program, id)
	if err != nil {
		return nil, s.eventError(ctx, err, program, id, "get event %s/%s")
	}
	return e, nil
}

// eventError is storeError for an operation on one event id, except that
// an id of another program is a 403: a token acts only on its own
// program, and saying so (rather than "not found") tells an integrator
// which token to use. Event ids are random, so this reveals nothing a
// guess could find.
func (s *Service) eventError(ctx context.Context, err error, program, id, format string) error {
	if errors.Is(err, store.ErrNotFound) {
		if owner, perr := s.store.ProgramOf(ctx, id); perr == nil && owner != program {
			return &apperr.Error{Code: apperr.Forbidden, Message: "event belongs to another program than the token's", Err: err}
		}
	}
	return storeError(err, format, program, id)
}

// Events lists the program's events newest first, optionally only those
// in status (queued, delivered or failed), one page of at most limit (0 for
// the default) at a time. next is the cursor of the following page, "" on
// the last one.
func (s *Service) Events(ctx context.Context, program, status, cursor string, limit int) (events []*store.Event, next string, err error) {
	if status != "" && !store.ValidStatus(status) {
		return nil, "", apperr.Field(apperr.Invalid, "status", "status must be queued, delivered or failed")
	}
	if limit < 0 {
		return nil, "", apperr.Field(apperr.Invalid, "limit", "limit must not be negative")
	}
	q := store.ListQuery{Program: program, Status: status, Cursor: cursor, Limit: limit}
	// The store says only "invalid"; with status and limit checked above,
	// what is left for the client to have got wrong is the cursor.
	if _, err := q.Page(); err != nil {
		if errors.Is(err, store.ErrInvalid) && program != "" {
			return nil, "", &apperr.Error{Code: apperr.Malformed, Field: "cursor",
				Message: "cursor is not one this API returned", Err: err}
		}
		return nil, "", fmt.Errorf("list events of %s: %w", program, err)
	}
	events, next, err = s.store.List(ctx, q)
	if err != nil {
		return nil, "", storeError(err, "list events of %s", program)
	}
	return events, next, nil
}

// Retry puts the program's failed event back in the queue and wakes the
// worker. An event in another state is a conflict that says why.
func (s *Service) Retry(ctx context.Context, program, id string) (*store.Event, error) {
	e, err := s.store.Retry(ctx, program, id, s.now())
	if err != nil {
		return nil, s.eventError(ctx, err, program, id, "retry event %s/%s")
	}
	s.notify()
	return e, nil
}

// storeError maps the store's sentinel errors to the API's vocabulary;
// anything else stays an internal error, wrapped with the operation.
func storeError(err error, format string, args ...any) error {
	var ce *store.ConflictError
	switch {
	case errors.Is(err, store.ErrNotFound):
		return &apperr.Error{Code: apperr.NotFound, Message: "event not found", Err: err}
	case errors.As(err, &ce):
		return &apperr.Error{Code: apperr.Conflict, Message: ce.Reason, Err: err}
	case errors.Is(err, store.ErrConflict):
		return &apperr.Error{Code: apperr.Conflict, Message: "the request conflicts with the stored event", Err: err}
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}
