package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/deeplinkd/deeplinkd/internal/apperr"
)

// errorKind is how one apperr.Code is answered: the HTTP status and the
// code of DESIGN.md section 4 that the JSON body carries.
type errorKind struct {
	status int
	code   string
}

// errorKinds is the one table from an error's code to its answer. A code
// that is not here is answered as internal.
var errorKinds = map[apperr.Code]errorKind{
	apperr.Malformed:            {http.StatusBadRequest, "invalid_request"},
	apperr.Invalid:              {http.StatusUnprocessableEntity, "invalid_request"},
	apperr.Unauthorized:         {http.StatusUnauthorized, "unauthorized"},
	apperr.Forbidden:            {http.StatusForbidden, "forbidden"},
	apperr.NotFound:             {http.StatusNotFound, "not_found"},
	apperr.MethodNotAllowed:     {http.StatusMethodNotAllowed, "invalid_request"},
	apperr.Timeout:              {http.StatusRequestTimeout, "invalid_request"},
	apperr.Conflict:             {http.StatusConflict, "conflict"},
	apperr.PayloadTooLarge:      {http.StatusRequestEntityTooLarge, "payload_too_large"},
	apperr.UnsupportedMediaType: {http.StatusUnsupportedMediaType, "invalid_request"},
	apperr.HeadersTooLarge:      {http.StatusRequestHeaderFieldsTooLarge, "invalid_request"},
	apperr.RateLimited:          {http.StatusTooManyRequests, "rate_limited"},
	apperr.BadGateway:           {http.StatusBadGateway, "upstream_unavailable"},
	apperr.UpstreamUnavailable:  {http.StatusServiceUnavailable, "upstream_unavailable"},
	apperr.Internal:             {http.StatusInternalServerError, "internal"},
}

// errUnknownHost answers any request for a host that is not configured.
var errUnknownHost = apperr.New(apperr.NotFound, "unknown host")

// errNotFound answers a path that is neither a route nor a link.
var errNotFound = apperr.New(apperr.NotFound, "not found")

// statusClientClosed is nginx's code for a request whose client went away.
const statusClientClosed = 499

// errorAnswer is what a client is told of an error: never the text of an
// internal failure.
type errorAnswer struct {
	status     int
	code       string
	message    string
	field      string
	retryAfter time.Duration
}

// classify turns any error into its answer. An *apperr.Error keeps its
// words unless it is internal; the errors net/http and echo produce (a body
// over the limit, a body that did not arrive in time, the router's 404
// and 405) get their code's generic words, and anything else is internal.
func classify(err error) errorAnswer {
	e := apperr.As(err)
	if e == nil {
		e = &apperr.Error{Code: codeOf(err)}
	}
	kind, ok := errorKinds[e.Code]
	if !ok {
		kind = errorKinds[apperr.Internal]
	}
	a := errorAnswer{status: kind.status, code: kind.code, message: e.Message, field: e.Field, retryAfter: e.RetryAfter}
	if a.message == "" || kind.code == "internal" {
		a.message, a.field = messageFor(kind.status), ""
	}
	return a
}

// codeOf is the code of an error that is not an *apperr.Error.
func codeOf(err error) apperr.Code {
	var tooLarge *http.MaxBytesError
	var he *echo.HTTPError
	switch {
	case errors.As(err, &tooLarge):
		return apperr.PayloadTooLarge
	case errors.Is(err, os.ErrDeadlineExceeded):
		// The body did not arrive within the read timeout.
		return apperr.Timeout
	case errors.As(err, &he):
		for code, kind := range errorKinds {
			if kind.status == he.Code {
				return code
			}
		}
	}
	return apperr.Internal
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

// apiErrorBody is the JSON shape of DESIGN.md section 4.
type apiErrorBody struct {
	Error apiError `json:"error"`
}

type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// handleError is echo's error handler for both listeners.
func (s *Server) handleError(err error, c echo.Context) {
	r := c.Request()
	x := exchangeOf(r)
	if x == nil {
		// A handler test without the chain: answer through echo's writer.
		x = &exchange{ResponseWriter: c.Response(), route: routeUnmatched}
	}
	s.answerError(x, r, err)
}

// answerError is the one place errors become responses: JSON under /api,
// plain text elsewhere, nothing for HEAD, and never the text of an
// internal error. 5xx answers are logged with their cause.
func (s *Server) answerError(x *exchange, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		// The client closed the connection mid-request: nobody reads an
		// answer and nothing failed here (an accepted event stays
		// accepted; the client's retry gets it back). nginx's 499 keeps
		// these apart from server errors in the access log and metrics.
		if x.status == 0 {
			x.status = statusClientClosed
		}
		return
	}
	a := classify(err)
	if a.status >= http.StatusInternalServerError {
		s.log.LogAttrs(r.Context(), slog.LevelError, "request failed",
			slog.String("request_id", x.id),
			slog.String("route", x.route),
			slog.Int("status", a.status),
			slog.String("error", err.Error()))
	}
	if x.status != 0 {
		// Headers are gone; the client already has a status.
		return
	}
	if werr := writeError(x, r, a); werr != nil {
		s.log.LogAttrs(r.Context(), slog.LevelDebug, "write error response",
			slog.String("request_id", x.id), slog.String("error", werr.Error()))
	}
}

// writeError writes a: the one writer of error answers.
func writeError(w http.ResponseWriter, r *http.Request, a errorAnswer) error {
	if a.retryAfter > 0 && (a.code == "rate_limited" || a.code == "upstream_unavailable") {
		// Whole seconds, rounded up: a client retrying early only fails again.
		w.Header().Set("Retry-After", strconv.FormatInt(int64((a.retryAfter+time.Second-1)/time.Second), 10))
	}
	switch {
	case r.Method == http.MethodHead:
		w.WriteHeader(a.status)
		return nil
	case isAPIPath(r.URL.Path):
		body, err := json.Marshal(apiErrorBody{Error: apiError{Code: a.code, Message: a.message, Field: a.field}})
		if err != nil {
			return fmt.Errorf("encode error body: %w", err)
		}
		return writeBytes(w, r, a.status, echo.MIMEApplicationJSON, append(body, '\n'))
	}
	return writeBytes(w, r, a.status, echo.MIMETextPlainCharsetUTF8, []byte(a.message+"\n"))
}

// isAPIPath reports whether path belongs to the JSON API.
func isAPIPath(path string) bool {
	return path == "/api" || strings.HasPrefix(path, "/api/")
}
