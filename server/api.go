package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/deeplinkd/deeplinkd/internal/apperr"
	"github.com/deeplinkd/deeplinkd/internal/attribution"
)

// EventService accepts attribution events and answers questions about
// them: internal/attribution's Service seen through the API's views, so
// the server needs no store types. NewEventService adapts a Service.
// Every method acts on the program it is given and no other.
type EventService interface {
	// Signup, Purchase and Refund accept a request body; created is false
	// when the same request was accepted before (the first event is
	// returned).
	Signup(ctx context.Context, program string, body []byte) (ev attribution.EventView, created bool, err error)
	Purchase(ctx context.Context, program string, body []byte) (ev attribution.EventView, created bool, err error)
	Refund(ctx context.Context, program string, body []byte) (ev attribution.EventView, created bool, err error)
	// Event returns one event of the program.
	Event(ctx context.Context, program, id string) (attribution.EventView, error)
	// Events lists the program's events newest first; next is the cursor
	// of the following page, "" on the last.
	Events(ctx context.Context, program, status, cursor string, limit int) (events []attribution.EventView, next string, err error)
	// Retry puts a failed event back in the queue.
	Retry(ctx context.Context, program, id string) (attribution.EventView, error)
}

// CustomerReader reads a customer's referral data from Partnero, as
// internal/attribution's Reader does (through its cache).
type CustomerReader interface {
	Stats(ctx context.Context, program, customerKey string) (json.RawMessage, error)
	Balance(ctx context.Context, program, customerKey string) (json.RawMessage, error)
	Referrals(ctx context.Context, program, customerKey string) (json.RawMessage, error)
}

// acceptedBody is the answer to an accepted (202) or repeated (200)
// sign-up, purchase or refund.
type acceptedBody struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

// eventList is the answer to GET /api/v1/events.
type eventList struct {
	Events []attribution.EventView `json:"events"`
	// NextCursor is null on the last page.
	NextCursor *string `json:"next_cursor"`
}

// customerData wraps Partnero's data for the in-app screens.
type customerData struct {
	Data json.RawMessage `json:"data"`
}

// acceptFunc is one of EventService's accepting methods.
type acceptFunc func(EventService, context.Context, string, []byte) (attribution.EventView, bool, error)

// readFunc is one of CustomerReader's methods.
type readFunc func(CustomerReader, context.Context, string, string) (json.RawMessage, error)

// apiRoutes are the routes of DESIGN.md section 4 that this file serves
// (/api/v1/resolve is the resolver's). Everything but the OpenAPI
// document needs a token; the token's program is the only one a request
// can read or change. "/api/*" answers every other path and method under
// /api with a JSON 404, so a POST to a mistyped path is not a 405 from
// the link resolver's catch-all.
func (s *Server) apiRoutes() []route {
	post := []string{http.MethodPost}
	return []route{
		{getHead, "/api/v1/openapi.json", serveOpenAPI},
		{post, "/api/v1/signups", requireToken(s.apiAccept(EventService.Signup))},
		{post, "/api/v1/purchases", requireToken(s.apiAccept(EventService.Purchase))},
		{post, "/api/v1/refunds", requireToken(s.apiAccept(EventService.Refund))},
		{getHead, "/api/v1/events", requireToken(s.apiListEvents)},
		{getHead, "/api/v1/events/:id", requireToken(s.apiGetEvent)},
		{post, "/api/v1/events/:id/retry", requireToken(s.apiRetry)},
		{getHead, "/api/v1/customers/:key/stats", requireToken(s.apiCustomer(CustomerReader.Stats))},
		{getHead, "/api/v1/customers/:key/balance", requireToken(s.apiCustomer(CustomerReader.Balance))},
		{getHead, "/api/v1/customers/:key/referrals", requireToken(s.apiCustomer(CustomerReader.Referrals))},
		{anyMethod, "/api/*", s.apiNoRoute},
	}
}

// anyMethod is every method a client may send to a mistyped API path.
var anyMethod = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
	http.MethodPatch, http.MethodDelete, http.MethodOptions}

// apiAccept serves POST signups, purchases and refunds: 202 when the
// event is new and durably stored, 200 with the same id when the same
// request was accepted before. The body is handed to the service as it
// came; decoding, validation and idempotency are the service's.
func (s *Server) apiAccept(accept acceptFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.events == nil {
			return errAPIUnavailable
		}
		body, err := readJSONBody(c)
		if err != nil {
			return err
		}
		ev, created, err := accept(s.events, c.Request().Context(), programFor(c), body)
		if err != nil {
			return err
		}
		status := http.StatusOK
		if created {
			status = http.StatusAccepted
			c.Response().Header().Set(echo.HeaderLocation, "/api/v1/events/"+url.PathEscape(ev.ID))
		}
		s.log.LogAttrs(c.Request().Context(), slog.LevelDebug, "event accepted",
			slog.String("request_id", requestIDOf(c)),
			slog.String("token", tokenNameFor(c)),
			slog.String("event", ev.ID),
			slog.String("type", ev.Type),
			slog.Bool("created", created))
		return apiJSON(c, status, acceptedBody{ID: ev.ID, Status: ev.Status})
	}
}

