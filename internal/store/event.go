package store

import (
	"crypto/rand"
	"fmt"
	"strings"
	"time"
)

// Event types: what the event asks Partnero to do.
const (
	TypeSignup   = "signup"
	TypePurchase = "purchase"
	TypeRefund   = "refund"
)

// Event states. An event is queued until delivered, or failed when Partnero
// rejected it for good; Retry puts a failed event back in the queue.
const (
	StatusQueued    = "queued"
	StatusDelivered = "delivered"
	StatusFailed    = "failed"
)

// Precision is the resolution of every stored time. Both backends keep
// microseconds (PostgreSQL's timestamptz resolution), so an event reads back
// identical whichever backend holds it.
const Precision = time.Microsecond

// IDPrefix starts every event id.
const IDPrefix = "evt_"

// Event is one accepted attribution request and its delivery state.
type Event struct {
	// ID is IDPrefix and 26 random base32 characters (lower case).
	ID string
	// Program is the configured program the event belongs to.
	Program string
	// Type is TypeSignup, TypePurchase or TypeRefund.
	Type string
	// NaturalKey makes the event idempotent within (Program, Type): the
	// customer key of a sign-up, the transaction key of a purchase or refund.
	NaturalKey string
	// CustomerKey orders delivery: a customer's events go out in Seq order.
	// For a refund it is the purchase's customer when known, else "".
	CustomerKey string
	// BodyHash is the sha256 of the canonical request; a repeat of the same
	// NaturalKey must carry the same hash.
	BodyHash string
	// Payload is the request JSON as accepted.
	Payload []byte
	// Status is StatusQueued, StatusDelivered or StatusFailed.
	Status string
	// Attempts counts claims, that is delivery attempts started.
	Attempts int
	// LastError is why the latest attempt did not deliver ("" if none did).
	LastError string
	// NextAttemptAt is when a queued event becomes due.
	NextAttemptAt time.Time
	// LeaseOwner is the claimer holding the event, "" when none.
	LeaseOwner string
	// LeaseUntil is when the lease expires, zero when none.
	LeaseUntil time.Time
	// CreatedAt is when the event was accepted; UpdatedAt when its state
	// last changed.
	CreatedAt, UpdatedAt time.Time
	// DeliveredAt is when Partnero confirmed the event, nil until then.
	DeliveredAt *time.Time
	// Seq is the insertion order, assigned by the store.
	Seq int64
}

// NewID returns a fresh random event id: IDPrefix and 26 base32 characters
// carrying 128 bits from crypto/rand, so ids are unguessable across programs.
func NewID() string {
	return IDPrefix + strings.ToLower(rand.Text())
}

// UTC returns t in UTC truncated to Precision: the form in which the store
// keeps and returns times.
func UTC(t time.Time) time.Time {
	return t.UTC().Truncate(Precision)
}

// PrepareInsert validates e for Store.Insert and returns the row to store,
// leaving e untouched. Program, Type, NaturalKey, BodyHash, Payload and
// CreatedAt are required; ID defaults to NewID() and NextAttemptAt to CreatedAt. A new event
// is always queued with no attempts, error or lease, and UpdatedAt equal to
// CreatedAt; Seq is left for the backend. Backends call it first; the error
// wraps ErrInvalid.
func PrepareInsert(e *Event) (*Event, error) {
	if e == nil {
		return nil, fmt.Errorf("insert event: nil event: %w", ErrInvalid)
	}
	var missing []string
	for _, f := range []struct{ name, v string }{
		{"program", e.Program}, {"type", e.Type}, {"natural key", e.NaturalKey}, {"body hash", e.BodyHash},
	} {
		if f.v == "" {
			missing = append(missing, f.name)
		}
	}
	if len(e.Payload) == 0 {
		missing = append(missing, "payload")
	}
	if e.CreatedAt.IsZero() {
		missing = append(missing, "created at")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("insert event: missing %s: %w", strings.Join(missing, ", "), ErrInvalid)
	}
	if !ValidType(e.Type) {
		return nil, fmt.Errorf("insert event: unknown type %q: %w", e.Type, ErrInvalid)
	}
	out := &Event{
		ID:            e.ID,
		Program:       e.Program,
		Type:          e.Type,
		NaturalKey:    e.NaturalKey,
		CustomerKey:   e.CustomerKey,
		BodyHash:      e.BodyHash,
		Payload:       append([]byte(nil), e.Payload...),
		Status:        StatusQueued,
		NextAttemptAt: UTC(e.NextAttemptAt),
		CreatedAt:     UTC(e.CreatedAt),
	}
	if out.ID == "" {
		out.ID = NewID()
	}
	if e.NextAttemptAt.IsZero() {
		out.NextAttemptAt = out.CreatedAt
	}
	out.UpdatedAt = out.CreatedAt
	return out, nil
}

// ValidType reports whether typ is one of the event types.
func ValidType(typ string) bool {
	return typ == TypeSignup || typ == TypePurchase || typ == TypeRefund
}

// ValidStatus reports whether status is one of the event states.
func ValidStatus(status string) bool {
	return status == StatusQueued || status == StatusDelivered || status == StatusFailed
}
