package sqlite

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/deeplinkd/deeplinkd/internal/store"
	"github.com/deeplinkd/deeplinkd/internal/store/storetest"
)

func openTemp(t testing.TB) *DB {
	t.Helper()
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "deeplinkd.db"))
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	})
	return db
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t) })
}

func TestConformanceInMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		db, err := Open(t.Context(), ":memory:")
		if err != nil {
			t.Fatalf("Open(:memory:) = %v", err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}

func TestOpenCreatesDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b", "deeplinkd.db")
	db, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open(%q) = %v", path, err)
	}
	defer db.Close()
	if _, err := os.Stat(path); err != nil {
		t.Errorf("Open(%q) left no file: %v", path, err)
	}
}

func TestOpenRejectsEmptyDSN(t *testing.T) {
	if db, err := Open(t.Context(), ""); err == nil {
		db.Close()
		t.Errorf(`Open("") = nil error; want one`)
	}
}

// TestPragmas pins the durability settings: a lost pragma would silently
// weaken "accepted means stored".
func TestPragmas(t *testing.T) {
	db := openTemp(t)
	tests := []struct {
		pool   string
		pragma string
		want   string
	}{
		{"write", "journal_mode", "wal"},
		{"write", "synchronous", "2"}, // FULL
		{"write", "foreign_keys", "1"},
		{"write", "busy_timeout", "10000"},
		{"write", "temp_store", "2"}, // MEMORY: the batch's savepoint journals

		{"read", "journal_mode", "wal"},
		{"read", "query_only", "1"},
		{"read", "busy_timeout", "10000"},
	}
	for _, tt := range tests {
		t.Run(tt.pool+"/"+tt.pragma, func(t *testing.T) {
			pool := db.write
			if tt.pool == "read" {
				pool = db.read
			}
			var got string
			if err := pool.QueryRowContext(t.Context(), "PRAGMA "+tt.pragma).Scan(&got); err != nil {
				t.Fatalf("PRAGMA %s = %v", tt.pragma, err)
			}
			if got != tt.want {
				t.Errorf("PRAGMA %s on %s pool = %q; want %q", tt.pragma, tt.pool, got, tt.want)
			}
		})
	}
}

func TestDSNParametersTakePrecedence(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "deeplinkd.db") + "?_synchronous=NORMAL"
	db, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatalf("Open(%q) = %v", dsn, err)
	}
	defer db.Close()
	var got string
	if err := db.write.QueryRowContext(t.Context(), "PRAGMA synchronous").Scan(&got); err != nil {
		t.Fatalf("PRAGMA synchronous = %v", err)
	}
	if got != "1" {
		t.Errorf("Open(%q): synchronous = %s; want 1 (NORMAL)", dsn, got)
	}
}

func TestMigrationsApplyOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "deeplinkd.db")
	var (
		wg   sync.WaitGroup
		errs = make([]error, 4)
	)
	// Instances starting together must not race on the schema.
	for i := range errs {
		wg.Go(func() {
			db, err := Open(t.Context(), path)
			if err == nil {
				err = db.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("concurrent Open #%d = %v", i, err)
		}
	}
	db, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("reopen = %v", err)
	}
	defer db.Close()
	var n int
	if err := db.read.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil {
		t.Fatalf("count migrations = %v", err)
	}
	entries, err := migrations.ReadDir("migrations")
	if err != nil {
		t.Fatal(err)
	}
	if n != len(entries) {
		t.Errorf("schema_migrations has %d rows; want %d", n, len(entries))
	}
}

func TestSurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "deeplinkd.db")
	db, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	in := &store.Event{Program: "main", Type: store.TypeSignup, NaturalKey: "user_1", BodyHash: "h",
		Payload: []byte(`{}`), CreatedAt: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	e, _, err := db.Insert(t.Context(), in)
	if err != nil {
		t.Fatalf("Insert() = %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	db, err = Open(t.Context(), path)
	if err != nil {
		t.Fatalf("reopen = %v", err)
	}
	defer db.Close()
	if _, err := db.Get(t.Context(), "main", e.ID); err != nil {
		t.Errorf("Get(%s) after reopen = %v", e.ID, err)
	}
}

// BenchmarkInsert measures the default (synchronous=FULL) against NORMAL,
// which may lose the last commits on power loss but not corrupt the file.
// With group commit the two should be close: the fsync FULL adds is paid
// once per batch. bench/events.sh runs it beside PostgreSQL's.
func BenchmarkInsert(b *testing.B) {
	for _, sync := range []string{"", "NORMAL"} {
		name, dsn := "synchronous=FULL", filepath.Join(b.TempDir(), "deeplinkd.db")
		if sync != "" {
			name, dsn = "synchronous="+sync, dsn+"?_synchronous="+sync
		}
		b.Run(name, func(b *testing.B) {
			db, err := Open(b.Context(), dsn)
			if err != nil {
				b.Fatalf("Open(%q) = %v", dsn, err)
			}
			defer db.Close()
			storetest.BenchInsert(b, db)
		})
	}
}

// BenchmarkClaimBacklog claims from a queue of 20,000 events.
func BenchmarkClaimBacklog(b *testing.B) {
	storetest.BenchClaimBacklog(b, openTemp(b), 20_000)
}
