// Package apperr is the small error vocabulary the packages below the
// server speak. An *Error carries a Code saying what kind of failure it is,
// words a client may see, and the cause for the logs. It knows nothing of
// HTTP: the server maps each Code to a status and to the error codes of
// DESIGN.md section 4 in one table (server/errors.go).
package apperr

import (
	"errors"
	"fmt"
	"time"
)

// Code is a kind of failure.
type Code string

// Codes. The comments say what the client did or met, not what it is
// answered: that is the server's table.
const (
	// Malformed: the request cannot be read (bad JSON, an unknown field,
	// a value of the wrong type, a query parameter that is not a number).
	Malformed Code = "malformed"
	// Invalid: the request reads fine, but a value is not acceptable (a
	// required field is empty, an email is not one).
	Invalid Code = "invalid"
	// Unauthorized: no credentials, or unknown ones.
	Unauthorized Code = "unauthorized"
	// Forbidden: the credentials do not cover what was asked.
	Forbidden Code = "forbidden"
	// NotFound: nothing is there.
	NotFound Code = "not_found"
	// MethodNotAllowed: the path exists, but not for that method.
	MethodNotAllowed Code = "method_not_allowed"
	// Timeout: the client did not send its request in time.
	Timeout Code = "timeout"
	// Conflict: the request contradicts what is stored (the same key with
	// another body, a retry of an event that has not failed).
	Conflict Code = "conflict"
	// PayloadTooLarge: the body is over the limit.
	PayloadTooLarge Code = "payload_too_large"
	// UnsupportedMediaType: the body is not declared as JSON.
	UnsupportedMediaType Code = "unsupported_media_type"
	// HeadersTooLarge: the request's header block is over the limit.
	HeadersTooLarge Code = "headers_too_large"
	// RateLimited: the client asks too often; RetryAfter says when to come
	// back.
	RateLimited Code = "rate_limited"
	// BadGateway: an upstream (Partnero) answered, but not usefully.
	BadGateway Code = "bad_gateway"
	// UpstreamUnavailable: an upstream cannot be reached or asks us to wait.
	UpstreamUnavailable Code = "upstream_unavailable"
	// Internal: a failure of ours; its words are never shown.
	Internal Code = "internal"
)

// Error is an error a client may see. Message must never hold a secret,
// and Internal errors are shown without it.
type Error struct {
	Code    Code
	Message string
	// Field names the one field at fault, as a JSON path
	// ("customer.email"), or "".
	Field string
	// RetryAfter tells the client when to try again (rate_limited and
	// upstream failures).
	RetryAfter time.Duration
	// Err is the cause, for logs only.
	Err error
}

func (e *Error) Error() string {
	s := string(e.Code) + ": " + e.Message
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
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Field returns an error about one field: Malformed for a request that
// cannot be read, Invalid for a well-formed but wrong value.
func Field(code Code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// As returns the *Error in err's chain, or nil.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}
