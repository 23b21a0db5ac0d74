package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/deeplinkd/deeplinkd/internal/partnerosim"
)

// The secrets of the end-to-end tests. No log line, response, error body
// or page may show any of them (see e2e.scanSecrets).
const (
	e2eTokenMain    = "e2e-token-main-5f1c9a7d3b2e"
	e2eTokenFriends = "e2e-token-friends-0a4c8e6f2d"
	e2eKeyMain      = "pk_e2e_main_secret_8d6b4a20"
	e2eKeyFriends   = "pk_e2e_friends_secret_71c3e9"
)

var e2eSecrets = []string{e2eTokenMain, e2eTokenFriends, e2eKeyMain, e2eKeyFriends}

// e2eDeadline bounds every wait for deliveries.
const e2eDeadline = 40 * time.Second

// e2eOptions vary the end-to-end config.
type e2eOptions struct {
	// Driver is sqlite (default) or postgres; the DSN comes from the env.
	Driver string
	// Timeout is partnero.timeout (default 3s), Lease delivery.lease
	// (default 10s) and Shutdown server.shutdown_timeout (default 5s).
	Timeout, Lease, Shutdown time.Duration
	// MainKeyEnv is programs.main.api_key_env (default E2E_PARTNERO_KEY).
	MainKeyEnv string
}

// e2eConfigYAML has two programs, each with its own token, key and
// domain, and delivery backoffs short enough for tests.
func e2eConfigYAML(o e2eOptions) string {
	if o.Driver == "" {
		o.Driver = "sqlite"
	}
	if o.Timeout == 0 {
		o.Timeout = 3 * time.Second
	}
	if o.Lease == 0 {
		o.Lease = 10 * time.Second
	}
	if o.Shutdown == 0 {
		o.Shutdown = 5 * time.Second
	}
	if o.MainKeyEnv == "" {
		o.MainKeyEnv = "E2E_PARTNERO_KEY"
	}
	return fmt.Sprintf(`server:
  listen: "127.0.0.1:0"
  admin_listen: "127.0.0.1:0"
  shutdown_timeout: %s
storage:
  driver: %s
partnero:
  timeout: %s
delivery:
  workers: 4
  lease: %s
  base_delay: 100ms
  max_delay: 1s
programs:
  main:
    type: affiliate
    api_key_env: %s
    public_id: "P1234567"
  friends:
    type: refer_a_friend
    api_key_env: E2E_FRIENDS_KEY
    public_id: "F7654321"
api_tokens:
  - name: backend
    token_env: E2E_TOKEN
    program: main
  - name: friends-backend
    token_env: E2E_FRIENDS_TOKEN
    program: friends
domains:
  - host: go.alpha.test
    aliases: [open.alpha.test]
    program: main
    apple:
      apps:
        - app_id: "ABCDE12345.com.alpha.app"
          app_store_id: "1234567890"
    web:
      fallback_url: "https://alpha.test/signup"
  - host: links.friends.test
    program: friends
    web:
      fallback_url: "https://friends.test/join"
`, o.Shutdown, o.Driver, o.Timeout, o.Lease, o.MainKeyEnv)
}

// e2eSim is the Partnero simulator the daemons talk to over HTTP.
type e2eSim struct {
	*partnerosim.Sim
	URL string
}

// newE2ESim serves a simulator knowing both programs' keys, with partner
// partner_1 (main) and referring customer referrer_1 (friends) seeded.
// rate is the per-key budget per minute; negative turns it off.
func newE2ESim(t *testing.T, rate int) *e2eSim {
	t.Helper()
	sim := partnerosim.New(partnerosim.Options{
		Keys:     map[string]string{e2eKeyMain: "main", e2eKeyFriends: "friends"},
		Programs: map[string]partnerosim.ProgramKind{"main": partnerosim.Affiliate, "friends": partnerosim.ReferAFriend},
		Seed: partnerosim.Seed{
			Partners:  map[string][]string{"main": {"partner_1"}},
			Customers: map[string][]string{"friends": {"referrer_1"}},
		},
		RatePerMinute: rate,
		MaxRequests:   100000,
	})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return &e2eSim{Sim: sim, URL: srv.URL}
}

