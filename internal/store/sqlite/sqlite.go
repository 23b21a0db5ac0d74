// Package sqlite is the embedded store.Store: one SQLite file in WAL mode
// through modernc.org/sqlite (pure Go, so the binary stays CGO-free).
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	// Registers the "sqlite" database/sql driver.
	_ "modernc.org/sqlite"

	"github.com/deeplinkd/deeplinkd/internal/store"
	"github.com/deeplinkd/deeplinkd/internal/store/migrate"
)

//go:embed migrations/*.sql
var migrations embed.FS

// busyTimeoutMS bounds how long a connection waits for another process's
// write lock (another instance, a backup) before failing with SQLITE_BUSY.
const busyTimeoutMS = "10000"

// DB is the SQLite store. Writes go through a pool of exactly one connection
// whose transactions begin IMMEDIATE: SQLite allows one writer at a time, and
// queueing writers in database/sql instead of in SQLite's lock means
// concurrent inserts wait their turn rather than fail with SQLITE_BUSY. Reads
// use a separate read-only pool, which WAL lets run beside the writer.
type DB struct {
	write *sql.DB
	read  *sql.DB
}

var _ store.Store = (*DB)(nil)

// Open opens (creating if needed) the SQLite database at dsn, a file path
// such as "data/deeplinkd.db", optionally with modernc.org/sqlite query
// parameters, which take precedence over the defaults. It creates the file's
// directory, sets WAL, synchronous=FULL (an accepted event survives power
// loss), a busy timeout and foreign keys, and applies pending migrations.
// ":memory:" gives a private in-memory database, for tests.
func Open(ctx context.Context, dsn string) (*DB, error) {
	path, params, _ := strings.Cut(dsn, "?")
	if path == "" {
		return nil, fmt.Errorf("open sqlite: empty dsn")
	}
	memory := strings.Contains(path, ":memory:") || strings.Contains(params, "mode=memory")
	if !memory {
		dir := filepath.Dir(strings.TrimPrefix(path, "file:"))
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("open sqlite %s: create directory: %w", path, err)
		}
	}

	write, err := openPool(dsn, params, "_txlock=immediate&_journal_mode=WAL&_synchronous=FULL", 1)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	db := &DB{write: write, read: write}
	if err := db.migrate(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	if memory {
		// Each connection to ":memory:" is its own database, so reads
		// must share the writer's one connection.
		return db, nil
	}
	db.read, err = openPool(dsn, params, "_query_only=1", max(4, runtime.GOMAXPROCS(0)))
	if err == nil {
		err = db.read.PingContext(ctx)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: read pool: %w", path, err)
	}
	return db, nil
}

// openPool opens a pool of at most conns connections to dsn with the common
// and the given driver parameters appended to the caller's.
func openPool(dsn, params, extra string, conns int) (*sql.DB, error) {
	sep := "?"
	if params != "" || strings.HasSuffix(dsn, "?") {
		sep = "&"
	}
	pool, err := sql.Open("sqlite", dsn+sep+"_busy_timeout="+busyTimeoutMS+"&_foreign_keys=1&"+extra)
	if err != nil {
		return nil, err
	}
	pool.SetMaxOpenConns(conns)
	pool.SetMaxIdleConns(conns)
	// Connections live as long as the pool: reopening one would cost a
	// file open and the pragmas, and for ":memory:" lose the database.
	pool.SetConnMaxLifetime(0)
	pool.SetConnMaxIdleTime(0)
	return pool, nil
}

// migrate applies the pending embedded migrations in one IMMEDIATE
// transaction, so a second process opening the same file at the same time
// waits on the write lock and then finds them applied.
func (db *DB) migrate(ctx context.Context) error {
	files, err := migrate.Load(migrations, "migrations")
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    TEXT PRIMARY KEY,
			applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
		) STRICT`); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		for _, f := range files {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, f.Version).Scan(&n); err != nil {
				return fmt.Errorf("migration %s: %w", f.Version, err)
			}
			if n > 0 {
				continue
			}
			if _, err := tx.ExecContext(ctx, f.SQL); err != nil {
				return fmt.Errorf("migration %s: %w", f.Version, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version) VALUES (?)`, f.Version); err != nil {
				return fmt.Errorf("migration %s: record: %w", f.Version, err)
			}
		}
		return nil
	})
}

// inTx runs fn in a write transaction, which begins IMMEDIATE (takes the
// write lock up front) so that what fn reads cannot change before it writes.
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		return errors.Join(err, rollback(tx))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func rollback(tx *sql.Tx) error {
	if err := tx.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
		return fmt.Errorf("rollback: %w", err)
	}
	return nil
}

// Ping checks both pools.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.write.PingContext(ctx); err != nil {
		return fmt.Errorf("ping sqlite: %w", err)
	}
	if err := db.read.PingContext(ctx); err != nil {
		return fmt.Errorf("ping sqlite: %w", err)
	}
	return nil
}

// Close closes both pools.
func (db *DB) Close() error {
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	if err != nil {
		return fmt.Errorf("close sqlite: %w", err)
	}
	return nil
}
