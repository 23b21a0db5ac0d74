package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// Timeouts of both listeners. Every answer is small and quick (files,
// pages, API calls that only queue work), so these are generous bounds
// against slow or stuck clients, not budgets for real work. readTimeout
// bounds reading a body: limitRequest sets it on the requests that have
// one, since a server-wide ReadTimeout would cost every bodiless GET a
// deadline update for nothing (ReadHeaderTimeout covers their headers).
const (
	readHeaderTimeout      = 10 * time.Second
	readTimeout            = 30 * time.Second
	writeTimeout           = 30 * time.Second
	idleTimeout            = 120 * time.Second
	defaultShutdownTimeout = 15 * time.Second
)

// Serve answers the public and admin listeners until ctx is done (or one of
// them fails), then stops accepting and drains in-flight requests for at
// most shutdownTimeout: the public listener first, so /healthz and
// /metrics stay up while the traffic drains. It closes both listeners and
// returns nil after a clean drain.
func (s *Server) Serve(ctx context.Context, public, admin net.Listener, shutdownTimeout time.Duration) error {
	if shutdownTimeout <= 0 {
		shutdownTimeout = defaultShutdownTimeout
	}
	servers := []*http.Server{s.httpServer(s.publicHandler), s.httpServer(s.adminHandler)}
	for _, srv := range servers {
		fresh := &freshConns{}
		srv.ConnState = fresh.track
		// Shutdown runs this once the listeners are closed.
		srv.RegisterOnShutdown(fresh.closeAll)
	}
	names := []string{listenerPublic, listenerAdmin}
	listeners := []net.Listener{public, admin}

	errc := make(chan error, len(servers))
	for i, srv := range servers {
		go func() {
			err := srv.Serve(listeners[i])
			if errors.Is(err, http.ErrServerClosed) {
				err = nil
			} else if err != nil {
				err = fmt.Errorf("serve %s listener %s: %w", names[i], listeners[i].Addr(), err)
			}
			errc <- err
		}()
	}

	var errs []error
	running := len(servers)
	select {
	case <-ctx.Done():
	case err := <-errc:
		// One listener died: stop the other rather than run half a service.
		running--
		errs = append(errs, err)
	}

	s.draining.Store(true)
	defer s.draining.Store(false)
	if s.onDrain != nil {
		s.onDrain()
	}
	// The drain outlives ctx, which is already done; only the timeout ends it.
	drainCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	for i, srv := range servers {
		if err := srv.Shutdown(drainCtx); err != nil {
			errs = append(errs, fmt.Errorf("drain %s listener: %w", names[i], err))
			_ = srv.Close() // out of time: cut what is left
		}
	}
	for ; running > 0; running-- {
		errs = append(errs, <-errc)
	}
	return errors.Join(errs...)
}

// httpServer wraps h with the limits every listener gets.
func (s *Server) httpServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

// freshConns tracks the connections that have not sent a byte yet.
// http.Server.Shutdown counts such a connection as busy for its first five
// seconds, so one spare keep-alive connection a client dialled ahead of
// need would hold the drain past a short shutdown_timeout. None of them
// carries a request, so the drain closes them at once.
//
// The hook runs twice per request (active, then idle) on every
// connection, so it does nothing on idle, and the common active case, a
// connection long past its first request, is a lock-free lookup that
// finds nothing.
type freshConns struct {
	m sync.Map // net.Conn → struct{}
}

func (f *freshConns) track(c net.Conn, st http.ConnState) {
	switch st {
	case http.StateNew:
		f.m.Store(c, struct{}{})
	case http.StateActive, http.StateHijacked, http.StateClosed:
		// A connection is fresh until its first request is active or it
		// is gone; every later state change (idle) finds nothing to do.
		if _, ok := f.m.Load(c); ok {
			f.m.Delete(c)
		}
	}
}

func (f *freshConns) closeAll() {
	f.m.Range(func(c, _ any) bool {
		c.(net.Conn).Close()
		f.m.Delete(c)
		return true
	})
}