// e2e is one end-to-end test: its simulator, daemons and every response
// body, all scanned for secrets when the test ends.
type e2e struct {
	t   *testing.T
	dir string
	sim *e2eSim

	mu      sync.Mutex
	procs   []*proc
	answers strings.Builder
}

// newE2E prepares a test with a simulator (rate as newE2ESim) and a temp
// dir holding the config; the secret scan runs at cleanup, after every
// daemon is gone.
func newE2E(t *testing.T, rate int) *e2e {
	t.Helper()
	x := &e2e{t: t, dir: t.TempDir(), sim: newE2ESim(t, rate)}
	t.Cleanup(x.scanSecrets)
	return x
}

// env is the daemon's whole environment; extra KEY=VALUE pairs override.
func (x *e2e) env(extra ...string) []string {
	env := []string{
		"E2E_TOKEN=" + e2eTokenMain,
		"E2E_FRIENDS_TOKEN=" + e2eTokenFriends,
		"E2E_PARTNERO_KEY=" + e2eKeyMain,
		"E2E_FRIENDS_KEY=" + e2eKeyFriends,
		"PARTNERO_API_URL=" + x.sim.URL,
		"DEEPLINKD_STORAGE_DSN=" + filepath.Join(x.dir, "deeplinkd.db"),
		// Debug lines too: the secret scan should see everything.
		"DEEPLINKD_LOG_LEVEL=debug",
	}
	return append(env, extra...)
}

// start runs `deeplinkd serve` on the config and waits for "listening".
func (x *e2e) start(cfg string, env []string) *proc {
	x.t.Helper()
	path := filepath.Join(x.dir, "config.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		x.t.Fatal(err)
	}
	p := startProc(x.t, x.dir, env, "serve", "-config", path)
	x.mu.Lock()
	x.procs = append(x.procs, p)
	x.mu.Unlock()
	return p
}

// scanSecrets fails the test if any daemon's log or any answer it gave
// shows a secret.
func (x *e2e) scanSecrets() {
	x.mu.Lock()
	defer x.mu.Unlock()
	texts := map[string]string{"responses": x.answers.String()}
	for i, p := range x.procs {
		texts[fmt.Sprintf("daemon %d log", i)] = p.logText()
	}
	for name, text := range texts {
		for _, s := range e2eSecrets {
			if strings.Contains(text, s) {
				x.t.Errorf("%s shows the secret %q", name, s)
			}
		}
	}
}

// client is the API as the holder of token sees it through p.
func (x *e2e) client(p *proc, host, token string) *apiClient {
	return &apiClient{x: x, addr: p.public, host: host, token: token}
}

// apiClient calls the public listener of a daemon.
type apiClient struct {
	x           *e2e
	addr, host  string
	token       string
	contentType string // default application/json for a body
}

