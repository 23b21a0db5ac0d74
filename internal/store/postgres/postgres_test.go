package postgres

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/deeplinkd/deeplinkd/internal/store"
	"github.com/deeplinkd/deeplinkd/internal/store/storetest"
)

const defaultTestDSN = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// failWhenUnreachable decides what a missing PostgreSQL means: in CI the
// backend must be tested, so it is a failure; on a laptop without a server
// the tests skip.
func failWhenUnreachable(getenv func(string) string) bool {
	ci, err := strconv.ParseBool(getenv("CI"))
	return err == nil && ci
}

func TestFailWhenUnreachable(t *testing.T) {
	tests := []struct {
		ci   string
		want bool
	}{
		{"true", true},
		{"TRUE", true},
		{"1", true},
		{"", false},
		{"false", false},
		{"0", false},
		{"yes please", false},
	}
	for _, tt := range tests {
		t.Run(tt.ci, func(t *testing.T) {
			getenv := func(k string) string {
				if k == "CI" {
					return tt.ci
				}
				return ""
			}
			if got := failWhenUnreachable(getenv); got != tt.want {
				t.Errorf("failWhenUnreachable(CI=%q) = %v; want %v", tt.ci, got, tt.want)
			}
		})
	}
}

// testDSN returns the server to test against, skipping (or failing in CI)
// when it does not answer.
func testDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("DEEPLINKD_TEST_POSTGRES_DSN")
	if dsn == "" {
		dsn = defaultTestDSN
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err == nil {
		err = conn.Ping(ctx)
		conn.Close(ctx)
	}
	if err != nil {
		if failWhenUnreachable(os.Getenv) {
			t.Fatalf("PostgreSQL at DEEPLINKD_TEST_POSTGRES_DSN unreachable in CI: %v", err)
		}
		t.Skipf("PostgreSQL unreachable (set DEEPLINKD_TEST_POSTGRES_DSN): %v", err)
	}
	return dsn
}

// freshSchema creates an empty schema, dropped at cleanup, and returns dsn
// with search_path pointing at it, so tests and parallel runs never share
// tables.
func freshSchema(t testing.TB, dsn string) string {
	t.Helper()
	schema := "deeplinkd_test_" + strings.ToLower(rand.Text()[:12])
	ctx := context.WithoutCancel(t.Context())
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Errorf("connect for cleanup: %v", err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return withSearchPath(dsn, schema)
}

// withSearchPath sets search_path in a URL or key=value DSN.
func withSearchPath(dsn, schema string) string {
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " search_path=" + schema
}

func openFresh(t testing.TB) *DB {
	t.Helper()
	dsn := freshSchema(t, testDSN(t))
	db, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openFresh(t) })
}

func TestMigrationsApplyOnce(t *testing.T) {
	dsn := freshSchema(t, testDSN(t))
	var (
		wg   sync.WaitGroup
		errs = make([]error, 4)
	)
	// Instances starting together must take turns on the schema.
	for i := range errs {
		wg.Go(func() {
			db, err := Open(t.Context(), dsn)
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
	db, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatalf("reopen = %v", err)
	}
	defer db.Close()
	var n int
	if err := db.pool.QueryRow(t.Context(), `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil {
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

// TestInstancesNeverShareAnEvent runs claimers on two pools, as two
// deeplinkd instances sharing one database would.
func TestInstancesNeverShareAnEvent(t *testing.T) {
	dsn := freshSchema(t, testDSN(t))
	var instances [2]*DB
	for i := range instances {
		db, err := Open(t.Context(), dsn)
		if err != nil {
			t.Fatalf("Open(instance %d) = %v", i, err)
		}
		t.Cleanup(func() { db.Close() })
		instances[i] = db
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	const events = 200
	for i := range events {
		_, _, err := instances[i%2].Insert(t.Context(), &store.Event{
			Program: "main", Type: store.TypeSignup, NaturalKey: fmt.Sprintf("user_%d", i),
			CustomerKey: fmt.Sprintf("user_%d", i), BodyHash: "h", Payload: []byte(`{}`), CreatedAt: now,
		})
		if err != nil {
			t.Fatalf("Insert #%d = %v", i, err)
		}
	}
	var (
		mu   sync.Mutex
		seen = map[string]string{}
		wg   sync.WaitGroup
	)
	for w := range 8 {
		db, owner := instances[w%2], fmt.Sprintf("instance%d/worker%d", w%2, w)
		wg.Go(func() {
			for {
				got, err := db.Claim(t.Context(), owner, now, time.Minute, 5)
				if err != nil {
					t.Errorf("Claim(%s) = %v", owner, err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, e := range got {
					if prev, dup := seen[e.ID]; dup {
						t.Errorf("event %s claimed by %s and %s", e.ID, prev, owner)
					}
					seen[e.ID] = owner
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != events {
		t.Errorf("instances claimed %d distinct events; want %d", len(seen), events)
	}
}

func TestOpenHidesPasswordInBadDSN(t *testing.T) {
	const password = "s3cret-pw"
	_, err := Open(t.Context(), fmt.Sprintf("postgres://u:%s@127.0.0.1:notaport/db", password))
	if err == nil {
		t.Fatal("Open(bad dsn) = nil error; want one")
	}
	if strings.Contains(err.Error(), password) {
		t.Errorf("Open(bad dsn) = %q; leaks the password", err)
	}
}

func TestWithSearchPath(t *testing.T) {
	tests := []struct{ dsn, want string }{
		{"postgres://u@h:5432/db?sslmode=disable", "postgres://u@h:5432/db?search_path=s&sslmode=disable"},
		{"host=h dbname=db", "host=h dbname=db search_path=s"},
	}
	for _, tt := range tests {
		if got := withSearchPath(tt.dsn, "s"); got != tt.want {
			t.Errorf("withSearchPath(%q) = %q; want %q", tt.dsn, got, tt.want)
		}
	}
}

func BenchmarkInsert(b *testing.B) {
	storetest.BenchInsert(b, openFresh(b))
}

// BenchmarkClaimBacklog claims from a queue of 20,000 events.
func BenchmarkClaimBacklog(b *testing.B) {
	storetest.BenchClaimBacklog(b, openFresh(b), 20_000)
}
