package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/deeplinkd/deeplinkd/internal/partnerosim"
)

// postCustomers posts n sign-ups (customer user_I, referred by partner_1)
// and, each after its own sign-up's 202, that customer's purchase txn_I,
// from 16 clients at once. It returns every accepted event id.
func postCustomers(c *apiClient, n int) []string {
	ids := make([]string, 2*n)
	parallel(n, 16, func(i int) {
		ids[2*i] = c.accept("/api/v1/signups",
			fmt.Sprintf(`{"referral_key":"partner_1","customer":{"key":"user_%d","email":"user%d@example.com","name":"User"}}`, i, i))
		ids[2*i+1] = c.accept("/api/v1/purchases",
			fmt.Sprintf(`{"customer_key":"user_%d","key":"txn_%d","amount":"%d.99","currency":"USD","product_id":"pro"}`, i, i, i))
	})
	return ids
}

// sends counts, per key, the simulator's requests to path that Partnero
// answered with status (0: any answer, or none).
func sends(reqs []partnerosim.Request, method, path string, status int) map[string]int {
	out := map[string]int{}
	for _, r := range reqs {
		if r.Method == method && r.Path == path && (status == 0 || r.Status == status) {
			out[simKey(r.Body)]++
		}
	}
	return out
}

// checkDeliveredOnce asserts that every id is delivered and that the
// simulator holds user_0…user_{n-1} and txn_0…txn_{n-1} exactly once, each
// transaction created after its customer.
func checkDeliveredOnce(t *testing.T, c *apiClient, sim *e2eSim, ids []string, n int) {
	t.Helper()
	for _, id := range ids {
		if ev := c.event(id); ev.Status != "delivered" || ev.DeliveredAt == nil {
			t.Errorf("event %s = %+v; want delivered", id, ev)
		}
	}
	if failed := c.list("failed"); len(failed) != 0 {
		t.Errorf("failed events: %+v", failed)
	}
	st := sim.State()["main"]
	customers := map[string]time.Time{}
	for _, cu := range st.Customers {
		if _, dup := customers[cu.Key]; dup {
			t.Errorf("the simulator holds customer %s twice", cu.Key)
		}
		customers[cu.Key] = cu.CreatedAt
		if cu.Partner == nil || cu.Partner.Key != "partner_1" {
			t.Errorf("customer %s partner = %v; want partner_1", cu.Key, cu.Partner)
		}
	}
	txns := map[string]bool{}
	for _, tx := range st.Transactions {
		if txns[tx.Key] {
			t.Errorf("the simulator holds transaction %s twice", tx.Key)
		}
		txns[tx.Key] = true
		created, ok := customers[tx.Customer.Key]
		if !ok || tx.CreatedAt.Before(created) {
			t.Errorf("transaction %s (at %v) precedes its customer %s (at %v, known %v)", tx.Key, tx.CreatedAt, tx.Customer.Key, created, ok)
		}
		want := strings.TrimPrefix(tx.Key, "txn_") + ".99"
		if string(tx.Amount) != want {
			t.Errorf("transaction %s amount = %s; want exactly %s", tx.Key, tx.Amount, want)
		}
	}
	if len(customers) != n || len(txns) != n {
		t.Errorf("the simulator holds %d customers and %d transactions; want %d each", len(customers), len(txns), n)
	}
}

// checkOrder asserts that the simulator created each customer before it
// was asked for that customer's transaction: the request log, in the
// order answers were given, has the 201 of POST /customers first.
func checkOrder(t *testing.T, reqs []partnerosim.Request) {
	t.Helper()
	created := map[string]int{}
	for i, r := range reqs {
		if r.Method == http.MethodPost && r.Path == "/v1/customers" && r.Status == http.StatusCreated {
			created[simKey(r.Body)] = i
		}
	}
	for i, r := range reqs {
		if r.Method != http.MethodPost || r.Path != "/v1/transactions" || r.Status == 0 {
			continue
		}
		cust := strings.Replace(simKey(r.Body), "txn_", "user_", 1)
		if at, ok := created[cust]; !ok || at > i {
			t.Errorf("request %d (transaction for %s, status %d) reached Partnero before the customer existed", i, cust, r.Status)
		}
	}
}