var httpClient = &http.Client{
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// do sends one request and returns the status, headers and body; the body
// joins the test's transcript for the secret scan.
func (c *apiClient) do(method, path, body string, header ...string) (int, http.Header, []byte) {
	c.x.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, "http://"+c.addr+path, rd)
	if err != nil {
		c.x.t.Fatal(err)
	}
	req.Host = c.host
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if body != "" {
		ct := c.contentType
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := httpClient.Do(req)
	if err != nil {
		c.x.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.x.t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	c.x.mu.Lock()
	fmt.Fprintf(&c.x.answers, "%s %s %d %v\n%s\n", method, path, res.StatusCode, res.Header, b)
	c.x.mu.Unlock()
	return res.StatusCode, res.Header, b
}

// eventView is GET /api/v1/events/{id}'s answer.
type eventView struct {
	ID          string  `json:"id"`
	Type        string  `json:"type"`
	Status      string  `json:"status"`
	Attempts    int     `json:"attempts"`
	LastError   string  `json:"last_error"`
	CreatedAt   string  `json:"created_at"`
	DeliveredAt *string `json:"delivered_at"`
}

// accept posts body to path and returns the event id, requiring 202.
func (c *apiClient) accept(path, body string) string {
	c.x.t.Helper()
	code, _, b := c.do(http.MethodPost, path, body)
	if code != http.StatusAccepted {
		c.x.t.Errorf("POST %s %s = %d %s; want 202", path, body, code, b)
		return ""
	}
	var a struct{ ID, Status string }
	if err := json.Unmarshal(b, &a); err != nil || a.ID == "" || a.Status != "queued" {
		c.x.t.Errorf("POST %s = %s; want {id, status: queued}", path, b)
	}
	return a.ID
}

// event reads one event.
func (c *apiClient) event(id string) eventView {
	c.x.t.Helper()
	code, _, b := c.do(http.MethodGet, "/api/v1/events/"+id, "")
	var ev eventView
	if code != http.StatusOK || json.Unmarshal(b, &ev) != nil {
		c.x.t.Fatalf("GET event %s = %d %s", id, code, b)
	}
	return ev
}

// list returns every event of the token's program in status, all pages.
func (c *apiClient) list(status string) []eventView {
	c.x.t.Helper()
	var all []eventView
	cursor := ""
	for {
		code, _, b := c.do(http.MethodGet, "/api/v1/events?limit=200&status="+status+"&cursor="+cursor, "")
		var page struct {
			Events     []eventView `json:"events"`
			NextCursor *string     `json:"next_cursor"`
		}
		if code != http.StatusOK || json.Unmarshal(b, &page) != nil {
			c.x.t.Fatalf("GET events?status=%s = %d %s", status, code, b)
		}
		all = append(all, page.Events...)
		if page.NextCursor == nil {
			return all
		}
		cursor = *page.NextCursor
	}
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(e2eDeadline)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", e2eDeadline, what)
		}
		<-tick.C
	}
}

// waitDrained waits until the program has no queued event.
func (c *apiClient) waitDrained() {
	c.x.t.Helper()
	waitFor(c.x.t, "the queue to drain", func() bool {
		code, _, b := c.do(http.MethodGet, "/api/v1/events?status=queued&limit=1", "")
		return code == http.StatusOK && bytes.HasPrefix(b, []byte(`{"events":[]`))
	})
}

// parallel runs fn(i) for i in [0, n) on k goroutines.
func parallel(n, k int, fn func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range k {
		wg.Go(func() {
			for i := range next {
				fn(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// simKey is the "key" of a request body the simulator recorded.
func simKey(body string) string {
	var b struct{ Key string }
	_ = json.Unmarshal([]byte(body), &b)
	return b.Key
}

// proc is a running deeplinkd whose stderr (its JSON log) is collected in
// full, however much it writes.
type proc struct {
	*child
	public, admin string
}

// startProc runs the binary with args in dir with exactly env, and waits
// for its "listening" line.
func startProc(t *testing.T, dir string, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir, cmd.Env = dir, env
	p := &proc{child: startChild(t, cmd)}
	line := p.waitLog(t, "listening")
	p.public, _ = line["public"].(string)
	p.admin, _ = line["admin"].(string)
	if p.public == "" || p.admin == "" {
		t.Fatalf("listening line lacks addresses: %v", line)
	}
	return p
}

// waitLog waits for a log line whose msg is msg, searching the whole log
// from its start, and returns it; every line must be JSON.
func (p *proc) waitLog(t *testing.T, msg string) map[string]any {
	t.Helper()
	line, _ := p.waitLine(t, 0, msg)
	return line
}

// terminate sends SIGTERM and requires a clean exit.
func (p *proc) terminate(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	if err := p.wait(t); err != nil {
		t.Errorf("exit after SIGTERM: %v; want status 0\n%s", err, p.logText())
	}
}
