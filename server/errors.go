package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/deeplinkd/deeplinkd/internal/apperr"
)

// Error is an error a handler returns to have it answered with a given
// status. Code and Message are shown to the client (Code only under /api);
// Field names the one request field at fault, if any. Err, when set, is
// logged for 5xx answers and never shown.
type Error struct {
	Status  int
	Code    string
	Message string
	Field   string
	Err     error
}

// Error implements error.
func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap returns the internal cause.
func (e *Error) Unwrap() error { return e.Err }

// errUnknownHost answers any request for a host that is not configured.
var errUnknownHost = &Error{Status: http.StatusNotFound, Message: "unknown host"}

// apiErrorBody is the JSON shape of DESIGN.md section 4.
type apiErrorBody struct {
	Error apiError `json:"error"`
}

type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// handleError is the one place errors become responses, for both
// listeners: JSON under /api, plain text elsewhere, and never the text of
// an internal error or a panic.
// statusClientClosed is nginx's code for a request whose client went away.
const statusClientClosed = 499

func (s *Server) handleError(err error, c echo.Context) {
	req := c.Request()
	if errors.Is(err, context.Canceled) && req.Context().Err() != nil {
		// The client closed the connection mid-request: nobody reads an
		// answer and nothing failed here (an accepted event stays
		// accepted; the client's retry gets it back). nginx's 499 keeps
		// these apart from server errors in the access log and metrics.
		if !c.Response().Committed {
			c.Response().Status = statusClientClosed
		}
		return
	}
	e := classify(err)
	if e.Status >= http.StatusInternalServerError {
		s.log.LogAttrs(req.Context(), slog.LevelError, "request failed",
			slog.String("request_id", requestIDOf(c)),
			slog.String("route", routeOf(c)),
			slog.Int("status", e.Status),
			slog.String("error", err.Error()))
	}
	if c.Response().Committed {
		// Headers are gone; the client already has a status.
		return
	}
	if ae := apperr.As(err); ae != nil && ae.RetryAfter > 0 &&
		(e.Code == apperr.RateLimited || e.Code == apperr.UpstreamUnavailable) {
		// Whole seconds, rounded up: a client retrying early only fails again.
		c.Response().Header().Set("Retry-After", strconv.FormatInt(int64((ae.RetryAfter+time.Second-1)/time.Second), 10))
	}
	var werr error
	switch {
	case req.Method == http.MethodHead:
		werr = c.NoContent(e.Status)
	case isAPIPath(req.URL.Path):
		werr = c.JSON(e.Status, apiErrorBody{Error: apiError{Code: e.Code, Message: e.Message, Field: e.Field}})
	default:
		werr = c.String(e.Status, e.Message+"\n")
	}
	if werr != nil {
		s.log.LogAttrs(req.Context(), slog.LevelDebug, "write error response",
			slog.String("request_id", requestIDOf(c)), slog.String("error", werr.Error()))
	}
}

// classify turns any error into a status with words safe to show. A
// *Error or an *apperr.Error (the API's vocabulary) keeps its words unless
// it is internal; anything else gets the generic words of its status.
func classify(err error) *Error {
	var own *Error
	if !errors.As(err, &own) {
		if ae := apperr.As(err); ae != nil {
			own = &Error{Status: apperr.HTTPStatus(ae), Code: ae.Code, Message: ae.Message, Field: ae.Field, Err: ae.Err}
		}
	}
	if own != nil {
		e := *own
		if e.Status == 0 {
			e.Status = http.StatusInternalServerError
		}
		if e.Code == "" {
			e.Code = codeFor(e.Status)
		}
		if e.Message == "" || e.Code == "internal" {
			// An internal failure's words are never the handler's.
			e.Message = messageFor(e.Status)
			e.Field = ""
		}
		return &e
	}
	status := http.StatusInternalServerError
	var he *echo.HTTPError
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		status = http.StatusRequestEntityTooLarge
	case errors.Is(err, os.ErrDeadlineExceeded):
		// The body did not arrive within readTimeout.
		status = http.StatusRequestTimeout
	case errors.As(err, &he):
		status = he.Code
	}
	// An echo error's message is echo's words (or a caller's detail), so
	// the answer uses ours for its status instead.
	return &Error{Status: status, Code: codeFor(status), Message: messageFor(status)}
}

// codeFor maps a status to the error vocabulary of DESIGN.md section 4.
func codeFor(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return "unauthorized"
	case http.StatusForbidden:
		return "forbidden"
	case http.StatusNotFound:
		return "not_found"
	case http.StatusConflict:
		return "conflict"
	case http.StatusRequestEntityTooLarge:
		return "payload_too_large"
	case http.StatusTooManyRequests:
		return "rate_limited"
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return "upstream_unavailable"
	}
	if status >= http.StatusInternalServerError {
		return "internal"
	}
	// 405, 415, 431 and the rest of 4xx are faults in the request.
	return "invalid_request"
}

// messageFor is the generic message for a status, e.g. "not found".
func messageFor(status int) string {
	if status >= http.StatusInternalServerError && status != http.StatusBadGateway &&
		status != http.StatusServiceUnavailable && status != http.StatusGatewayTimeout {
		return "internal error"
	}
	if t := http.StatusText(status); t != "" {
		return strings.ToLower(t)
	}
	return "error"
}

// isAPIPath reports whether path belongs to the JSON API.
func isAPIPath(path string) bool {
	return path == "/api" || strings.HasPrefix(path, "/api/")
}
