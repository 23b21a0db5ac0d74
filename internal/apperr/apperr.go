// Package apperr is the small error vocabulary the API speaks
// (DESIGN.md section 4). Packages below the server return *Error; the
// server maps Code to an HTTP status in one place and writes
// {"error":{"code","message","field"}}.
package apperr

import (
	"errors"
	"fmt"
	"time"
)

// Codes, as written in the API's error bodies.
const (
	Invalid             = "invalid_request"      // 400 / 422
	Unauthorized        = "unauthorized"         // 401
	Forbidden           = "forbidden"            // 403
	NotFound            = "not_found"            // 404
	Conflict            = "conflict"             // 409
	PayloadTooLarge     = "payload_too_large"    // 413
	RateLimited         = "rate_limited"         // 429
	UpstreamUnavailable = "upstream_unavailable" // 502 / 503
	Internal            = "internal"             // 500
)

// Error is an error a client may see. Message must never hold a secret,
// and Internal errors are shown without it.
type Error struct {
	Code    string
	Message string
	// Field names the one field at fault, as a JSON path
	// ("customer.email"), or "".
	Field string
	// Status overrides the code's default status (422 instead of 400 for
	// a well-formed but unacceptable value, 502 instead of 503).
	Status int
	// RetryAfter is sent as Retry-After with rate_limited and
	// upstream_unavailable.
	RetryAfter time.Duration
	// Err is the cause, for logs only.
	Err error
}

func (e *Error) Error() string {
	s := e.Code + ": " + e.Message
	if e.Field != "" {
		s += " (" + e.Field + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error with code and a formatted message.
func New(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Field returns an invalid_request error about one field; status is 400
// for a malformed request and 422 for a well-formed but wrong value.
func Field(status int, field, format string, args ...any) *Error {
	return &Error{Code: Invalid, Status: status, Field: field, Message: fmt.Sprintf(format, args...)}
}

// As returns the *Error in err's chain, or nil.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// HTTPStatus is the status for e: its own when set, else the code's.
func HTTPStatus(e *Error) int {
	if e.Status != 0 {
		return e.Status
	}
	switch e.Code {
	case Invalid:
		return 400
	case Unauthorized:
		return 401
	case Forbidden:
		return 403
	case NotFound:
		return 404
	case Conflict:
		return 409
	case PayloadTooLarge:
		return 413
	case RateLimited:
		return 429
	case UpstreamUnavailable:
		return 503
	}
	return 500
}
