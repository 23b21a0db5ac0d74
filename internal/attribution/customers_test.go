package attribution

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/deeplinkd/deeplinkd/internal/apperr"
	"github.com/deeplinkd/deeplinkd/internal/partnero"
	"github.com/google/go-cmp/cmp"
)

// answer is what the fake Partnero says to the next reads.
type answer struct {
	status     int // 0 means 200
	body       string
	retryAfter string
}

// fakePartnero answers customer reads as told, counts them, and can hold
// them until released.
type fakePartnero struct {
	mu     sync.Mutex
	answer answer
	calls  []string // "program-key path"
	hold   chan struct{}
}

func (f *fakePartnero) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	a, hold := f.answer, f.hold
	f.calls = append(f.calls, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")+" "+r.URL.EscapedPath())
	f.mu.Unlock()
	if hold != nil {
		<-hold
	}
	if a.retryAfter != "" {
		w.Header().Set("Retry-After", a.retryAfter)
	}
	if a.status != 0 {
		w.WriteHeader(a.status)
	}
	io.WriteString(w, a.body)
}

func (f *fakePartnero) set(a answer) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answer = a
}

func (f *fakePartnero) callCount() int { return len(f.callList()) }

func (f *fakePartnero) callList() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// newTestReader returns a Reader on a fake Partnero and a clock the test
// moves.
func newTestReader(t *testing.T) (*Reader, *fakePartnero, *time.Time) {
	t.Helper()
	f := &fakePartnero{}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	client, err := partnero.New(partnero.Options{BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	now := t0
	r := NewReader(client, simPrograms, ReaderOptions{Now: func() time.Time { return now }})
	return r, f, &now
}

func ok(data string) answer { return answer{body: `{"data":` + data + `,"status":1}`} }

var (
	unavailable = &apiErr{Code: apperr.UpstreamUnavailable, Message: "Partnero is unavailable; try again later"}
	noCustomer  = &apiErr{Code: apperr.NotFound, Message: "customer not found"}
)

func TestReaderCache(t *testing.T) {
	type step struct {
		at        time.Duration // since t0
		upstream  answer
		read      string // stats, balance or referrals; "" for stats
		program   string // "" for main
		customer  string // "" for user_1
		want      string
		wantErr   *apiErr
		wantCalls int // upstream calls so far
	}
	down := answer{status: 503, body: `{"message":"Service Unavailable"}`}
	tests := []struct {
		name  string
		steps []step
	}{
		{
			name: "miss, hit, expiry",
			steps: []step{
				{at: 0, upstream: ok(`{"clicks":1}`), want: `{"clicks":1}`, wantCalls: 1},
				{at: 29 * time.Second, upstream: ok(`{"clicks":2}`), want: `{"clicks":1}`, wantCalls: 1},
				{at: 30 * time.Second, upstream: ok(`{"clicks":2}`), want: `{"clicks":2}`, wantCalls: 2},
				{at: 59 * time.Second, upstream: ok(`{"clicks":3}`), want: `{"clicks":2}`, wantCalls: 2},
			},
		},
		{
			name: "kinds, programs and customers are cached apart",
			steps: []step{
				{upstream: ok(`"s"`), want: `"s"`, wantCalls: 1},
				{upstream: ok(`"b"`), read: "balance", want: `"b"`, wantCalls: 2},
				{upstream: ok(`["r"]`), read: "referrals", want: `["r"]`, wantCalls: 3},
				{upstream: ok(`"raf"`), program: "raf", want: `"raf"`, wantCalls: 4},
				{upstream: ok(`"u2"`), customer: "user_2", want: `"u2"`, wantCalls: 5},
				{upstream: ok(`"x"`), want: `"s"`, wantCalls: 5},
				{upstream: ok(`"x"`), read: "balance", want: `"b"`, wantCalls: 5},
			},
		},
		{
			name: "stale while error",
			steps: []step{
				{at: 0, upstream: ok(`{"v":1}`), want: `{"v":1}`, wantCalls: 1},
				{at: time.Minute, upstream: down, want: `{"v":1}`, wantCalls: 2},
				{at: 9 * time.Minute, upstream: answer{status: 429, retryAfter: "9"}, want: `{"v":1}`, wantCalls: 3},
				{at: 10 * time.Minute, upstream: down, wantErr: unavailable, wantCalls: 4},
				{at: 10 * time.Minute, upstream: ok(`{"v":2}`), want: `{"v":2}`, wantCalls: 5},
			},
		},
		{
			name: "unknown customer is cached briefly",
			steps: []step{
				{at: 0, upstream: answer{status: 404, body: `{"message":"Not found"}`}, wantErr: noCustomer, wantCalls: 1},
				{at: 4 * time.Second, upstream: ok(`{"v":1}`), wantErr: noCustomer, wantCalls: 1},
				{at: 5 * time.Second, upstream: ok(`{"v":1}`), want: `{"v":1}`, wantCalls: 2},
			},
		},
		{
			name: "a 404 replaces an old answer instead of serving it stale",
			steps: []step{
				{at: 0, upstream: ok(`{"v":1}`), want: `{"v":1}`, wantCalls: 1},
				{at: time.Minute, upstream: answer{status: 404}, wantErr: noCustomer, wantCalls: 2},
				{at: 2 * time.Minute, upstream: down, wantErr: unavailable, wantCalls: 3},
			},
		},
		{
			name: "down with nothing cached",
			steps: []step{
				{upstream: down, wantErr: unavailable, wantCalls: 1},
				{upstream: down, wantErr: unavailable, wantCalls: 2},
			},
		},
		{
			name: "rate limited with nothing cached",
			steps: []step{
				{upstream: answer{status: 429, retryAfter: "9", body: `{"message":"Too Many Attempts."}`}, wantCalls: 1,
					wantErr: &apiErr{Code: apperr.UpstreamUnavailable, Message: "Partnero is rate limiting requests; try again later", RetryAfter: 9 * time.Second}},
			},
		},
		{
			name: "rejected request",
			steps: []step{
				{upstream: answer{status: 400, body: `{"message":"Bad"}`}, wantCalls: 1,
					wantErr: &apiErr{Code: apperr.BadGateway, Message: "Partnero rejected the request"}},
			},
		},
		{
			name: "no API key",
			steps: []step{
				{program: "nokey", upstream: ok(`1`), wantCalls: 0,
					wantErr: &apiErr{Code: apperr.UpstreamUnavailable, Message: "Partnero API key not configured"}},
				{program: "gone", upstream: ok(`1`), wantCalls: 0,
					wantErr: &apiErr{Code: apperr.UpstreamUnavailable, Message: "Partnero API key not configured"}},
			},
		},
		{
			name: "a key no customer can have is not looked up",
			steps: []step{
				{customer: "-", upstream: ok(`1`), want: `1`, wantCalls: 1},
				{customer: "bad\x00key", upstream: ok(`1`), wantErr: noCustomer, wantCalls: 1},
				{customer: strings.Repeat("k", 256), upstream: ok(`1`), wantErr: noCustomer, wantCalls: 1},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, f, now := newTestReader(t)
			for i, s := range tt.steps {
				*now = t0.Add(s.at)
				f.set(s.upstream)
				program, customer, read := s.program, s.customer, s.read
				if program == "" {
					program = "main"
				}
				if customer == "" {
					customer = "user_1"
				}
				call := map[string]func(context.Context, string, string) (json.RawMessage, error){
					"": r.Stats, "stats": r.Stats, "balance": r.Balance, "referrals": r.Referrals,
				}[read]
				got, err := call(t.Context(), program, customer)
				if diff := cmp.Diff(s.wantErr, asAPIErr(t, err)); diff != "" {
					t.Errorf("step %d: %s(%q, %q) error (-want +got):\n%s", i, read, program, customer, diff)
				}
				if string(got) != s.want {
					t.Errorf("step %d: %s(%q, %q) = %s; want %s", i, read, program, customer, got, s.want)
				}
				if n := f.callCount(); n != s.wantCalls {
					t.Errorf("step %d: %d upstream calls; want %d", i, n, s.wantCalls)
				}
				for _, k := range secrets {
					if err != nil && strings.Contains(err.Error(), k) {
						t.Errorf("step %d: error %q leaks an API key", i, err)
					}
				}
			}
		})
	}
}

func TestReaderCallsWithTheProgramsKey(t *testing.T) {
	r, f, _ := newTestReader(t)
	f.set(ok(`{}`))
	for _, call := range []func(context.Context, string, string) (json.RawMessage, error){r.Stats, r.Balance, r.Referrals} {
		if _, err := call(t.Context(), "raf", "u/1"); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{
		rafKey + " /v1/customers/u%2F1/stats",
		rafKey + " /v1/customers/u%2F1/balance",
		rafKey + " /v1/customers/u%2F1/referrals",
	}
	if diff := cmp.Diff(want, f.callList()); diff != "" {
		t.Errorf("upstream calls (-want +got):\n%s", diff)
	}
}

func TestReaderReturnsACopy(t *testing.T) {
	r, f, _ := newTestReader(t)
	f.set(ok(`{"v":1}`))
	first, err := r.Stats(t.Context(), "main", "u")
	if err != nil {
		t.Fatal(err)
	}
	copy(first, `XXXXXXX`)
	again, err := r.Stats(t.Context(), "main", "u")
	if err != nil || string(again) != `{"v":1}` {
		t.Errorf("Stats after the caller changed its copy = %s, %v; want {\"v\":1}", again, err)
	}
}

// TestReaderCollapsesConcurrentMisses holds Partnero's answer until every
// caller waits on the one call in flight, then checks that only one
// request went upstream and every caller got its answer. synctest.Wait
// says when every caller is blocked, so the fake Partnero is called in
// process: a goroutine blocked on a socket is never durably blocked.
func TestReaderCollapsesConcurrentMisses(t *testing.T) {
	const n = 20
	f := &fakePartnero{}
	f.set(ok(`{"clicks":7}`))
	client, err := partnero.New(partnero.Options{
		BaseURL:    "http://partnero.test",
		HTTPClient: &http.Client{Transport: handlerTransport{f}},
	})
	if err != nil {
		t.Fatal(err)
	}
	// Outside the bubble: the Reader's cache starts a janitor goroutine
	// that never ends, and a bubble waits for all of its goroutines.
	r := NewReader(client, simPrograms, ReaderOptions{Now: func() time.Time { return t0 }})
	synctest.Test(t, func(t *testing.T) {
		// Made in the bubble, so a request waiting on it is durably blocked.
		hold := make(chan struct{})
		f.hold = hold
		type result struct {
			data string
			err  error
		}
		results := make(chan result, n)
		for range n {
			go func() {
				data, err := r.Stats(context.Background(), "main", "user_1")
				results <- result{string(data), err}
			}()
		}
		synctest.Wait()
		if got := f.callCount(); got != 1 {
			t.Errorf("%d upstream calls while %d misses wait; want 1", got, n)
		}
		close(hold)
		for range n {
			res := <-results
			if res.err != nil || res.data != `{"clicks":7}` {
				t.Errorf("Stats = %s, %v; want {\"clicks\":7}", res.data, res.err)
			}
		}
		if got := f.callCount(); got != 1 {
			t.Errorf("%d upstream calls for %d concurrent misses; want 1", got, n)
		}
	})
}

// handlerTransport answers a client's requests with a handler, in the
// calling goroutine.
type handlerTransport struct{ h http.Handler }

func (tr handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	tr.h.ServeHTTP(rec, req)
	return rec.Result(), nil
}
