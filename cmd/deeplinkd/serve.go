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
	"syscall"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/deeplinkd/deeplinkd/internal/config"
	"github.com/deeplinkd/deeplinkd/server"
)

// envLogLevel sets the log level: debug, info, warn or error.
const envLogLevel = "DEEPLINKD_LOG_LEVEL"

const demoUnavailable = "-demo is not available yet: the Partnero simulator arrives with the attribution API"

// serve runs the service until SIGTERM/SIGINT (or ctx) ends it, reloading
// the config on SIGHUP. Its log, JSON on stderr, is its whole output.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	path := configFlag(fs, getenv)
	demo := fs.Bool("demo", false, "also run the Partnero simulator in-process and point the client at it")
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
		return ignoreHelp(err)
	}
	if *demo {
		fmt.Fprintln(stderr, "deeplinkd:", demoUnavailable)
		return errUsage
	}
	logger, err := newLogger(stderr, getenv(envLogLevel))
	if err != nil {
		return err
	}

	cfg, snap, err := load(*path, getenv)
	if err != nil {
		logger.Error("invalid config", "config", *path, "problems", problemLines(err))
		return exitError{code: 1}
	}
	logWarnings(logger, cfg)

	ver, rev := buildVersion()
	srv := server.New(server.Options{
		Logger:   logger,
		Registry: prometheus.NewRegistry(),
		Version:  ver,
		Commit:   rev,
		// No store yet, so readiness is the loaded config alone; the
		// store's ping joins here when the store is wired in.
		Ready: nil,
	}, snap)

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
		"version", ver,
		"commit", rev)

	done := make(chan error, 1)
	go func() { done <- srv.Serve(stopCtx, public, admin, cfg.Server.ShutdownTimeout) }()

	running := cfg
	stopping := stopCtx.Done()
	for {
		select {
		case <-hup:
			reload(logger, srv, running, *path, getenv)
		case <-stopping:
			stopping = nil
			logger.Info("shutting down", "timeout", cfg.Server.ShutdownTimeout.String())
		case err := <-done:
			if err != nil {
				logger.Error("stopped", "error", err.Error())
				return exitError{code: 1}
			}
			logger.Info("stopped")
			return nil
		}
	}
}

// reload loads the config again and swaps it in; a bad config is logged
// and the one in force stays. running is the config the process started
// with: what it bound and opened cannot change without a restart.
func reload(logger *slog.Logger, srv *server.Server, running *config.Config, path string, getenv func(string) string) {
	cfg, snap, err := load(path, getenv)
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
	srv.Swap(snap)
	srv.ObserveReload(true)
	logger.Info("reloaded", "config", path, "domains", len(cfg.Domains))
}

// restartSettings lists the settings that differ between old and new but
// only take effect at start: the listeners, the drain time and storage.
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
	return out
}

func logWarnings(logger *slog.Logger, cfg *config.Config) {
	for _, w := range cfg.Warnings {
		logger.Warn("config warning", "warning", w)
	}
}

// newLogger is the JSON logger on stderr at the level named by level
// (empty means info).
func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if level != "" {
		if err := l.UnmarshalText([]byte(strings.TrimSpace(level))); err != nil {
			return nil, fmt.Errorf("%s=%q: want debug, info, warn or error", envLogLevel, level)
		}
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l})), nil
}
