package server

import (
	"log/slog"

	"github.com/labstack/echo/v4"
)

// observe writes the access log line and the request metrics. It answers
// the handler's error itself (through handleError) so that what it records
// is the status the client got.
//
// The log names the route pattern, never the raw path or the query (a
// referral key or an email can sit there), never a header such as
// Authorization, and the host only when it is a configured one: an
// arbitrary Host header would let anyone write into the log.
func (s *Server) observe(listener string, level slog.Level) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := s.now()
			if err := next(c); err != nil {
				c.Error(err)
			}
			elapsed := s.now().Sub(start)

			req, res := c.Request(), c.Response()
			route := routeOf(c)
			method := methodLabel(req.Method)
			s.metrics.observe(listener, route, method, res.Status, elapsed)

			ctx := req.Context()
			if !s.access.Enabled(ctx, level) {
				return nil
			}
			attrs := []slog.Attr{
				slog.String("listener", listener),
				slog.String("method", method),
				slog.String("route", route),
				slog.Int("status", res.Status),
				slog.Int64("bytes", res.Size),
				slog.Duration("duration", elapsed),
				slog.String("request_id", requestIDOf(c)),
			}
			if listener == listenerPublic {
				host := "unknown"
				if siteOf(c) != nil {
					host = canonicalHost(req.Host)
				}
				attrs = append(attrs, slog.String("host", host))
			}
			s.access.LogAttrs(ctx, level, "request", attrs...)
			return nil
		}
	}
}
