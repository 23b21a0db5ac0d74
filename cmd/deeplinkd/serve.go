package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/deeplinkd/deeplinkd/internal/attribution"
	"github.com/deeplinkd/deeplinkd/internal/config"
	"github.com/deeplinkd/deeplinkd/server"
)

// envLogLevel sets the log level: debug, info, warn or error.
const envLogLevel = "DEEPLINKD_LOG_LEVEL"

// serve runs the service until SIGTERM/SIGINT (or ctx) ends it, reloading
// the config on SIGHUP. Its log, JSON on stderr, is its whole output.
//
// Start: config, (the demo simulator), store and its migrations, outbox,
// listeners. Stop, all within server.shutdown_timeout: drain HTTP, then
// stop the outbox (sends in flight finish or go back to the queue), then
// close the store (and the demo simulator).
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	path := configFlag(fs, getenv)
	demo := fs.Bool("demo", false, "also run the Partnero simulator in-process and point the client at it")
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
		return ignoreHelp(err)
	}
	// Every line goes through one buffered sink; the access log's lines
	// wait for its ticker, every other line is flushed at once.
	sink := newLogSink(stderr, logFlushInterval, logBufferSize)
	defer sink.Close()
	logger, access, err := newLoggers(sink, getenv(envLogLevel))
	if err != nil {
		return err
	}

	cfg, err := config.Load(*path, getenv)
	if err != nil {
		logger.Error("invalid config", "config", *path, "problems", problemLines(err))
		return exitError{code: 1}
	}
	logWarnings(logger, cfg)
	ver, rev := buildVersion()
	shutdownTimeout := cfg.Server.ShutdownTimeout

	apiURL := cfg.Partnero.APIURL
	var sim *demoSim
	var demoKeys map[string]string
	if *demo {
		sim, err = startDemo(ctx, cfg, logger)
		if err != nil {
			return err
		}
		defer stopDemo(logger, sim, shutdownTimeout)
		apiURL, demoKeys = sim.url, sim.keys
	}
	snap, err := buildSnapshot(cfg, demoKeys)
	if err != nil {
		logger.Error("invalid config", "config", *path, "problems", problemLines(err))
		return exitError{code: 1}
	}
	// live is the configuration in force: the server reads it for each
	// request, deliveries and customer reads for each program lookup, and
	// a reload replaces it with one store.
	var live atomic.Pointer[server.Snapshot]
	live.Store(snap)
	programs := func(name string) (attribution.Program, bool) { return live.Load().Program(name) }
	reg := prometheus.NewRegistry()
	d, err := startDelivery(ctx, cfg, deliveryDeps{apiURL: apiURL, programs: programs, logger: logger, reg: reg, version: ver})
	if err != nil {
		logger.Error("cannot start deliveries", "storage", cfg.Storage.Driver, "error", err.Error())
		return exitError{code: 1}
	}
	// Stops the outbox and closes the store on every way out; after a
	// signal, shutdown below does it first, in order, and this is a no-op.
	var stopOnce sync.Once
	stopDelivery := func(ctx context.Context) {
		stopOnce.Do(func() {
			if err := d.stop(ctx); err != nil {
				logger.Warn("deliveries stopped early; unfinished sends return to the queue", "error", err.Error())
			}
		})
	}
	defer stopDelivery(context.Background())

	srv := server.New(server.Options{
		Logger:    logger,
		AccessLog: access,
		Registry:  reg,
		Version:   ver,
		Commit:    rev,
		Ready:     d.store.Ping,
		Events:    d.events,
		Customers: d.customers,
		Config:    &live,
	})

	// Catch the signals before announcing the listeners: a SIGHUP sent the
	// moment "listening" appears must reload, not kill the process.
	stopCtx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	var lc net.ListenConfig
	public, err := lc.Listen(ctx, "tcp", cfg.Server.Listen)
	if err != nil {
		return fmt.Errorf("listen on server.listen %s: %w", cfg.Server.Listen, err)
	}
	admin, err := lc.Listen(ctx, "tcp", cfg.Server.AdminListen)
	if err != nil {
		public.Close()
		return fmt.Errorf("listen on server.admin_listen %s: %w", cfg.Server.AdminListen, err)
	}
	logger.Info("listening",
		"public", public.Addr().String(),
		"admin", admin.Addr().String(),
		"config", *path,
		"domains", len(cfg.Domains),
		"storage", cfg.Storage.Driver,
		"version", ver,
		"commit", rev)

	done := make(chan error, 1)
	go func() { done <- srv.Serve(stopCtx, public, admin, shutdownTimeout) }()

	running := cfg
	stopping := stopCtx.Done()
	// deadline bounds the whole shutdown; it starts with the signal (or
	// with a listener's failure, when that ends Serve first).
	var deadline time.Time
	for {
		select {
		case <-hup:
			reload(logger, srv, &live, demoKeys, running, *path, getenv)
		case <-stopping:
			stopping = nil
			deadline = time.Now().Add(shutdownTimeout)
			logger.Info("shutting down", "timeout", shutdownTimeout.String())
		case err := <-done:
			if deadline.IsZero() {
				deadline = time.Now().Add(shutdownTimeout)
			}
			// HTTP is drained: no request can queue an event any more.
			dctx, cancel := context.WithDeadline(context.WithoutCancel(ctx), deadline)
			stopDelivery(dctx)
			cancel()
			if err != nil {
				logger.Error("stopped", "error", err.Error())
				return exitError{code: 1}
			}
			logger.Info("stopped")
			return nil
		}
	}
}

