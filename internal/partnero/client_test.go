package partnero

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const testKey = "pk_live_SECRET_0123456789"

func newTestClient(t *testing.T, h http.HandlerFunc) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := New(Options{BaseURL: srv.URL, Now: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		header     map[string]string
		body       string
		wantKind   Kind
		wantRetry  time.Duration
		wantFields map[string][]string
	}{
		{name: "500", status: 500, body: `{"message":"Server Error"}`, wantKind: Retryable},
		{name: "503 html", status: 503, body: `<html>down</html>`, wantKind: Retryable},
		{name: "408", status: 408, wantKind: Retryable},
		{name: "429 seconds", status: 429, header: map[string]string{"Retry-After": "7"}, body: `{"message":"Too Many Attempts."}`, wantKind: RateLimited, wantRetry: 7 * time.Second},
		{name: "429 date", status: 429, header: map[string]string{"Retry-After": "Fri, 02 Jan 2026 03:04:35 GMT"}, wantKind: RateLimited, wantRetry: 30 * time.Second},
		{name: "429 none", status: 429, wantKind: RateLimited},
		{name: "429 junk", status: 429, header: map[string]string{"Retry-After": "soon"}, wantKind: RateLimited},
		{name: "401 waits for a fixed key", status: 401, body: `{"message":"Unauthenticated."}`, wantKind: Retryable},
		{name: "302 waits for a fixed URL", status: 302, header: map[string]string{"Location": "https://elsewhere/"}, wantKind: Retryable},
		{name: "404", status: 404, body: `{"message":"Not found"}`, wantKind: NotFound},
		{name: "409", status: 409, wantKind: Duplicate},
		{name: "422 duplicate", status: 422, body: `{"message":"The given data was invalid.","errors":{"key":["The key has already been taken."]}}`, wantKind: Duplicate,
			wantFields: map[string][]string{"key": {"The key has already been taken."}}},
		{name: "422 unknown partner", status: 422, body: `{"message":"The given data was invalid.","errors":{"partner.key":["The selected partner.key is invalid."]}}`, wantKind: Permanent,
			wantFields: map[string][]string{"partner.key": {"The selected partner.key is invalid."}}},
		{name: "400", status: 400, body: `{"message":"Bad"}`, wantKind: Permanent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			})
			err := c.CreateCustomer(context.Background(), testKey, Customer{Key: "u1"})
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("CreateCustomer = %v; want *Error", err)
			}
			if pe.Kind != tt.wantKind || pe.RetryAfter != tt.wantRetry {
				t.Errorf("kind, retry = %v, %v; want %v, %v", pe.Kind, pe.RetryAfter, tt.wantKind, tt.wantRetry)
			}
			if diff := cmp.Diff(tt.wantFields, pe.Fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			if KindOf(err) != tt.wantKind {
				t.Errorf("KindOf = %v; want %v", KindOf(err), tt.wantKind)
			}
			if strings.Contains(err.Error(), testKey) {
				t.Errorf("error %q leaks the API key", err)
			}
		})
	}
}

func TestNetworkErrorIsRetryable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	c, err := New(Options{BaseURL: "http://" + addr})
	if err != nil {
		t.Fatal(err)
	}
	err = c.CreateTransaction(context.Background(), testKey, Transaction{Key: "t1", Amount: "1"})
	if KindOf(err) != Retryable {
		t.Fatalf("CreateTransaction to a closed port = %v; want retryable", err)
	}
	if strings.Contains(err.Error(), testKey) {
		t.Errorf("error %q leaks the API key", err)
	}
}

