package store

import "errors"

// Sentinel errors. Store methods wrap them with the operation and its
// arguments (fmt.Errorf("get event %s: %w", id, ErrNotFound)); callers test
// with errors.Is and map them to the API's error codes in one place.
var (
	// ErrNotFound means no such event exists for that program.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the request contradicts the stored state: the same
	// natural key with a different body, or a retry of an event that has not
	// failed. The chain holds a *ConflictError with a reason for the client.
	ErrConflict = errors.New("conflict")
	// ErrLeaseLost means the caller no longer holds the event's lease (it
	// expired and another claimer took it, or its result was already
	// recorded), so its outcome must be dropped.
	ErrLeaseLost = errors.New("lease lost")
	// ErrInvalid means the caller passed something malformed: a missing
	// field, an unknown status, a cursor the store did not issue.
	ErrInvalid = errors.New("invalid")
)

// ConflictError says why an operation conflicts with the stored state, in
// words fit for an API client (no keys or payloads). It matches ErrConflict.
type ConflictError struct {
	// Reason is a short sentence, e.g. "event is delivered; only a failed
	// event can be retried".
	Reason string
}

// Error returns the reason.
func (e *ConflictError) Error() string { return e.Reason }

// Is makes errors.Is(err, ErrConflict) true for a *ConflictError.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// Conflict reasons shared by both backends, so clients see the same words.
var (
	// ErrBodyMismatch is Insert's conflict: same natural key, other body.
	ErrBodyMismatch = &ConflictError{Reason: "an event with this key was already accepted with a different body"}
)

// NotRetryable is Retry's conflict for an event in state status.
func NotRetryable(status string) *ConflictError {
	return &ConflictError{Reason: "event is " + status + "; only a failed event can be retried"}
}
