// Package postgres is the shared store.Store: any number of deeplinkd
// instances use one PostgreSQL database through pgx, and claims with
// FOR UPDATE SKIP LOCKED keep two instances from sending one event at once.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/deeplinkd/deeplinkd/internal/store"
	"github.com/deeplinkd/deeplinkd/internal/store/groupcommit"
	"github.com/deeplinkd/deeplinkd/internal/store/migrate"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is the PostgreSQL store.
type DB struct {
	pool    *pgxpool.Pool
	inserts *groupcommit.Group[*store.Event, inserted]
}

// minConns is the least pool size Open sets when the DSN names none.
// pgxpool's default, max(4, number of CPUs), makes 64 concurrent API
// requests queue for a connection before the database has any work; the
// inserts share a few connections (see insertWorkers), but reads, claims and
// marks each need their own.
const minConns = 16

var _ store.Store = (*DB)(nil)

// Open connects to the database at dsn (a postgres:// URL or key=value
// string, as pgx accepts) and applies pending migrations. The tables live in
// the connection's current schema, so search_path in the DSN selects one.
// The pool holds at least minConns connections unless the DSN sets
// pool_max_conns (pgxpool's parameters apply).
func Open(ctx context.Context, dsn string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx's parse errors may quote the DSN, password included.
		return nil, errors.New("open postgres: cannot parse the dsn (want postgres://user@host:5432/db?sslmode=... or key=value pairs)")
	}
	if !strings.Contains(dsn, "pool_max_conns") {
		cfg.MaxConns = max(cfg.MaxConns, minConns)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db := &DB{pool: pool}
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db.inserts = groupcommit.New(insertWorkers, maxInsertBatch, db.flushInserts)
	return db, nil
}

// migrate applies the pending embedded migrations in one transaction under a
// transaction-scoped advisory lock, so instances starting together take turns
// and the later ones find the work done. The lock key includes the schema so
// that separate schemas (tests, tenants) do not wait on each other.
func (db *DB) migrate(ctx context.Context) error {
	files, err := migrate.Load(migrations, "migrations")
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('deeplinkd.migrate:' || COALESCE(current_schema(), '')))`); err != nil {
			return fmt.Errorf("lock migrations: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    text PRIMARY KEY,
			applied_at timestamptz NOT NULL DEFAULT now()
		)`); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		for _, f := range files {
			var applied bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)`, f.Version).Scan(&applied); err != nil {
				return fmt.Errorf("migration %s: %w", f.Version, err)
			}
			if applied {
				continue
			}
			// No arguments: pgx sends the file over the simple protocol,
			// which runs several statements.
			if _, err := tx.Exec(ctx, f.SQL); err != nil {
				return fmt.Errorf("migration %s: %w", f.Version, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES ($1)`, f.Version); err != nil {
				return fmt.Errorf("migration %s: record: %w", f.Version, err)
			}
		}
		return nil
	})
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.pool.Ping(ctx); err != nil {
		return fmt.Errorf("ping postgres: %w", err)
	}
	return nil
}

// Close lets the inserts already accepted commit, then closes the pool,
// waiting for connections in use to be returned.
func (db *DB) Close() error {
	db.inserts.Close()
	db.pool.Close()
	return nil
}