// TestE2EPartneroDown: Partnero is down while 100 sign-ups and 100
// purchases arrive; once it is back every event is delivered, none twice,
// each purchase after its sign-up.
func TestE2EPartneroDown(t *testing.T) {
	t.Parallel()
	const n = 100
	x := newE2E(t, -1)
	if err := x.sim.SetFault(partnerosim.Fault{Mode: partnerosim.FaultDown}); err != nil {
		t.Fatal(err)
	}
	p := x.start(e2eConfigYAML(e2eOptions{}), x.env())
	c := x.client(p, "go.alpha.test", e2eTokenMain)
	ids := postCustomers(c, n)

	// Deliveries have been failing against the outage, not just waiting.
	waitFor(t, "attempts against the outage", func() bool { return len(x.sim.Requests()) >= 2*n })
	if got := len(c.list("queued")); got != 2*n {
		t.Errorf("queued during the outage = %d; want %d", got, 2*n)
	}
	x.sim.ClearFault()
	c.waitDrained()

	checkDeliveredOnce(t, c, x.sim, ids, n)
	reqs := x.sim.Requests()
	for path, wantKeys := range map[string]string{"/v1/customers": "user_", "/v1/transactions": "txn_"} {
		ok := sends(reqs, http.MethodPost, path, http.StatusCreated)
		for i := range n {
			if key := fmt.Sprintf("%s%d", wantKeys, i); ok[key] != 1 {
				t.Errorf("POST %s for %s succeeded %d times; want once", path, key, ok[key])
			}
		}
		for key, count := range sends(reqs, http.MethodPost, path, http.StatusUnprocessableEntity) {
			t.Errorf("POST %s for %s was refused %d times (a duplicate send)", path, key, count)
		}
	}
	checkOrder(t, reqs)
	p.terminate(t)
}

