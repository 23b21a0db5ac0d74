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
	"strconv"
	"strings"
	"time"

	// Registers the "sqlite" database/sql driver; its Error says which.
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/deeplinkd/deeplinkd/internal/store"
	"github.com/deeplinkd/deeplinkd/internal/store/migrate"
)

//go:embed migrations/*.sql
var migrations embed.FS

// busyTimeout bounds how long a connection waits for another process's
// write lock (another instance, a backup) before failing with SQLITE_BUSY.
const busyTimeout = 10 * time.Second

// writeParams configure the writer's connection. temp_store=MEMORY keeps
// the statement journal of each write's savepoint in memory: on disk it
// costs a file write for every page a write touches.
const writeParams = "_txlock=immediate&_journal_mode=WAL&_synchronous=FULL&_pragma=temp_store(memory)"

// DB is the SQLite store. Every write (Insert, Claim, the Mark* methods,
// Retry) goes through one writer goroutine that commits whatever writes are
// waiting as one transaction (see writer), on a pool of exactly one
// connection whose transactions begin IMMEDIATE: SQLite allows one writer at
// a time, so writes queue in the process rather than fight for the lock and
// fail with SQLITE_BUSY, and concurrent writes share one fsync. Reads use a
// separate read-only pool, which WAL lets run beside the writer.
type DB struct {
	write *sql.DB
	read  *sql.DB
	w     *writer
}

var _ store.Store = (*DB)(nil)

// Open opens (creating if needed) the SQLite database at dsn, a file path
// such as "data/deeplinkd.db", optionally with modernc.org/sqlite query
// parameters, which take precedence over the defaults. It creates the file's
// directory, sets WAL, synchronous=FULL, a busy timeout and foreign keys, and
// applies pending migrations. ":memory:" gives a private in-memory database,
// for tests.
//
// Why FULL: in WAL mode a commit appends to the WAL file. With NORMAL the WAL
// is fsynced only at checkpoints, so a commit is in the operating system's
// page cache when Insert returns: that survives a crash or SIGKILL of the
// process, but a power loss or kernel crash can roll back the last commits
// (the file stays consistent; accepted events are gone, though their clients
// were told 202). With FULL the WAL is fsynced at every commit, so an accepted
// event survives power loss as far as the disk honours fsync. The writer's
// group commit shares that fsync among all the writes of a batch, which is
// what makes FULL affordable under load. A DSN may still ask for
// ?_synchronous=NORMAL, accepting that loss on power failure.
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

	write, err := openPool(dsn, params, writeParams, 1)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	db := &DB{write: write, read: write, w: newWriter(write)}
	if err := db.migrate(ctx); err != nil {
		db.w.close()
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
	pool, err := sql.Open("sqlite", dsn+sep+"_busy_timeout="+strconv.FormatInt(busyTimeout.Milliseconds(), 10)+"&_foreign_keys=1&"+extra)
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
// transaction (the writer's), so a second process opening the same file at
// the same time waits on the write lock and then finds them applied.
//
// Processes that create the file together are the exception: while the
// new file turns from rollback to WAL mode, SQLite answers a BEGIN with
// SQLITE_BUSY at once rather than wait in its busy handler (which could
// deadlock there). The migration is then tried again after a short pause,
// for as long as the busy timeout would have waited.
func (db *DB) migrate(ctx context.Context) error {
	deadline := time.Now().Add(busyTimeout)
	for pause := time.Millisecond; ; pause = min(2*pause, 100*time.Millisecond) {
		err := db.migrateOnce(ctx)
		if !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(pause):
		}
	}
}

// isBusy reports whether err is SQLite's SQLITE_BUSY.
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

func (db *DB) migrateOnce(ctx context.Context) error {
	files, err := migrate.Load(migrations, "migrations")
	if err != nil {
		return err
	}
	return db.w.do(ctx, func(tx *wtx) error {
		if _, err := tx.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
			version    TEXT PRIMARY KEY,
			applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
		) STRICT`); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		for _, f := range files {
			var n int
			if err := tx.QueryRow(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, f.Version).Scan(&n); err != nil {
				return fmt.Errorf("migration %s: %w", f.Version, err)
			}
			if n > 0 {
				continue
			}
			if _, err := tx.Exec(f.SQL); err != nil {
				return fmt.Errorf("migration %s: %w", f.Version, err)
			}
			if _, err := tx.Exec(`INSERT INTO schema_migrations (version) VALUES (?)`, f.Version); err != nil {
				return fmt.Errorf("migration %s: record: %w", f.Version, err)
			}
		}
		return nil
	})
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

// Close lets the writes already queued commit, then closes both pools.
// Writes that arrive later fail.
func (db *DB) Close() error {
	db.w.close()
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	if err != nil {
		return fmt.Errorf("close sqlite: %w", err)
	}
	return nil
}