func TestRequests(t *testing.T) {
	type seen struct {
		Method, Path, Auth, ContentType, Body string
	}
	tests := []struct {
		name string
		call func(*Client) error
		want seen
	}{
		{
			name: "affiliate signup",
			call: func(c *Client) error {
				cu := Customer{Key: "user_1", Email: "a@b.c", Name: "Ann"}
				cu.AttributeTo(Affiliate, "PARTNER1")
				return c.CreateCustomer(context.Background(), testKey, cu)
			},
			want: seen{"POST", "/v1/customers", "Bearer " + testKey, "application/json",
				`{"key":"user_1","email":"a@b.c","name":"Ann","partner":{"key":"PARTNER1"}}`},
		},
		{
			name: "refer-a-friend signup",
			call: func(c *Client) error {
				cu := Customer{Key: "user_2"}
				cu.AttributeTo(ReferAFriend, "REFERRER")
				return c.CreateCustomer(context.Background(), testKey, cu)
			},
			want: seen{"POST", "/v1/customers", "Bearer " + testKey, "application/json",
				`{"key":"user_2","referring_customer":{"key":"REFERRER"}}`},
		},
		{
			name: "unattributed signup",
			call: func(c *Client) error {
				cu := Customer{Key: "user_3"}
				cu.AttributeTo(Affiliate, "")
				return c.CreateCustomer(context.Background(), testKey, cu)
			},
			want: seen{"POST", "/v1/customers", "Bearer " + testKey, "application/json", `{"key":"user_3"}`},
		},
		{
			name: "purchase keeps the exact decimal",
			call: func(c *Client) error {
				return c.CreateTransaction(context.Background(), testKey, Transaction{Key: "txn_1", Amount: "49.99", ProductID: "pro", Customer: Ref{Key: "user_1"}})
			},
			want: seen{"POST", "/v1/transactions", "Bearer " + testKey, "application/json",
				`{"key":"txn_1","amount":49.99,"action":"sale","product_id":"pro","customer":{"key":"user_1"}}`},
		},
		{
			name: "refund escapes the key",
			call: func(c *Client) error { return c.DeleteTransaction(context.Background(), testKey, "txn/1 x") },
			want: seen{"DELETE", "/v1/transactions/txn%2F1%20x", "Bearer " + testKey, "", ""},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got seen
			c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				got = seen{r.Method, r.URL.EscapedPath(), r.Header.Get("Authorization"), r.Header.Get("Content-Type"), string(b)}
				io.WriteString(w, `{"data":{},"status":1}`)
			})
			if err := tt.call(c); err != nil {
				t.Fatalf("call: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("request (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCustomerDataAcceptsBothShapes(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"wrapped", `{"data":{"balance":25.0,"currency":"USD"},"status":1}`, `{"balance":25.0,"currency":"USD"}`},
		{"bare", `{"balance":25.0,"currency":"USD"}`, `{"balance":25.0,"currency":"USD"}`},
		{"list", `{"data":[{"balance":1,"currency":"EUR"}]}`, `[{"balance":1,"currency":"EUR"}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/v1/customers/user_1/balance" {
					t.Errorf("path = %q", r.URL.Path)
				}
				io.WriteString(w, tt.body)
			})
			got, err := c.CustomerBalance(context.Background(), testKey, "user_1")
			if err != nil {
				t.Fatal(err)
			}
			if !json.Valid(got) || string(got) != tt.want {
				t.Errorf("CustomerBalance = %s; want %s", got, tt.want)
			}
		})
	}
}

func TestBaseURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://api.partnero.com", "https://api.partnero.com/v1"},
		{"https://api.partnero.com/", "https://api.partnero.com/v1"},
		{"https://api.partnero.com/v1", "https://api.partnero.com/v1"},
		{"http://127.0.0.1:8099/v1/", "http://127.0.0.1:8099/v1"},
		{"http://127.0.0.1:8099/prefix", "http://127.0.0.1:8099/prefix/v1"},
	}
	for _, tt := range tests {
		c, err := New(Options{BaseURL: tt.in})
		if err != nil {
			t.Fatalf("New(%q): %v", tt.in, err)
		}
		if got := c.base.String(); got != tt.want {
			t.Errorf("New(%q).base = %q; want %q", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{"", "api.partnero.com", "://x"} {
		if _, err := New(Options{BaseURL: bad}); err == nil {
			t.Errorf("New(%q) = nil error; want one", bad)
		}
	}
}
