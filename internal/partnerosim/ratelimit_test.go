package partnerosim

import (
	"net/http"
	"testing"
	"time"
)

func TestRateLimit(t *testing.T) {
	type step struct {
		advance        time.Duration // before the request
		key            string
		wantStatus     int
		wantRemaining  string
		wantRetryAfter string
	}
	tests := []struct {
		name      string
		rate      int
		wantLimit string
		steps     []step
	}{
		{
			name:      "budget, 429, new window",
			rate:      3,
			wantLimit: "3",
			steps: []step{
				{0, affKey, http.StatusOK, "2", ""},
				{10 * time.Second, affKey, http.StatusOK, "1", ""},
				{0, affKey, http.StatusOK, "0", ""},
				{5 * time.Second, affKey, http.StatusTooManyRequests, "0", "45"},
				{0, affKey, http.StatusTooManyRequests, "0", "45"},
				// A 429 does not spend budget or move the window.
				{44*time.Second + 500*time.Millisecond, affKey, http.StatusTooManyRequests, "0", "1"},
				{500 * time.Millisecond, affKey, http.StatusOK, "2", ""},
			},
		},
		{
			name:      "keys are counted apart",
			rate:      1,
			wantLimit: "1",
			steps: []step{
				{0, affKey, http.StatusOK, "0", ""},
				{0, affKey, http.StatusTooManyRequests, "0", "60"},
				{0, rafKey, http.StatusOK, "0", ""},
				{0, rafKey, http.StatusTooManyRequests, "0", "60"},
			},
		},
		{
			name:      "default is 60",
			rate:      0,
			wantLimit: "60",
			steps: []step{
				{0, affKey, http.StatusOK, "59", ""},
			},
		},
		{
			name: "off",
			rate: -1,
			steps: []step{
				{0, affKey, http.StatusOK, "", ""},
				{0, affKey, http.StatusOK, "", ""},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, clk := newSim(t, func(o *Options) { o.RatePerMinute = tt.rate })
			for i, st := range tt.steps {
				clk.Advance(st.advance)
				rec := do(t, s, http.MethodGet, "/v1/partners", st.key, "")
				if rec.Code != st.wantStatus {
					t.Fatalf("step %d: GET /v1/partners = %d; want %d", i, rec.Code, st.wantStatus)
				}
				h := rec.Header()
				if got := h.Get("X-RateLimit-Remaining"); got != st.wantRemaining {
					t.Errorf("step %d: X-RateLimit-Remaining = %q; want %q", i, got, st.wantRemaining)
				}
				if got := h.Get("Retry-After"); got != st.wantRetryAfter {
					t.Errorf("step %d: Retry-After = %q; want %q", i, got, st.wantRetryAfter)
				}
				if got := h.Get("X-RateLimit-Limit"); got != tt.wantLimit {
					t.Errorf("step %d: X-RateLimit-Limit = %q; want %q", i, got, tt.wantLimit)
				}
				if st.wantStatus == http.StatusTooManyRequests {
					if got, want := rec.Body.String(), `{"message":"Too Many Attempts."}`+"\n"; got != want {
						t.Errorf("step %d: body = %q; want %q", i, got, want)
					}
					if h.Get("X-RateLimit-Reset") == "" {
						t.Errorf("step %d: X-RateLimit-Reset missing on a 429", i)
					}
				}
			}
		})
	}
}

func TestRateLimitSkipsUnauthenticated(t *testing.T) {
	s, _ := newSim(t, func(o *Options) { o.RatePerMinute = 1 })
	for range 3 {
		must(t, s, http.MethodGet, "/v1/partners", "sk_wrong", "", http.StatusUnauthorized)
	}
	must(t, s, http.MethodGet, "/v1/partners", affKey, "", http.StatusOK)
}
