package server

import (
	"log/slog"
	"net/http"
	"time"
)

// observe writes the access log line and the request metrics of an
// answered request.
//
// The log names the route pattern, never the raw path or the query (a
// referral key or an email can sit there), never a header such as
// Authorization, and the host only when it is a configured one: an
// arbitrary Host header would let anyone write into the log.
func (s *Server) observe(listener string, level slog.Level, x *exchange, r *http.Request, start time.Time) {
	end := s.now()
	elapsed := end.Sub(start)
	status := x.status
	if status == 0 {
		status = http.StatusOK // net/http sends 200 for a handler that wrote nothing
	}
	method := methodLabel(r.Method)
	s.metrics.observe(listener, x.route, method, status, elapsed)

	ctx := r.Context()
	h := s.access.Handler()
	if !h.Enabled(ctx, level) {
		return
	}
	// A record made here rather than through Logger.LogAttrs: the logger
	// would walk the stack for a source position that the access line
	// never shows, on every request.
	rec := slog.NewRecord(end, level, "request", 0)
	rec.AddAttrs(
		slog.String("listener", listener),
		slog.String("method", method),
		slog.String("route", x.route),
		slog.Int("status", status),
		slog.Int64("bytes", x.bytes),
		slog.Duration("duration", elapsed),
		slog.String("request_id", x.id),
	)
	if listener == listenerPublic {
		host := "unknown"
		if x.site != nil {
			host = canonicalHost(r.Host)
		}
		rec.AddAttrs(slog.String("host", host))
	}
	_ = h.Handle(ctx, rec) // as Logger does: a log that cannot be written fails no request
}
