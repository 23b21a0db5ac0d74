package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/deeplinkd/deeplinkd/internal/attribution"
	"github.com/deeplinkd/deeplinkd/internal/config"
	"github.com/deeplinkd/deeplinkd/internal/outbox"
	"github.com/deeplinkd/deeplinkd/internal/partnero"
	"github.com/deeplinkd/deeplinkd/internal/store"
	"github.com/deeplinkd/deeplinkd/internal/store/postgres"
	"github.com/deeplinkd/deeplinkd/internal/store/sqlite"
	"github.com/deeplinkd/deeplinkd/server"
)

// delivery is the attribution side of the process: the store, the outbox
// forwarding accepted events to Partnero, and what the API serves.
type delivery struct {
	store     store.Store
	outbox    *outbox.Outbox
	events    server.EventService
	customers server.CustomerReader
}

// deliveryDeps are what startDelivery needs besides the config.
type deliveryDeps struct {
	// apiURL is Partnero's base URL: partnero.api_url, or the simulator's
	// under -demo.
	apiURL string
	// programs looks a program up in the configuration in force at the
	// time of the call, so a reload applies to events already queued.
	programs func(name string) (attribution.Program, bool)
	logger   *slog.Logger
	reg      prometheus.Registerer
	version  string
}

// startDelivery opens the store (applying its migrations), builds the
// Partnero client and the attribution service, and starts the outbox.
func startDelivery(ctx context.Context, cfg *config.Config, deps deliveryDeps) (*delivery, error) {
	st, err := openStore(ctx, cfg.Storage)
	if err != nil {
		return nil, err
	}
	d, err := wireDelivery(cfg, deps, st)
	if err != nil {
		st.Close()
		return nil, err
	}
	d.outbox.Start(ctx)
	return d, nil
}

// wireDelivery builds everything over an open store.
func wireDelivery(cfg *config.Config, deps deliveryDeps, st store.Store) (*delivery, error) {
	client, err := partnero.New(partnero.Options{
		BaseURL:   deps.apiURL,
		Timeout:   cfg.Partnero.Timeout,
		UserAgent: "deeplinkd/" + deps.version,
	})
	if err != nil {
		return nil, fmt.Errorf("partnero client: %w", err)
	}
	ob, err := outbox.New(outbox.Options{
		Store:      st,
		Sender:     attribution.NewSender(client, deps.programs),
		Owner:      outboxOwner(),
		Workers:    cfg.Delivery.Workers,
		Lease:      cfg.Delivery.Lease,
		BaseDelay:  cfg.Delivery.BaseDelay,
		MaxDelay:   cfg.Delivery.MaxDelay,
		Logger:     deps.logger,
		Registerer: deps.reg,
	})
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	svc, err := attribution.NewService(attribution.Options{Store: st, Notify: ob.Notify})
	if err != nil {
		return nil, fmt.Errorf("attribution: %w", err)
	}
	return &delivery{
		store:     st,
		outbox:    ob,
		events:    server.NewEventService(svc),
		customers: attribution.NewReader(client, deps.programs, attribution.ReaderOptions{}),
	}, nil
}

// stop stops the outbox, letting sends in flight finish until ctx ends
// (then they return to the queue), and closes the store after it.
func (d *delivery) stop(ctx context.Context) error {
	err := d.outbox.Stop(ctx)
	if cerr := d.store.Close(); cerr != nil {
		err = errors.Join(err, fmt.Errorf("close store: %w", cerr))
	}
	return err
}

// openStore opens the configured store driver. SQLite creates the file's
// directory; both apply pending migrations.
func openStore(ctx context.Context, s config.Storage) (store.Store, error) {
	switch s.Driver {
	case config.DriverPostgres:
		return postgres.Open(ctx, s.DSN)
	case config.DriverSQLite:
		return sqlite.Open(ctx, s.DSN)
	}
	return nil, fmt.Errorf("storage.driver %q is not a driver", s.Driver)
}

// outboxOwner names this process in the outbox's leases: host, pid and a
// random suffix, so two processes never share a name, even in containers
// that all run as pid 1 on hosts of the same name.
func outboxOwner() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "deeplinkd"
	}
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}
