package server

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/deeplinkd/deeplinkd/internal/apperr"
)

// Limits on what a client may send. Header size is also capped by
// http.Server.MaxHeaderBytes, which lets some slack through; the
// middleware makes the limit exact, and the same for a bare handler.
const (
	maxBodyBytes   = 64 << 10
	maxHeaderBytes = 16 << 10
)

// HeaderRequestID carries the request id both ways.
const HeaderRequestID = "X-Request-ID"

// headerRequestIDKey is HeaderRequestID as net/http keys it in a Header
// map, for direct assignment on the hot path.
var headerRequestIDKey = http.CanonicalHeaderKey(HeaderRequestID)

// keyState is where the middleware keeps a request's reqState in the echo
// context: one entry (one map write) instead of one per value, since every
// request pays for it.
const keyState = "deeplinkd.request"

// reqState is what the middleware learns about a request.
type reqState struct {
	snap *Snapshot
	site *Site // nil for an unknown host, and on the admin listener
	id   string
}

// begin records what the rest of the request works from: the request id
// (kept from a sane incoming X-Request-ID, so a proxy's id links the logs,
// else a fresh one, echoed on the response) and, on the public listener,
// the configuration, loaded once so the whole request sees one snapshot
// even if a reload swaps it meanwhile, and the site its host selects.
func (s *Server) begin(public bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			st := &reqState{id: s.requestIDFor(req)}
			if public {
				st.snap = s.snap.Load()
				st.site, _ = st.snap.Lookup(req.Host)
			}
			c.Set(keyState, st)
			c.Response().Header()[headerRequestIDKey] = []string{st.id}
			return next(c)
		}
	}
}

// requireSite answers 404 for a host that is not configured, before any
// handler could serve another domain's data.
func requireSite(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if siteOf(c) == nil {
			return errUnknownHost
		}
		return next(c)
	}
}

// requestIDFor is the id of r: its own X-Request-ID when sane, else a
// fresh one.
func (s *Server) requestIDFor(r *http.Request) string {
	if v := r.Header[headerRequestIDKey]; len(v) > 0 && validRequestID(v[0]) {
		return v[0]
	}
	return s.ids.next()
}

// validRequestID accepts 1 to 64 characters of [A-Za-z0-9._-]: enough for
// any proxy's id format, nothing that could forge a log line.
func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch b := id[i]; {
		case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9', b == '.', b == '_', b == '-':
		default:
			return false
		}
	}
	return true
}

// idSource makes request ids: a random prefix drawn once per server and a
// counter. Ids only have to be unique and not collide with another
// process's; reading crypto/rand for every request cost more than the
// rest of a well-known file's answer.
type idSource struct {
	prefix string
	n      atomic.Uint64
}

func newIDSource() *idSource {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return &idSource{prefix: hex.EncodeToString(b[:]) + "-"}
}

func (ids *idSource) next() string {
	var buf [32]byte
	out := append(buf[:0], ids.prefix...)
	out = strconv.AppendUint(out, ids.n.Add(1), 36)
	return string(out)
}

// recoverPanics turns a panic into a 500 that shows nothing of it; the
// panic and its stack go to the log under the request id.
func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				// net/http's way of aborting a response; it must reach the server.
				panic(p)
			}
			s.log.LogAttrs(c.Request().Context(), slog.LevelError, "panic",
				slog.String("request_id", requestIDOf(c)),
				slog.String("route", routeOf(c)),
				slog.Any("panic", p),
				slog.String("stack", string(debug.Stack())))
			err = apperr.New(apperr.Internal, "panic")
		}()
		return next(c)
	}
}

// limitRequest caps the header block and the body. A body over the limit
// fails the handler's read with *http.MaxBytesError, which handleError
// answers with 413.
func (s *Server) limitRequest(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if headerSize(req) > maxHeaderBytes {
			return apperr.New(apperr.HeadersTooLarge, "")
		}
		if req.ContentLength > maxBodyBytes {
			return apperr.New(apperr.PayloadTooLarge, "")
		}
		if req.Body != nil && req.Body != http.NoBody {
			req.Body = http.MaxBytesReader(c.Response(), req.Body, maxBodyBytes)
			// A body may trickle in; bound the whole read. Writers that
			// cannot set deadlines (test recorders) have nothing to bound.
			_ = http.NewResponseController(c.Response()).SetReadDeadline(time.Now().Add(s.bodyTimeout))
		}
		return next(c)
	}
}

// headerSize approximates the bytes of the request line and headers on the
// wire, the way http.Server counts them.
func headerSize(req *http.Request) int {
	n := len(req.Method) + len(req.RequestURI) + len(req.Proto) + 4
	n += len("Host: ") + len(req.Host) + 2
	for k, vs := range req.Header {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
	}
	return n
}

func stateOf(c echo.Context) *reqState {
	st, _ := c.Get(keyState).(*reqState)
	return st
}

// siteOf is the site the request's host selected, nil for an unknown host.
func siteOf(c echo.Context) *Site {
	if st := stateOf(c); st != nil {
		return st.site
	}
	return nil
}

// snapshotOf is the snapshot the request pinned.
func snapshotOf(c echo.Context) *Snapshot {
	if st := stateOf(c); st != nil {
		return st.snap
	}
	return nil
}

// requestIDOf is the request's id, "" before the begin middleware.
func requestIDOf(c echo.Context) string {
	if st := stateOf(c); st != nil {
		return st.id
	}
	return ""
}

// routeOf is the matched route pattern, or "unmatched": a bounded value
// for logs and metric labels, never the raw path.
func routeOf(c echo.Context) string {
	if p := c.Path(); p != "" {
		return p
	}
	return "unmatched"
}
