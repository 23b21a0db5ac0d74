// Package server is deeplinkd's HTTP surface: the public listener (the
// well-known files, the link resolver and the API) and the admin listener
// (/metrics, /healthz, /readyz), each its own echo instance.
//
// Everything a request needs from the configuration lives in an immutable
// Snapshot, read through Options.Config; a request pins the snapshot it
// started with, so a reload never shows one request two configurations.
package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/deeplinkd/deeplinkd/internal/useragent"
)

// Options are the process-level dependencies of a Server.
type Options struct {
	// Logger receives errors and everything else worth seeing at once.
	// Nil discards them.
	Logger *slog.Logger
	// AccessLog receives the one "request" line of each request. Nil
	// means Logger. The binary gives it a logger over the same writer
	// that does not flush each line, so a busy listener does not pay a
	// write(2) per request.
	AccessLog *slog.Logger
	// Registry receives the server's metrics and serves /metrics. Nil
	// means a fresh registry of the server's own.
	Registry *prometheus.Registry
	// Version and Commit label deeplinkd_build_info.
	Version, Commit string
	// Ready reports whether the dependencies (the store) can serve; its
	// error text is shown on the admin /readyz, so it must carry no secret.
	// Nil means always ready.
	Ready func(context.Context) error
	// Now is the clock for durations and reload timestamps. Nil means
	// time.Now.
	Now func() time.Time
	// UserAgents configures the visitor classifier, which the server
	// builds once and keeps across reloads (its cache stays warm).
	UserAgents useragent.Options
	// Events serves the attribution API's event routes (see
	// NewEventService); nil answers them 503.
	Events EventService
	// Customers serves /api/v1/customers/{key}/...; nil answers 503.
	Customers CustomerReader
	// Config holds the configuration in force. The caller builds each
	// Snapshot whole and replaces it with one atomic store on a reload;
	// the server loads it once per request. Nil, or a nil Snapshot in it,
	// means no configuration: every host is unknown and /readyz answers
	// 503.
	Config *atomic.Pointer[Snapshot]
}

// Server serves the public and admin listeners from the current Snapshot.
type Server struct {
	log     *slog.Logger
	access  *slog.Logger
	reg     *prometheus.Registry
	ready   func(context.Context) error
	now     func() time.Time
	metrics *metrics
	links   *links
	ids     *idSource
	// bodyTimeout bounds reading a request body (readTimeout; tests
	// shorten it).
	bodyTimeout time.Duration
	snap        *atomic.Pointer[Snapshot]
	draining    atomic.Bool

	// events and customers back the attribution API (api.go).
	events    EventService
	customers CustomerReader
	// onDrain, when set (by tests), runs as the drain begins.
	onDrain func()

	// public is the public listener's echo router, inside publicHandler.
	public        *echo.Echo
	publicHandler http.Handler
	adminHandler  http.Handler
}

// New builds a Server serving the configuration in opts.Config.
func New(opts Options) *Server {
	s := &Server{
		snap:   opts.Config,
		log:    opts.Logger,
		access: opts.AccessLog,
		reg:    opts.Registry,
		ready:  opts.Ready,
		now:    opts.Now,

		events:    opts.Events,
		customers: opts.Customers,
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.access == nil {
		s.access = s.log
	}
	if s.reg == nil {
		s.reg = prometheus.NewRegistry()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.snap == nil {
		s.snap = new(atomic.Pointer[Snapshot])
	}
	s.metrics = newMetrics(s.reg, opts.Version, opts.Commit)
	s.ids = newIDSource()
	s.bodyTimeout = readTimeout
	s.links = newLinks(opts.UserAgents, s.reg)
	if s.snap.Load() != nil {
		// The config the process starts with is its first successful load.
		s.metrics.lastReload.Set(float64(s.now().UnixNano()) / 1e9)
	}
	s.publicHandler = s.newPublicHandler()
	s.adminHandler = s.newAdminHandler()
	return s
}

// Snapshot returns the configuration currently in force (nil before the
// first one).
func (s *Server) Snapshot() *Snapshot { return s.snap.Load() }

// ObserveReload records the outcome of a config reload in
// deeplinkd_config_reloads_total and, on success, the time in
// deeplinkd_config_last_reload_success_timestamp_seconds.
func (s *Server) ObserveReload(ok bool) {
	if !ok {
		s.metrics.reloads.WithLabelValues("failure").Inc()
		return
	}
	s.metrics.reloads.WithLabelValues("success").Inc()
	s.metrics.lastReload.Set(float64(s.now().UnixNano()) / 1e9)
}

// Public is the handler for server.listen.
func (s *Server) Public() http.Handler { return s.publicHandler }

// Admin is the handler for server.admin_listen.
func (s *Server) Admin() http.Handler { return s.adminHandler }

// newEcho returns an echo instance that prints nothing of its own and
// routes every error through handleError.
func (s *Server) newEcho() *echo.Echo {
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.Logger.SetOutput(io.Discard)
	e.HTTPErrorHandler = s.handleError
	return e
}
