package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// readyTimeout bounds the Ready check, so a hung store makes /readyz fail
// rather than hang the prober.
const readyTimeout = 2 * time.Second

// newAdminHandler builds the admin listener's handler: /metrics,
// /healthz, /readyz. Its chain is the public one without hosts (the admin
// port is not host routed); scrapes and probes are logged at debug level,
// since they come every few seconds and say nothing about traffic.
func (s *Server) newAdminHandler() http.Handler {
	e := s.newEcho()
	e.Use(s.admitted(false))
	metrics := promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{
		Registry:          s.reg, // counts its own scrape errors
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelError),
		EnableOpenMetrics: true,
	})
	for _, r := range []route{
		{getHead, "/metrics", echo.WrapHandler(metrics)},
		{getHead, "/healthz", healthz},
		{getHead, "/readyz", s.readyz},
	} {
		e.Match(r.methods, r.path, r.handler)
	}
	return s.handle(listenerAdmin, slog.LevelDebug, e)
}

// healthz says the process is up and serving; nothing more.
func healthz(c echo.Context) error {
	return c.String(http.StatusOK, "ok")
}

// readyz says whether this instance should get traffic: a config is
// loaded, it is not shutting down, and Ready (the store) passes.
func (s *Server) readyz(c echo.Context) error {
	if s.snap.Load() == nil {
		return c.String(http.StatusServiceUnavailable, "not ready: no config loaded")
	}
	if s.draining.Load() {
		return c.String(http.StatusServiceUnavailable, "not ready: shutting down")
	}
	if s.ready != nil {
		ctx, cancel := context.WithTimeout(c.Request().Context(), readyTimeout)
		defer cancel()
		if err := s.ready(ctx); err != nil {
			return c.String(http.StatusServiceUnavailable, "not ready: "+err.Error())
		}
	}
	return c.String(http.StatusOK, "ready")
}
