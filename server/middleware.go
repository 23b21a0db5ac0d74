package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"runtime/debug"

	"github.com/labstack/echo/v4"
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

// Keys of the values the middleware leaves in the echo context.
const (
	keySnapshot  = "deeplinkd.snapshot"
	keySite      = "deeplinkd.site"
	keyRequestID = "deeplinkd.request_id"
)

// snapshotCtxKey carries the pinned snapshot in the request context, for
// the IP and scheme extractors, which only see the *http.Request.
type snapshotCtxKey struct{}

// pinSnapshot loads the current snapshot once, so the whole request (its
// host, its trusted proxies, its site) sees one configuration even if a
// reload swaps it meanwhile.
func (s *Server) pinSnapshot(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		snap := s.snap.Load()
		req := c.Request()
		c.SetRequest(req.WithContext(context.WithValue(req.Context(), snapshotCtxKey{}, snap)))
		c.Set(keySnapshot, snap)
		if site, ok := snap.Lookup(req.Host); ok {
			c.Set(keySite, site)
		}
		return next(c)
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

// requestID keeps a sane incoming X-Request-ID (so a proxy's id links the
// logs) and otherwise makes one, and echoes it on the response.
func requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Request().Header.Get(HeaderRequestID)
		if !validRequestID(id) {
			id = newRequestID()
		}
		c.Set(keyRequestID, id)
		c.Response().Header().Set(HeaderRequestID, id)
		return next(c)
	}
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

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

// securityHeaders sets the headers every answer carries, errors included.
// No HSTS: TLS terminates at the proxy, which owns that policy.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("X-Frame-Options", "DENY")
		return next(c)
	}
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
			err = &Error{Status: http.StatusInternalServerError}
		}()
		return next(c)
	}
}

// limitRequest caps the header block and the body. A body over the limit
// fails the handler's read with *http.MaxBytesError, which handleError
// answers with 413.
func limitRequest(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if headerSize(req) > maxHeaderBytes {
			return &Error{Status: http.StatusRequestHeaderFieldsTooLarge}
		}
		if req.ContentLength > maxBodyBytes {
			return &Error{Status: http.StatusRequestEntityTooLarge}
		}
		if req.Body != nil && req.Body != http.NoBody {
			req.Body = http.MaxBytesReader(c.Response(), req.Body, maxBodyBytes)
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

// siteOf is the site the request's host selected, nil for an unknown host.
func siteOf(c echo.Context) *Site {
	site, _ := c.Get(keySite).(*Site)
	return site
}

// snapshotOf is the snapshot the request pinned.
func snapshotOf(c echo.Context) *Snapshot {
	snap, _ := c.Get(keySnapshot).(*Snapshot)
	return snap
}

// requestIDOf is the request's id, "" before the requestID middleware.
func requestIDOf(c echo.Context) string {
	id, _ := c.Get(keyRequestID).(string)
	return id
}

// routeOf is the matched route pattern, or "unmatched": a bounded value
// for logs and metric labels, never the raw path.
func routeOf(c echo.Context) string {
	if p := c.Path(); p != "" {
		return p
	}
	return "unmatched"
}
