package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

const defaultTestPostgresDSN = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// postgresSchemaDSN returns a DSN whose search_path is a fresh schema,
// dropped when the test ends. An unreachable server fails the test under
// CI=true and skips it elsewhere.
func postgresSchemaDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("DEEPLINKD_TEST_POSTGRES_DSN")
	if dsn == "" {
		dsn = defaultTestPostgresDSN
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
			t.Fatalf("PostgreSQL at DEEPLINKD_TEST_POSTGRES_DSN unreachable in CI: %v", err)
		}
		t.Skipf("PostgreSQL unreachable (set DEEPLINKD_TEST_POSTGRES_DSN): %v", err)
	}
	defer conn.Close(context.Background())
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "e2e_" + hex.EncodeToString(b[:])
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("DEEPLINKD_TEST_POSTGRES_DSN is not a URL")
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// TestE2ETwoInstancesPostgres: two instances share one PostgreSQL; events
// are posted to both (a customer's purchase to the other instance than
// its sign-up) and Partnero gets each exactly once, in order.
func TestE2ETwoInstancesPostgres(t *testing.T) {
	t.Parallel()
	const n = 60
	dsn := postgresSchemaDSN(t)
	x := newE2E(t, -1)
	cfg := e2eConfigYAML(e2eOptions{Driver: "postgres"})
	env := x.env("DEEPLINKD_STORAGE_DSN=" + dsn)
	a := x.start(cfg, env)
	b := x.start(cfg, env)
	ca := x.client(a, "go.alpha.test", e2eTokenMain)
	cb := x.client(b, "go.alpha.test", e2eTokenMain)

	ids := make([]string, 2*n)
	parallel(n, 16, func(i int) {
		first, second := ca, cb
		if i%2 == 1 {
			first, second = cb, ca
		}
		ids[2*i] = first.accept("/api/v1/signups",
			fmt.Sprintf(`{"referral_key":"partner_1","customer":{"key":"user_%d"}}`, i))
		ids[2*i+1] = second.accept("/api/v1/purchases",
			fmt.Sprintf(`{"customer_key":"user_%d","key":"txn_%d","amount":"%d.99"}`, i, i, i))
	})
	ca.waitDrained()
	checkDeliveredOnce(t, cb, x.sim, ids, n)

	reqs := x.sim.Requests()
	for path, prefix := range map[string]string{"/v1/customers": "user_", "/v1/transactions": "txn_"} {
		all := sends(reqs, http.MethodPost, path, 0)
		for i := range n {
			if key := fmt.Sprintf("%s%d", prefix, i); all[key] != 1 {
				t.Errorf("POST %s for %s sent %d times; want exactly once", path, key, all[key])
			}
		}
	}
	checkOrder(t, reqs)

	// Both instances deliver from the shared queue (logged, not asserted:
	// which one claims what is up to the database).
	for name, p := range map[string]*proc{"a": a, "b": b} {
		code, body := fetch(t, p.admin, "localhost", "/metrics")
		if code != http.StatusOK {
			t.Fatalf("instance %s /metrics = %d", name, code)
		}
		for _, line := range strings.Split(body, "\n") {
			if strings.HasPrefix(line, "deeplinkd_outbox_outcomes_total") && strings.Contains(line, `outcome="delivered"`) {
				t.Logf("instance %s: %s", name, line)
			}
		}
	}
	a.terminate(t)
	b.terminate(t)
}
