package partnerosim

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// goldenHeaders are the response headers the golden files pin.
var goldenHeaders = []string{"Allow", "Content-Type", "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"}

// TestGolden pins the exact bytes of representative answers, the wire
// format clients are written against. Run with -update to rewrite.
func TestGolden(t *testing.T) {
	type req struct{ method, target, key, body string }
	customer := req{http.MethodPost, "/v1/customers", affKey, `{"key":"user_123","email":"ann@example.com","name":"Ann","surname":"Lee","partner":{"key":"P1"}}`}
	tests := []struct {
		name  string
		rate  int
		fault Fault
		setup []req
		req   req
	}{
		{name: "customer_created", req: customer},
		{name: "customer_invalid", req: req{http.MethodPost, "/v1/customers", affKey, `{"email":"x","partner":{"key":"NOPE"},"referring_customer":{"key":"r"}}`}},
		{name: "customer_duplicate", setup: []req{customer}, req: customer},
		{name: "customer_get", setup: []req{customer}, req: req{http.MethodGet, "/v1/customers/user_123", affKey, ""}},
		{name: "customer_list", setup: []req{customer}, req: req{http.MethodGet, "/v1/customers?limit=5", affKey, ""}},
		{name: "unauthenticated", req: req{http.MethodGet, "/v1/customers/user_123", "", ""}},
		{name: "not_found", req: req{http.MethodGet, "/v1/customers/nobody", affKey, ""}},
		{name: "method_not_allowed", req: req{http.MethodDelete, "/v1/customers", affKey, ""}},
		{name: "malformed_json", req: req{http.MethodPost, "/v1/customers", affKey, `{"key":`}},
		{name: "transaction_created", setup: []req{customer},
			req: req{http.MethodPost, "/v1/transactions", affKey, `{"key":"txn_789","amount":49.99,"action":"sale","product_id":"pro_plan","product_type":"subscription","customer":{"key":"user_123"}}`}},
		{name: "transaction_unknown_customer",
			req: req{http.MethodPost, "/v1/transactions", affKey, `{"key":"txn_789","amount":"49.99","customer":{"key":"user_123"}}`}},
		{name: "transaction_deleted", setup: []req{customer, {http.MethodPost, "/v1/transactions", affKey, `{"key":"t1","amount":10.5,"customer":{"key":"user_123"}}`}},
			req: req{http.MethodDelete, "/v1/transactions/t1", affKey, ""}},
		{name: "stats", setup: []req{{http.MethodPost, "/v1/customers", rafKey, `{"key":"f1","referring_customer":{"key":"ref_1"}}`}},
			req: req{http.MethodGet, "/v1/customers/ref_1/stats", rafKey, ""}},
		{name: "balance", setup: []req{{http.MethodPost, "/v1/customers/ref_1/balance/credit", rafKey, `{"amount":25.0}`}},
			req: req{http.MethodGet, "/v1/customers/ref_1/balance", rafKey, ""}},
		{name: "referrals", setup: []req{{http.MethodPost, "/v1/customers", rafKey, `{"key":"user_456","name":"Bob","referring_customer":{"key":"ref_1"}}`}},
			req: req{http.MethodGet, "/v1/customers/ref_1/referrals", rafKey, ""}},
		{name: "partner_created", req: req{http.MethodPost, "/v1/partners", affKey, `{"email":"pat@example.com","name":"Pat"}`}},
		{name: "rate_limited", rate: 1, setup: []req{{http.MethodGet, "/v1/partners", affKey, ""}}, req: req{http.MethodGet, "/v1/partners", affKey, ""}},
		{name: "fault_503", fault: Fault{Mode: Fault5xx, Status: 503}, req: customer},
		{name: "fault_429", fault: Fault{Mode: Fault429, RetryAfter: 30}, req: customer},
		{name: "sim_requests", setup: []req{customer}, req: req{http.MethodGet, "/_sim/requests", "", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newSim(t, func(o *Options) { o.RatePerMinute = tt.rate })
			for _, r := range tt.setup {
				do(t, s, r.method, r.target, r.key, r.body)
			}
			if err := s.SetFault(tt.fault); err != nil {
				t.Fatal(err)
			}
			rec := do(t, s, tt.req.method, tt.req.target, tt.req.key, tt.req.body)
			var b strings.Builder
			fmt.Fprintf(&b, "HTTP %d\n", rec.Code)
			for _, h := range goldenHeaders {
				if v := rec.Header().Get(h); v != "" {
					fmt.Fprintf(&b, "%s: %s\n", h, v)
				}
			}
			b.WriteString("\n")
			b.Write(rec.Body.Bytes())
			got := b.String()

			path := filepath.Join("testdata", tt.name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden (run with -update to create): %v", err)
			}
			if got != string(want) {
				t.Errorf("%s %s =\n%s\nwant (%s)\n%s", tt.req.method, tt.req.target, got, path, want)
			}
		})
	}
}
