package server

import (
	"context"
	"log/slog"
	"time"

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
			end := s.now()
			elapsed := end.Sub(start)

			req, res := c.Request(), c.Response()
			route := routeOf(c)
			method := methodLabel(req.Method)
			s.metrics.observe(listener, route, method, res.Status, elapsed)

			if !s.log.Enabled(req.Context(), level) {
				return nil
			}
			line := accessLine{
				level:     level,
				listener:  listener,
				method:    method,
				route:     route,
				status:    res.Status,
				bytes:     res.Size,
				duration:  elapsed,
				requestID: requestIDOf(c),
			}
			if listener == listenerPublic {
				line.host = "unknown"
				if site := siteOf(c); site != nil {
					line.host = canonicalHost(req.Host)
				}
			}
			s.logRequest(req.Context(), end, line)
			return nil
		}
	}
}

// logRequest writes one access line: to the access log when there is one,
// else through the logger.
func (s *Server) logRequest(ctx context.Context, end time.Time, line accessLine) {
	if s.access != nil {
		s.access.write(end, line)
		return
	}
	attrs := []slog.Attr{
		slog.String("listener", line.listener),
		slog.String("method", line.method),
		slog.String("route", line.route),
		slog.Int("status", line.status),
		slog.Int64("bytes", line.bytes),
		slog.Duration("duration", line.duration),
		slog.String("request_id", line.requestID),
	}
	if line.host != "" {
		attrs = append(attrs, slog.String("host", line.host))
	}
	s.log.LogAttrs(ctx, line.level, "request", attrs...)
}