// TestE2EKillMidDelivery: SIGKILL while deliveries are in flight, then a
// restart on the same SQLite file: nothing accepted is lost and Partnero
// holds everything exactly once (a repeat that Partnero reports as a
// duplicate counts as delivered).
func TestE2EKillMidDelivery(t *testing.T) {
	t.Parallel()
	const n = 30
	x := newE2E(t, -1)
	if err := x.sim.SetFault(partnerosim.Fault{Mode: partnerosim.FaultSlow, Delay: 700 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	cfg := e2eConfigYAML(e2eOptions{Timeout: 2 * time.Second, Lease: 3 * time.Second})
	first := x.start(cfg, x.env())
	ids := postCustomers(x.client(first, "go.alpha.test", e2eTokenMain), n)
	// Some deliveries are done, more are in flight (each takes 700ms).
	waitFor(t, "the first deliveries", func() bool { return len(x.sim.State()["main"].Customers) >= 4 })
	first.kill()
	if !strings.Contains(first.logText(), `"msg":"request"`) {
		t.Fatalf("the first instance logged no request before the kill")
	}

	x.sim.ClearFault()
	second := x.start(cfg, x.env())
	c := x.client(second, "go.alpha.test", e2eTokenMain)
	c.waitDrained()
	checkDeliveredOnce(t, c, x.sim, ids, n)
	checkOrder(t, x.sim.Requests())
	if queued := c.list("queued"); len(queued) != 0 {
		t.Errorf("still queued after the restart: %+v", queued)
	}
	second.terminate(t)
}

// TestE2ERateLimitStorm: Partnero answers 429 with Retry-After: 1 to a
// storm of requests; every event waits at least that long between two
// attempts, then is delivered.
func TestE2ERateLimitStorm(t *testing.T) {
	t.Parallel()
	const n = 4
	x := newE2E(t, -1)
	if err := x.sim.SetFault(partnerosim.Fault{Mode: partnerosim.Fault429, RetryAfter: 1, Count: 3 * n}); err != nil {
		t.Fatal(err)
	}
	p := x.start(e2eConfigYAML(e2eOptions{}), x.env())
	c := x.client(p, "go.alpha.test", e2eTokenMain)
	var ids []string
	for i := range n {
		ids = append(ids, c.accept("/api/v1/signups", fmt.Sprintf(`{"customer":{"key":"storm_%d"}}`, i)))
	}
	c.waitDrained()
	for _, id := range ids {
		if ev := c.event(id); ev.Status != "delivered" || ev.Attempts < 2 {
			t.Errorf("event %s = %+v; want delivered after at least one 429", id, ev)
		}
	}

	attempts := map[string][]time.Time{}
	throttled := 0
	for _, r := range x.sim.Requests() {
		if r.Path != "/v1/customers" {
			continue
		}
		if r.Status == http.StatusTooManyRequests {
			throttled++
		}
		attempts[simKey(r.Body)] = append(attempts[simKey(r.Body)], r.Time)
	}
	if throttled != 3*n {
		t.Errorf("429 answers = %d; want %d", throttled, 3*n)
	}
	for key, times := range attempts {
		for i := 1; i < len(times); i++ {
			if gap := times[i].Sub(times[i-1]); gap < time.Second {
				t.Errorf("%s: attempt %d came %v after the 429 before it; want at least Retry-After (1s)", key, i+1, gap)
			}
		}
	}
	if len(attempts) != n {
		t.Errorf("customers attempted = %d; want %d", len(attempts), n)
	}
	p.terminate(t)
}

// TestE2EPermanentFailure: a sign-up naming a partner Partnero does not
// know fails for good with Partnero's reason; once the partner exists, a
// retry delivers it.
func TestE2EPermanentFailure(t *testing.T) {
	t.Parallel()
	x := newE2E(t, -1)
	p := x.start(e2eConfigYAML(e2eOptions{}), x.env())
	c := x.client(p, "go.alpha.test", e2eTokenMain)
	id := c.accept("/api/v1/signups", `{"referral_key":"ghost","customer":{"key":"haunted_1"}}`)

	var ev eventView
	waitFor(t, "the event to fail", func() bool { ev = c.event(id); return ev.Status == "failed" })
	if !strings.Contains(ev.LastError, "partner.key") || !strings.Contains(ev.LastError, "is invalid") {
		t.Errorf("last_error = %q; want Partnero's reason about partner.key", ev.LastError)
	}
	if ev.Attempts != 1 {
		t.Errorf("attempts = %d; want 1 (a permanent rejection is not retried)", ev.Attempts)
	}
	failed := c.list("failed")
	if !slices.ContainsFunc(failed, func(e eventView) bool { return e.ID == id }) {
		t.Errorf("GET events?status=failed = %+v; want %s in it", failed, id)
	}

	if err := x.sim.AddPartner("main", "ghost"); err != nil {
		t.Fatal(err)
	}
	code, _, body := c.do(http.MethodPost, "/api/v1/events/"+id+"/retry", "")
	if code != http.StatusAccepted || !strings.Contains(string(body), `"status":"queued"`) {
		t.Fatalf("POST retry = %d %s; want 202 with status queued", code, body)
	}
	waitFor(t, "the retried event to be delivered", func() bool { ev = c.event(id); return ev.Status == "delivered" })
	cust := x.sim.Customers("main")
	if len(cust) != 1 || cust[0].Key != "haunted_1" || cust[0].Partner == nil || cust[0].Partner.Key != "ghost" {
		t.Errorf("simulator customers = %+v; want haunted_1 referred by ghost", cust)
	}
	// A delivered event is not failed: retrying it is a conflict.
	if code, _, body := c.do(http.MethodPost, "/api/v1/events/"+id+"/retry", ""); code != http.StatusConflict {
		t.Errorf("POST retry of a delivered event = %d %s; want 409", code, body)
	}
	p.terminate(t)
}

// TestE2EShutdownMidDelivery: SIGTERM while a delivery hangs at Partnero
// drains until server.shutdown_timeout, cuts the send short, hands the
// event back to the queue and exits 0; the next start delivers it once.
func TestE2EShutdownMidDelivery(t *testing.T) {
	t.Parallel()
	x := newE2E(t, -1)
	if err := x.sim.SetFault(partnerosim.Fault{Mode: partnerosim.FaultSlow, Delay: time.Hour}); err != nil {
		t.Fatal(err)
	}
	cfg := e2eConfigYAML(e2eOptions{Timeout: 20 * time.Second, Lease: 30 * time.Second, Shutdown: 2 * time.Second})
	first := x.start(cfg, x.env())
	c := x.client(first, "go.alpha.test", e2eTokenMain)
	id := c.accept("/api/v1/signups", `{"customer":{"key":"patient_1"}}`)
	// Claimed (the claim counts the attempt) and so hanging at Partnero.
	waitFor(t, "the delivery to start", func() bool { return c.event(id).Attempts == 1 })

	first.terminate(t)
	// The drain ended at server.shutdown_timeout (2s), not with the send
	// (an hour) nor at partnero.timeout (20s): the deadline cut the send
	// short, its event went back to the queue, and only then did the
	// process say it had stopped. The log says so in this order.
	at := 0
	for _, want := range []struct {
		msg   string
		attrs map[string]any
	}{
		{"shutting down", map[string]any{"timeout": "2s"}},
		{"outbox: event rescheduled", map[string]any{"event": id, "attempts": 1.0, "reason": "interrupted by shutdown"}},
		{"deliveries stopped early; unfinished sends return to the queue", map[string]any{"error": "outbox: stop: context deadline exceeded"}},
		{"stopped", map[string]any{"level": "INFO"}},
	} {
		var line map[string]any
		line, at = first.waitLine(t, at, want.msg)
		for k, v := range want.attrs {
			if line[k] != v {
				t.Errorf("first instance's %q line has %s = %v; want %v", want.msg, k, line[k], v)
			}
		}
	}

	x.sim.ClearFault()
	second := x.start(cfg, x.env())
	c = x.client(second, "go.alpha.test", e2eTokenMain)
	waitFor(t, "the delivery after restart", func() bool { return c.event(id).Status == "delivered" })
	if got := sends(x.sim.Requests(), http.MethodPost, "/v1/customers", http.StatusCreated)["patient_1"]; got != 1 {
		t.Errorf("patient_1 created %d times; want once", got)
	}
	second.terminate(t)
}

// TestE2EReloadSetsKey: a program whose key variable is unset keeps its
// events queued, saying why; a SIGHUP to a config naming a variable that
// is set delivers them, with no restart.
func TestE2EReloadSetsKey(t *testing.T) {
	t.Parallel()
	x := newE2E(t, -1)
	p := x.start(e2eConfigYAML(e2eOptions{MainKeyEnv: "E2E_UNSET_KEY"}), x.env())
	c := x.client(p, "go.alpha.test", e2eTokenMain)
	id := c.accept("/api/v1/signups", `{"customer":{"key":"waiting_1"}}`)
	var ev eventView
	waitFor(t, "the missing key to be reported", func() bool { ev = c.event(id); return ev.Attempts >= 1 && ev.LastError != "" })
	if ev.Status != "queued" || !strings.Contains(ev.LastError, "no Partnero API key") {
		t.Errorf("event without a key = %+v; want queued, saying the key is missing", ev)
	}

	if err := os.WriteFile(filepath.Join(x.dir, "config.yaml"), []byte(e2eConfigYAML(e2eOptions{})), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	p.waitLog(t, "reloaded")
	waitFor(t, "delivery after the reload", func() bool { ev = c.event(id); return ev.Status == "delivered" })
	if got := len(x.sim.Customers("main")); got != 1 {
		t.Errorf("simulator customers = %d; want 1", got)
	}
	p.terminate(t)
}
