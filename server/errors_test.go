package server

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/labstack/echo/v4"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// checkGolden compares got with testdata/NAME.golden, or rewrites it
// under -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("update %s: %v", path, err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden: %v (run go test -update)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("body differs from %s (-want +got):\n%s", path, diff)
	}
}

func newBodyRequest(method, target, body string) *http.Request {
	return httptest.NewRequest(method, target, strings.NewReader(body))
}

func serve(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want Error
	}{
		{"plain error is internal", errors.New("dial tcp 10.0.0.1: secret-dsn"),
			Error{Status: 500, Code: "internal", Message: "internal error"}},
		{"echo not found", echo.ErrNotFound,
			Error{Status: 404, Code: "not_found", Message: "not found"}},
		{"echo 405 words replaced", echo.NewHTTPError(405, "echo's own words"),
			Error{Status: 405, Code: "invalid_request", Message: "method not allowed"}},
		{"body too large", fmt.Errorf("read body: %w", &http.MaxBytesError{Limit: 10}),
			Error{Status: 413, Code: "payload_too_large", Message: "request entity too large"}},
		{"own error keeps its words", &Error{Status: 409, Message: "customer exists", Field: "customer.key"},
			Error{Status: 409, Code: "conflict", Message: "customer exists", Field: "customer.key"}},
		{"own wrapped", fmt.Errorf("signup: %w", &Error{Status: 422, Code: "invalid_request", Message: "bad email", Field: "customer.email"}),
			Error{Status: 422, Code: "invalid_request", Message: "bad email", Field: "customer.email"}},
		{"own internal hides words", &Error{Status: 500, Message: "password=hunter2", Field: "x"},
			Error{Status: 500, Code: "internal", Message: "internal error"}},
		{"own upstream keeps words", &Error{Status: 503, Message: "Partnero is unavailable"},
			Error{Status: 503, Code: "upstream_unavailable", Message: "Partnero is unavailable"}},
		{"rate limited", echo.NewHTTPError(429),
			Error{Status: 429, Code: "rate_limited", Message: "too many requests"}},
		{"unauthorized", echo.ErrUnauthorized,
			Error{Status: 401, Code: "unauthorized", Message: "unauthorized"}},
		{"own without status", &Error{Message: "oops"},
			Error{Status: 500, Code: "internal", Message: "internal error"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := classify(tt.err)
			got.Err = nil
			if diff := cmp.Diff(tt.want, *got); diff != "" {
				t.Errorf("classify(%v) mismatch (-want +got):\n%s", tt.err, diff)
			}
		})
	}
}

// TestErrorBodiesHideInternals routes handler errors and a panic through
// the whole router: the client sees the generic words, the log the detail.
func TestErrorBodiesHideInternals(t *testing.T) {
	tests := []struct {
		path   string
		golden string
		inLog  string
	}{
		{"/boom", "plain_500", "hunter2"},
		{"/api/v1/boom", "api_500", "hunter2"},
		{"/panic", "plain_500", "secret-detail in panic"},
		{"/api/v1/panic", "api_500", "secret-detail in panic"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			ts := newTestServer(t, Options{})
			ts.public.GET("/boom", func(c echo.Context) error { return errors.New("db password=hunter2") })
			ts.public.GET("/api/v1/boom", func(c echo.Context) error { return errors.New("db password=hunter2") })
			ts.public.GET("/panic", func(c echo.Context) error { panic("secret-detail in panic") })
			ts.public.GET("/api/v1/panic", func(c echo.Context) error { panic("secret-detail in panic") })

			rec := do(ts.Public(), http.MethodGet, "go.alpha.com", tt.path, http.Header{HeaderRequestID: {"rid-42"}})
			if rec.Code != http.StatusInternalServerError {
				t.Fatalf("GET %s = %d; want 500", tt.path, rec.Code)
			}
			checkGolden(t, tt.golden, rec.Body.Bytes())
			if strings.Contains(rec.Body.String(), tt.inLog) {
				t.Errorf("GET %s body leaks %q", tt.path, tt.inLog)
			}
			logs := ts.logs.String()
			if !strings.Contains(logs, tt.inLog) || !strings.Contains(logs, `"request_id":"rid-42"`) {
				t.Errorf("log lacks the detail %q with the request id:\n%s", tt.inLog, logs)
			}
			if strings.Contains(tt.path, "panic") && !strings.Contains(logs, `"msg":"panic"`) {
				t.Errorf("no panic log line:\n%s", logs)
			}
		})
	}
}

// TestClientGoneIsNoServerError: a handler that fails because the client
// closed the connection is logged and counted as 499, not as a 500.
func TestClientGoneIsNoServerError(t *testing.T) {
	ts := newTestServer(t, Options{})
	ts.public.GET("/api/v1/slow", func(c echo.Context) error { return fmt.Errorf("insert: %w", c.Request().Context().Err()) })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequest(http.MethodGet, "/api/v1/slow", nil).WithContext(ctx)
	req.Host = "go.alpha.com"
	rec := httptest.NewRecorder()
	ts.Public().ServeHTTP(rec, req)
	logs := ts.logs.String()
	if strings.Contains(logs, `"level":"ERROR"`) || !strings.Contains(logs, `"status":499`) {
		t.Errorf("log for a client gone away:\n%s", logs)
	}
	if got := testutil.ToFloat64(ts.metrics.requests.WithLabelValues("public", "/api/v1/slow", "GET", "499")); got != 1 {
		t.Errorf("requests{code=499} = %v; want 1", got)
	}
}
