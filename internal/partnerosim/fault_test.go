package partnerosim

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestFaultStatuses(t *testing.T) {
	tests := []struct {
		name           string
		fault          Fault
		want           []int // statuses of consecutive sign-ups
		wantBody       string
		wantRetryAfter string
	}{
		{"5xx twice, then recovery", Fault{Mode: Fault5xx, Status: 503, Count: 2},
			[]int{503, 503, 201, 201}, `{"message":"Service Unavailable"}`, ""},
		{"500 by default", Fault{Mode: Fault5xx, Count: 1},
			[]int{500, 201}, `{"message":"Server Error"}`, ""},
		{"502", Fault{Mode: Fault5xx, Status: 502, Count: 1},
			[]int{502, 201}, `{"message":"Bad Gateway"}`, ""},
		{"429 storm until cleared", Fault{Mode: Fault429, RetryAfter: 7},
			[]int{429, 429, 429, 429, 429}, `{"message":"Too Many Attempts."}`, "7"},
		{"429 once, default Retry-After", Fault{Mode: Fault429, Count: 1},
			[]int{429, 201}, `{"message":"Too Many Attempts."}`, "60"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newSim(t, nil)
			if err := s.SetFault(tt.fault); err != nil {
				t.Fatalf("SetFault(%+v) = %v", tt.fault, err)
			}
			for i, want := range tt.want {
				body := fmt.Sprintf(`{"key":"u%d"}`, i)
				rec := do(t, s, http.MethodPost, "/v1/customers", affKey, body)
				if rec.Code != want {
					t.Fatalf("request %d = %d; want %d", i, rec.Code, want)
				}
				if want == http.StatusCreated {
					continue
				}
				if got := strings.TrimSpace(rec.Body.String()); got != tt.wantBody {
					t.Errorf("request %d body = %s; want %s", i, got, tt.wantBody)
				}
				if got := rec.Header().Get("Retry-After"); got != tt.wantRetryAfter {
					t.Errorf("request %d Retry-After = %q; want %q", i, got, tt.wantRetryAfter)
				}
				if got := s.Requests()[i]; got.Fault != string(tt.fault.Mode) || got.Status != want {
					t.Errorf("recorded request %d = fault %q status %d; want %q %d", i, got.Fault, got.Status, tt.fault.Mode, want)
				}
			}
			if tt.fault.Count == 0 {
				s.ClearFault()
				must(t, s, http.MethodPost, "/v1/customers", affKey, `{"key":"after"}`, http.StatusCreated)
			}
			// Faulted requests created nothing.
			created := 0
			for _, w := range tt.want {
				if w == http.StatusCreated {
					created++
				}
			}
			if tt.fault.Count == 0 {
				created++
			}
			if got := len(s.Customers("aff")); got != created {
				t.Errorf("len(Customers) = %d; want %d", got, created)
			}
			if got := s.CurrentFault(); got != (Fault{}) {
				t.Errorf("CurrentFault() = %+v after the fault ran out; want none", got)
			}
		})
	}
}

func TestFaultBeforeAuth(t *testing.T) {
	s, _ := newSim(t, nil)
	if err := s.SetFault(Fault{Mode: Fault5xx, Status: 503}); err != nil {
		t.Fatal(err)
	}
	// A broken upstream answers everyone the same, key or not.
	must(t, s, http.MethodGet, "/v1/partners", "", "", http.StatusServiceUnavailable)
	// The control API is never faulted.
	must(t, s, http.MethodGet, "/_sim/state", "", "", http.StatusOK)
}

func TestFaultDown(t *testing.T) {
	s, _ := newSim(t, nil)
	srv := httptest.NewServer(s)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

	if err := s.SetFault(Fault{Mode: FaultDown}); err != nil {
		t.Fatal(err)
	}
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		req, _ := http.NewRequest(method, srv.URL+"/v1/customers", strings.NewReader(`{"key":"u1"}`))
		req.Header.Set("Authorization", "Bearer "+affKey)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("%s with fault down: status %d, error nil; want a network error", method, resp.StatusCode)
		}
		if uerr, ok := errors.AsType[interface {
			error
			Timeout() bool
		}](err); ok && uerr.Timeout() {
			t.Errorf("%s with fault down: %v is a timeout; want the connection closed", method, err)
		}
	}
	if got := len(s.Customers("aff")); got != 0 {
		t.Errorf("len(Customers) = %d while down; want 0", got)
	}
	for _, r := range s.Requests() {
		if r.Fault != "down" || r.Status != 0 {
			t.Errorf("recorded %s %s = fault %q status %d; want down, 0", r.Method, r.Path, r.Fault, r.Status)
		}
	}

	s.ClearFault()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/customers", strings.NewReader(`{"key":"u1"}`))
	req.Header.Set("Authorization", "Bearer "+affKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("after ClearFault: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("after ClearFault: status %d; want 201", resp.StatusCode)
	}
}