// stopDemo stops the demo simulator, last, after the deliveries to it.
func stopDemo(logger *slog.Logger, sim *demoSim, timeout time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := sim.stop(ctx); err != nil {
		logger.Warn("demo: simulator stopped early", "error", err.Error())
	}
}

// reload loads the config again and puts it in force with one store into
// live; a bad config is logged and the one in force stays. running is the
// config the process started with: what it bound and opened cannot change
// without a restart.
func reload(logger *slog.Logger, srv *server.Server, live *atomic.Pointer[server.Snapshot], demoKeys map[string]string,
	running *config.Config, path string, getenv func(string) string) {
	cfg, snap, err := load(path, getenv, demoKeys)
	if err != nil {
		srv.ObserveReload(false)
		logger.Error("reload failed", "config", path, "problems", problemLines(err))
		return
	}
	logWarnings(logger, cfg)
	for _, setting := range restartSettings(running, cfg) {
		logger.Warn("restart needed", "setting", setting,
			"detail", setting+" changed; the running value stays in force until deeplinkd restarts")
	}
	live.Store(snap)
	srv.ObserveReload(true)
	logger.Info("reloaded", "config", path, "domains", len(cfg.Domains))
}

// restartSettings lists the settings that differ between old and new but
// only take effect at start: the listeners, the drain time, storage, the
// Partnero client's URL and timeout, and delivery.
func restartSettings(old, new *config.Config) []string {
	var out []string
	if old.Server.Listen != new.Server.Listen {
		out = append(out, "server.listen")
	}
	if old.Server.AdminListen != new.Server.AdminListen {
		out = append(out, "server.admin_listen")
	}
	if old.Server.ShutdownTimeout != new.Server.ShutdownTimeout {
		out = append(out, "server.shutdown_timeout")
	}
	if old.Storage.Driver != new.Storage.Driver {
		out = append(out, "storage.driver")
	}
	// The DSN may hold a password: say that it changed, never what it is.
	if old.Storage.DSN != new.Storage.DSN {
		out = append(out, "storage.dsn")
	}
	// The Partnero client and the outbox are built once, at start.
	if old.Partnero.APIURL != new.Partnero.APIURL {
		out = append(out, "partnero.api_url")
	}
	if old.Partnero.Timeout != new.Partnero.Timeout {
		out = append(out, "partnero.timeout")
	}
	if old.Delivery != new.Delivery {
		out = append(out, "delivery")
	}
	return out
}

func logWarnings(logger *slog.Logger, cfg *config.Config) {
	for _, w := range cfg.Warnings {
		logger.Warn("config warning", "warning", w)
	}
}

// newLoggers are the JSON loggers over sink at the level named by level
// (empty means info): logger flushes every line, access leaves its lines
// to the sink's ticker. Both share one handler, so their lines interleave
// in the order they were logged.
func newLoggers(sink *logSink, level string) (logger, access *slog.Logger, err error) {
	var l slog.Level
	if level != "" {
		if err := l.UnmarshalText([]byte(strings.TrimSpace(level))); err != nil {
			return nil, nil, fmt.Errorf("%s=%q: want debug, info, warn or error", envLogLevel, level)
		}
	}
	h := slog.NewJSONHandler(sink, &slog.HandlerOptions{Level: l})
	return slog.New(flushing{h, sink}), slog.New(h), nil
}