// apiGetEvent serves GET /api/v1/events/{id}. Another program's event is
// a 404, like an unknown one: a token cannot even learn that it exists.
func (s *Server) apiGetEvent(c echo.Context) error {
	if s.events == nil {
		return errAPIUnavailable
	}
	ev, err := s.events.Event(c.Request().Context(), programFor(c), pathParam(c, "id"))
	if err != nil {
		return err
	}
	return apiJSON(c, http.StatusOK, ev)
}

// apiListEvents serves GET /api/v1/events?status=&cursor=&limit=.
func (s *Server) apiListEvents(c echo.Context) error {
	if s.events == nil {
		return errAPIUnavailable
	}
	limit := 0
	if raw := c.QueryParam("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil {
			return apperr.Field(apperr.Malformed, "limit", "limit must be a whole number")
		}
		limit = n
	}
	events, next, err := s.events.Events(c.Request().Context(), programFor(c),
		c.QueryParam("status"), c.QueryParam("cursor"), limit)
	if err != nil {
		return err
	}
	out := eventList{Events: events}
	if out.Events == nil {
		out.Events = []attribution.EventView{}
	}
	if next != "" {
		out.NextCursor = &next
	}
	return apiJSON(c, http.StatusOK, out)
}

// apiRetry serves POST /api/v1/events/{id}/retry: 202 with the event,
// queued again. Only a failed event can be retried (409 otherwise).
func (s *Server) apiRetry(c echo.Context) error {
	if s.events == nil {
		return errAPIUnavailable
	}
	ev, err := s.events.Retry(c.Request().Context(), programFor(c), pathParam(c, "id"))
	if err != nil {
		return err
	}
	s.log.LogAttrs(c.Request().Context(), slog.LevelInfo, "event retry requested",
		slog.String("request_id", requestIDOf(c)),
		slog.String("token", tokenNameFor(c)),
		slog.String("event", ev.ID))
	return apiJSON(c, http.StatusAccepted, ev)
}

// apiCustomer serves GET /api/v1/customers/{key}/stats, /balance and
// /referrals for the token's program.
func (s *Server) apiCustomer(read readFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.customers == nil {
			return errAPIUnavailable
		}
		data, err := read(s.customers, c.Request().Context(), programFor(c), pathParam(c, "key"))
		if err != nil {
			return err
		}
		return apiJSON(c, http.StatusOK, customerData{Data: data})
	}
}

// apiNoRoute answers a request under /api that no route takes: 405 with
// Allow when the path is a route for other methods (echo falls back to
// "/api/*" rather than say so itself), else 404.
func (s *Server) apiNoRoute(c echo.Context) error {
	path := c.Request().URL.RawPath
	if path == "" {
		path = c.Request().URL.Path
	}
	var allow []string
	for _, m := range anyMethod {
		probe := s.public.NewContext(nil, nil)
		s.public.Router().Find(m, path, probe)
		if p := probe.Path(); p != "" && p != "/api/*" && p != "/*" {
			allow = append(allow, m)
		}
	}
	if len(allow) == 0 {
		return apperr.New(apperr.NotFound, "not found")
	}
	c.Response().Header().Set(echo.HeaderAllow, strings.Join(allow, ", "))
	return apperr.New(apperr.MethodNotAllowed, "method not allowed; this route takes %s", strings.Join(allow, ", "))
}

// errAPIUnavailable answers the attribution routes of a server built
// without them.
var errAPIUnavailable = apperr.New(apperr.UpstreamUnavailable, "the attribution API is not available on this instance")

// readJSONBody returns the request body of an accepting POST: it must be
// declared as JSON (415 otherwise) and at most 64 KiB (413).
func readJSONBody(c echo.Context) ([]byte, error) {
	req := c.Request()
	mt, _, err := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	if err != nil || mt != echo.MIMEApplicationJSON {
		return nil, apperr.New(apperr.UnsupportedMediaType, "send the body as JSON with Content-Type: application/json")
	}
	if req.ContentLength > maxBodyBytes {
		return nil, &http.MaxBytesError{Limit: maxBodyBytes}
	}
	// limitRequest already caps the body on the public listener; this
	// keeps the handler safe wherever it is mounted.
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), req.Body, maxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, tooLarge // answered 413 by the error mapper
		}
		return nil, &apperr.Error{Code: apperr.Malformed, Message: "the request body could not be read", Err: err}
	}
	return body, nil
}

// pathParam is a path parameter, percent-decoded. echo matches on the raw
// path when the request's path has escapes (a customer key with "/" in
// it arrives as %2F), and then leaves the parameter escaped.
func pathParam(c echo.Context, name string) string {
	v := c.Param(name)
	if c.Request().URL.RawPath == "" {
		return v
	}
	if u, err := url.PathUnescape(v); err == nil {
		return u
	}
	return v
}