// TestFaultDownWithoutHijack covers writers that cannot give up their
// connection: the handler aborts the way net/http understands.
func TestFaultDownWithoutHijack(t *testing.T) {
	s, _ := newSim(t, nil)
	if err := s.SetFault(Fault{Mode: FaultDown, Count: 1}); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if got := recover(); got != http.ErrAbortHandler {
			t.Errorf("ServeHTTP on a recorder with fault down panicked with %v; want http.ErrAbortHandler", got)
		}
	}()
	do(t, s, http.MethodGet, "/v1/partners", affKey, "")
}

func TestFaultSlow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{Keys: map[string]string{affKey: "aff"}})
		if err := s.SetFault(Fault{Mode: FaultSlow, Delay: 5 * time.Second, Count: 1}); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		rec := httptest.NewRecorder()
		done := make(chan struct{})
		go func() {
			defer close(done)
			req := httptest.NewRequest(http.MethodPost, "/v1/customers", strings.NewReader(`{"key":"u1"}`))
			req.Header.Set("Authorization", "Bearer "+affKey)
			req.Header.Set("Content-Type", "application/json")
			s.ServeHTTP(rec, req)
		}()
		synctest.Wait()
		select {
		case <-done:
			t.Fatal("slow request answered before its delay")
		default:
		}
		time.Sleep(5 * time.Second)
		synctest.Wait()
		select {
		case <-done:
		default:
			t.Fatal("slow request not answered after its delay")
		}
		if rec.Code != http.StatusCreated {
			t.Errorf("slow request = %d; want 201", rec.Code)
		}
		if got := time.Since(start); got != 5*time.Second {
			t.Errorf("slow request took %v; want 5s", got)
		}
		// Count 1: the next request is prompt.
		must(t, s, http.MethodGet, "/v1/customers/u1", affKey, "", http.StatusOK)
		if got := time.Since(start); got != 5*time.Second {
			t.Errorf("second request finished at %v; want no delay", got)
		}
	})
}

func TestFaultSlowClientGivesUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{Keys: map[string]string{affKey: "aff"}})
		if err := s.SetFault(Fault{Mode: FaultSlow, Delay: time.Hour}); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()
		rec := httptest.NewRecorder()
		req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/v1/customers", strings.NewReader(`{"key":"u1"}`))
		req.Header.Set("Authorization", "Bearer "+affKey)
		req.Header.Set("Content-Type", "application/json")
		start := time.Now()
		s.ServeHTTP(rec, req)
		if got := time.Since(start); got != 2*time.Second {
			t.Errorf("ServeHTTP returned after %v; want at the 2s deadline", got)
		}
		if rec.Body.Len() != 0 {
			t.Errorf("body = %q; want nothing for a client that left", rec.Body)
		}
		if got := len(s.Customers("aff")); got != 0 {
			t.Errorf("len(Customers) = %d; want 0: the request never ran", got)
		}
		want := []Request{{Time: start.UTC(), Method: "POST", Path: "/v1/customers", Program: "aff",
			Body: `{"key":"u1"}`, Status: 0, Fault: "slow"}}
		if diff := cmp.Diff(want, s.Requests()); diff != "" {
			t.Errorf("Requests() (-want +got):\n%s", diff)
		}
	})
}

func TestSetFault(t *testing.T) {
	tests := []struct {
		name    string
		in      Fault
		want    Fault
		wantErr bool
	}{
		{"clear", Fault{Mode: FaultNone, Count: 3}, Fault{}, false},
		{"down", Fault{Mode: FaultDown, Count: 2}, Fault{Mode: FaultDown, Count: 2}, false},
		{"slow default delay", Fault{Mode: FaultSlow}, Fault{Mode: FaultSlow, Delay: DefaultSlowDelay}, false},
		{"5xx default status", Fault{Mode: Fault5xx}, Fault{Mode: Fault5xx, Status: 500}, false},
		{"429 default retry", Fault{Mode: Fault429}, Fault{Mode: Fault429, RetryAfter: DefaultFaultRetry}, false},
		{"unknown mode", Fault{Mode: "flaky"}, Fault{}, true},
		{"negative count", Fault{Mode: FaultDown, Count: -1}, Fault{}, true},
		{"negative delay", Fault{Mode: FaultSlow, Delay: -time.Second}, Fault{}, true},
		{"4xx as 5xx", Fault{Mode: Fault5xx, Status: 404}, Fault{}, true},
		{"negative retry", Fault{Mode: Fault429, RetryAfter: -1}, Fault{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newSim(t, nil)
			err := s.SetFault(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("SetFault(%+v) = %v; want error %v", tt.in, err, tt.wantErr)
			}
			if got := s.CurrentFault(); got != tt.want {
				t.Errorf("CurrentFault() after SetFault(%+v) = %+v; want %+v", tt.in, got, tt.want)
			}
		})
	}
}
