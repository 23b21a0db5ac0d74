package server

import (
	"context"
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
// http.Server.MaxHeaderBytes, which lets some slack through; admit makes
// the limit exact, and the same for a handler outside a server.
const (
	maxBodyBytes   = 64 << 10
	maxHeaderBytes = 16 << 10
)

// HeaderRequestID carries the request id both ways.
const HeaderRequestID = "X-Request-ID"

// headerRequestIDKey is HeaderRequestID as net/http keys it in a Header
// map, for direct assignment on the hot path.
var headerRequestIDKey = http.CanonicalHeaderKey(HeaderRequestID)

// routeUnmatched is the route label of a request no route took.
const routeUnmatched = "unmatched"

// exchange is one request as the middleware sees it: the writer of its
// answer, which records what was sent, and what the middleware learnt.
// Every answer goes through it, so the access line and the metrics count
// the status and bytes the client got.
type exchange struct {
	http.ResponseWriter
	status int // 0 until the header is written
	bytes  int64

	snap *Snapshot
	site *Site // nil for an unknown host, and on the admin listener
	id   string
	// route is the route pattern that took the request, a bounded value
	// for logs and metric labels; never the raw path.
	route string
}

// WriteHeader records the status and, for an answer that chose no
// security headers of its own, sets the full set (see answer.go).
func (x *exchange) WriteHeader(code int) {
	if x.status == 0 {
		x.status = code
		h := x.Header()
		if h["X-Content-Type-Options"] == nil && h["Referrer-Policy"] == nil {
			setPageSecurity(h)
		}
	}
	x.ResponseWriter.WriteHeader(code)
}

func (x *exchange) Write(b []byte) (int, error) {
	if x.status == 0 {
		x.WriteHeader(http.StatusOK)
	}
	n, err := x.ResponseWriter.Write(b)
	x.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (read
// deadlines, flushing).
func (x *exchange) Unwrap() http.ResponseWriter { return x.ResponseWriter }

type exchangeKey struct{}

// exchangeOf is the request's exchange; nil outside the middleware.
func exchangeOf(r *http.Request) *exchange {
	x, _ := r.Context().Value(exchangeKey{}).(*exchange)
	return x
}

// handle is the one middleware chain of a listener, around next:
//
//  1. the request id (kept from a sane incoming X-Request-ID, so a
//     proxy's id links the logs, else a fresh one), echoed on the
//     response, so every line of log can name the request;
//  2. on the public listener, the configuration, loaded once so the
//     whole request, its log line included, sees one snapshot even if a
//     reload swaps it meanwhile, and the site its host selects;
//  3. recovery: a panic anywhere below is logged and answered as the 500
//     it becomes;
//  4. the access line and the metrics, of the status actually sent.
//
// What a route must refuse before any work (an unknown host, oversized
// headers or body) is admit's, which each router calls once it knows the
// route.
func (s *Server) handle(listener string, level slog.Level, next http.Handler) http.Handler {
	public := listener == listenerPublic
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := s.now()
		x := &exchange{ResponseWriter: w, id: s.requestIDFor(r), route: routeUnmatched}
		if public {
			x.snap = s.snap.Load()
			x.site, _ = x.snap.Lookup(r.Host)
		}
		w.Header()[headerRequestIDKey] = []string{x.id}
		r = r.WithContext(context.WithValue(r.Context(), exchangeKey{}, x))
		s.serveRecovering(x, r, next)
		s.observe(listener, level, x, r, start)
	})
}

// serveRecovering runs next, turning a panic into a 500 that shows
// nothing of it; the panic and its stack go to the log under the request
// id.
func (s *Server) serveRecovering(x *exchange, r *http.Request, next http.Handler) {
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		if p == http.ErrAbortHandler {
			// net/http's way of aborting a response; it must reach the server.
			panic(p)
		}
		s.log.LogAttrs(r.Context(), slog.LevelError, "panic",
			slog.String("request_id", x.id),
			slog.String("route", x.route),
			slog.Any("panic", p),
			slog.String("stack", string(debug.Stack())))
		s.answerError(x, r, apperr.New(apperr.Internal, "panic"))
	}()
	next.ServeHTTP(x, r)
}

// admit refuses what no handler should see: on the public listener a
// host that is not configured (before a handler could serve another
// domain's data), and everywhere a header block or a declared body over
// the limits. It caps the body that is let through: reading past the
// limit fails with *http.MaxBytesError (answered 413), and a body that
// trickles in fails after the body timeout (408).
func (s *Server) admit(x *exchange, r *http.Request, public bool) error {
	if public && x.site == nil {
		return errUnknownHost
	}
	if headerSize(r) > maxHeaderBytes {
		return apperr.New(apperr.HeadersTooLarge, "")
	}
	if r.ContentLength > maxBodyBytes {
		return apperr.New(apperr.PayloadTooLarge, "")
	}
	if r.Body != nil && r.Body != http.NoBody {
		// The server's own writer, so net/http closes the connection after
		// a body over the limit.
		r.Body = http.MaxBytesReader(x.ResponseWriter, r.Body, maxBodyBytes)
		// Writers that cannot set deadlines (test recorders) have nothing
		// to bound.
		_ = http.NewResponseController(x).SetReadDeadline(time.Now().Add(s.bodyTimeout))
	}
	return nil
}

// admitted is the middleware of an echo router: it labels the request
// with the route echo matched, then admits it.
func (s *Server) admitted(public bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			x := exchangeOf(r)
			if x == nil {
				// A handler test without the chain: nothing to admit by.
				return next(c)
			}
			if p := c.Path(); p != "" {
				x.route = p
			}
			if err := s.admit(x, r, public); err != nil {
				return err
			}
			return next(c)
		}
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

// siteOf is the site the request's host selected, nil for an unknown host.
func siteOf(c echo.Context) *Site {
	if x := exchangeOf(c.Request()); x != nil {
		return x.site
	}
	return nil
}

// snapshotOf is the snapshot the request pinned.
func snapshotOf(c echo.Context) *Snapshot {
	if x := exchangeOf(c.Request()); x != nil {
		return x.snap
	}
	return nil
}

// requestIDOf is the request's id, "" outside the middleware.
func requestIDOf(c echo.Context) string {
	if x := exchangeOf(c.Request()); x != nil {
		return x.id
	}
	return ""
}
