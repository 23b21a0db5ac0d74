// Package store defines the durable outbox that holds accepted attribution
// events until Partnero has them: the Event row, the Store interface both
// backends implement (internal/store/sqlite, internal/store/postgres), and the
// sentinel errors callers branch on. It imports no database driver; the
// conformance suite in internal/store/storetest pins the behaviour down.
package store

import (
	"context"
	"time"
)

// Store is the event outbox. Every method is safe for concurrent use, and on
// PostgreSQL across any number of processes sharing one database.
//
// Errors wrap ErrNotFound, ErrConflict, ErrLeaseLost or ErrInvalid when the
// caller can act on them (test with errors.Is); any other error is an
// internal failure of the database. Times passed in are the caller's clock:
// the store never reads the wall clock, and every time it returns is UTC,
// truncated to Precision.
type Store interface {
	// Insert stores a new event, idempotent on (Program, Type, NaturalKey).
	// A new event is committed durably before Insert returns, with
	// created=true. If the key exists with the same BodyHash, Insert returns
	// the existing event and created=false; with a different BodyHash it
	// returns an error wrapping ErrConflict. Insert does not modify e; see
	// PrepareInsert for the fields it fills in.
	//
	// Backends may commit concurrent inserts together; each caller still
	// gets its own answer, and only after the commit. A caller whose ctx
	// ends first gets ctx.Err(), and its event may or may not have been
	// committed, as with an HTTP request that timed out: a retry with the
	// same body returns the event if it was (created=false).
	Insert(ctx context.Context, e *Event) (stored *Event, created bool, err error)

	// Get returns the program's event with that id, or ErrNotFound (also for
	// an id that belongs to another program).
	Get(ctx context.Context, program, id string) (*Event, error)

	// List returns the program's events newest first (by Seq), one page at a
	// time. next is the cursor of the following page, "" on the last page.
	List(ctx context.Context, q ListQuery) (events []*Event, next string, err error)

	// ProgramOf returns the program an event id belongs to, or ErrNotFound,
	// so the API can tell a token that an id is another program's (403)
	// rather than unknown (404).
	ProgramOf(ctx context.Context, id string) (string, error)

	// FindByNaturalKey returns the program's event of type typ with that
	// natural key, or ErrNotFound. A refund uses it to learn the purchase's
	// customer.
	FindByNaturalKey(ctx context.Context, program, typ, key string) (*Event, error)

	// Claim leases up to limit due events to owner until now+lease, adding one
	// to their Attempts, oldest due first. An event is due when it is queued,
	// NextAttemptAt <= now, and it has no lease or its lease has expired
	// (LeaseUntil <= now). An event with a CustomerKey is held back while an
	// earlier event (lower Seq) of the same Program and CustomerKey is still
	// queued, leased or not, so one customer's events go out in order; events
	// without a CustomerKey are independent. Two concurrent claimers never
	// receive the same event. owner should be unique per claimer (instance
	// and worker), since the Mark* methods trust it.
	Claim(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]*Event, error)

	// MarkDelivered records that Partnero has the event: status delivered,
	// DeliveredAt and UpdatedAt now, lease released. It fails with
	// ErrLeaseLost unless the event is queued and leased to owner, so a slow
	// worker whose lease was taken over cannot overwrite the new result.
	MarkDelivered(ctx context.Context, id, owner string, now time.Time) error

	// Reschedule returns a leased event to the queue for another attempt at
	// next, recording lastErr and releasing the lease. UpdatedAt stays at the
	// claim's time, as no clock is passed. Same lease rule as MarkDelivered.
	Reschedule(ctx context.Context, id, owner string, next time.Time, lastErr string) error

	// MarkFailed gives up on a leased event: status failed, LastError reason,
	// UpdatedAt now, lease released. Same lease rule as MarkDelivered.
	MarkFailed(ctx context.Context, id, owner string, now time.Time, reason string) error

	// Retry puts the program's failed event back in the queue, due now,
	// keeping Attempts and LastError. An event in any other state gives an
	// error wrapping a *ConflictError that says why; an unknown id (or one of
	// another program) gives ErrNotFound.
	Retry(ctx context.Context, program, id string, now time.Time) (*Event, error)

	// NextDue reports the earliest time at which Claim could return an event
	// that exists now: for each queued event not held back by an earlier
	// event of its customer, the later of its NextAttemptAt and LeaseUntil.
	// The time may be in the past (due already). ok is false when nothing is
	// queued, so a worker sleeps until notified of a new event.
	NextDue(ctx context.Context) (due time.Time, ok bool, err error)

	// QueueStats counts queued and failed events across all programs and
	// reports the age at now of the oldest queued one.
	QueueStats(ctx context.Context, now time.Time) (Stats, error)

	// Ping reports whether the database is reachable.
	Ping(ctx context.Context) error

	// Close releases the database; the Store is unusable afterwards.
	Close() error
}

// ListQuery selects a page of one program's events.
type ListQuery struct {
	// Program is required: a listing never crosses programs.
	Program string
	// Status keeps only events in that state; "" keeps all.
	Status string
	// Cursor is the next value of the previous page; "" starts at the newest.
	Cursor string
	// Limit is the page size: 0 means DefaultListLimit, more than
	// MaxListLimit means MaxListLimit.
	Limit int
}

// Stats summarises the queue for the worker's gauges.
type Stats struct {
	// Queued counts events waiting for delivery, leased or not.
	Queued int
	// Failed counts events that gave up and wait for a manual retry.
	Failed int
	// OldestQueued is the age of the oldest queued event (from CreatedAt),
	// zero when nothing is queued.
	OldestQueued time.Duration
}
