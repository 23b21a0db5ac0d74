package partnerosim

import (
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// t0 is the fake clock's start.
var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// Keys of the test programs: "aff" (affiliate, partner P1) and "raf"
// (refer-a-friend, referrer ref_1).
const (
	affKey = "sk_test_affiliate_0123456789"
	rafKey = "sk_test_referafriend_0123456789"
)

// clock is a settable clock for rate-limit windows and timestamps.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newSim returns a simulator with the two test programs on a fake clock;
// edit adjusts the options first.
func newSim(t *testing.T, edit func(*Options)) (*Sim, *clock) {
	t.Helper()
	clk := &clock{t: t0}
	opts := Options{
		Keys:     map[string]string{affKey: "aff", rafKey: "raf"},
		Programs: map[string]ProgramKind{"aff": Affiliate, "raf": ReferAFriend},
		Seed: Seed{
			Partners:  map[string][]string{"aff": {"P1"}},
			Customers: map[string][]string{"raf": {"ref_1"}},
		},
		Now: clk.Now,
	}
	if edit != nil {
		edit(&opts)
	}
	return New(opts), clk
}

// do sends one request to h; a non-empty body goes as application/json.
func do(t *testing.T, h http.Handler, method, target, key, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// must is do that fails the test unless the status is want.
func must(t *testing.T, h http.Handler, method, target, key, body string, want int) *httptest.ResponseRecorder {
	t.Helper()
	rec := do(t, h, method, target, key, body)
	if rec.Code != want {
		t.Fatalf("%s %s = %d %s; want %d", method, target, rec.Code, rec.Body, want)
	}
	return rec
}

// wire is a decoded answer: the success envelope or a Laravel error.
type wire[T any] struct {
	Data    T                   `json:"data"`
	Meta    *pageMeta           `json:"meta"`
	Status  int                 `json:"status"`
	Message string              `json:"message"`
	Errors  map[string][]string `json:"errors"`
}

func decode[T any](t *testing.T, rec *httptest.ResponseRecorder) wire[T] {
	t.Helper()
	var w wire[T]
	if err := json.Unmarshal(rec.Body.Bytes(), &w); err != nil {
		t.Fatalf("decode %s: %v", rec.Body, err)
	}
	return w
}

func intp(n int) *int { return &n }

// httptestServer serves h on a loopback port until the test ends.
func httptestServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts
}
