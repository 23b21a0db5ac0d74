package partnero

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Kind says what a caller should do about a failed call. Callers decide on
// the Kind and never read status codes themselves.
type Kind int

// Kinds of failure.
const (
	// Retryable: the network failed, Partnero answered 5xx or 408. Try
	// again later with backoff.
	Retryable Kind = iota + 1
	// RateLimited: 429. Try again after RetryAfter (or a backoff when
	// Partnero gave none).
	RateLimited
	// Permanent: any other 4xx. Sending the same request again will fail
	// the same way; Fields keeps Partnero's per-field reasons.
	Permanent
	// Duplicate: Partnero already has an object with this key. For a
	// create, that means an earlier attempt got through: delivered.
	Duplicate
	// NotFound: 404. For a delete, the object is already gone.
	NotFound
)

func (k Kind) String() string {
	switch k {
	case Retryable:
		return "retryable"
	case RateLimited:
		return "rate_limited"
	case Permanent:
		return "permanent"
	case Duplicate:
		return "duplicate"
	case NotFound:
		return "not_found"
	}
	return "unknown"
}

// Error is a failed Partnero call, classified. It never holds the API key.
type Error struct {
	Op         string // "create customer", ...
	Kind       Kind
	Status     int // 0 for network errors
	Message    string
	Fields     map[string][]string
	RetryAfter time.Duration // only for RateLimited; 0 = not given
	Err        error         // the network error, when there was one
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "partnero: %s: ", e.Op)
	switch {
	case e.Status == 0 && e.Err != nil:
		fmt.Fprintf(&b, "%v", e.Err)
	default:
		fmt.Fprintf(&b, "HTTP %d", e.Status)
		if e.Message != "" {
			fmt.Fprintf(&b, ": %s", e.Message)
		}
	}
	if len(e.Fields) > 0 {
		names := make([]string, 0, len(e.Fields))
		for f := range e.Fields {
			names = append(names, f)
		}
		sort.Strings(names)
		for _, f := range names {
			fmt.Fprintf(&b, "; %s: %s", f, strings.Join(e.Fields[f], " "))
		}
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the Kind of err, or 0 when err is not a *Error.
func KindOf(err error) Kind {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Kind
	}
	return 0
}

// RetryAfterOf returns the wait Partnero asked for, if any.
func RetryAfterOf(err error) time.Duration {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.RetryAfter
	}
	return 0
}
