package server

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/deeplinkd/deeplinkd/internal/apperr"
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
		want errorAnswer
	}{
		{"plain error is internal", errors.New("dial tcp 10.0.0.1: secret-dsn"),
			errorAnswer{status: 500, code: "internal", message: "internal error"}},
		{"echo not found", echo.ErrNotFound,
			errorAnswer{status: 404, code: "not_found", message: "not found"}},
		{"echo 405 words replaced", echo.NewHTTPError(405, "echo's own words"),
			errorAnswer{status: 405, code: "invalid_request", message: "method not allowed"}},
		{"echo status without a code is internal", echo.NewHTTPError(418, "teapot"),
			errorAnswer{status: 500, code: "internal", message: "internal error"}},
		{"body too large", fmt.Errorf("read body: %w", &http.MaxBytesError{Limit: 10}),
			errorAnswer{status: 413, code: "payload_too_large", message: "request entity too large"}},
		{"body too slow", fmt.Errorf("read body: %w", os.ErrDeadlineExceeded),
			errorAnswer{status: 408, code: "invalid_request", message: "request timeout"}},
		{"conflict keeps its words", apperr.Field(apperr.Conflict, "customer.key", "customer exists"),
			errorAnswer{status: 409, code: "conflict", message: "customer exists", field: "customer.key"}},
		{"wrapped", fmt.Errorf("signup: %w", apperr.Field(apperr.Invalid, "customer.email", "bad email")),
			errorAnswer{status: 422, code: "invalid_request", message: "bad email", field: "customer.email"}},
		{"malformed", apperr.Field(apperr.Malformed, "limit", "limit must be a whole number"),
			errorAnswer{status: 400, code: "invalid_request", message: "limit must be a whole number", field: "limit"}},
		{"internal hides words", &apperr.Error{Code: apperr.Internal, Message: "password=hunter2", Field: "x"},
			errorAnswer{status: 500, code: "internal", message: "internal error"}},
		{"unknown code is internal", &apperr.Error{Code: "made_up", Message: "password=hunter2"},
			errorAnswer{status: 500, code: "internal", message: "internal error"}},
		{"upstream keeps words", apperr.New(apperr.UpstreamUnavailable, "Partnero is unavailable"),
			errorAnswer{status: 503, code: "upstream_unavailable", message: "Partnero is unavailable"}},
		{"bad gateway", apperr.New(apperr.BadGateway, "Partnero rejected the request"),
			errorAnswer{status: 502, code: "upstream_unavailable", message: "Partnero rejected the request"}},
		{"rate limited", &apperr.Error{Code: apperr.RateLimited, RetryAfter: time.Second},
			errorAnswer{status: 429, code: "rate_limited", message: "too many requests", retryAfter: time.Second}},
		{"unauthorized", apperr.New(apperr.Unauthorized, "unknown bearer token"),
			errorAnswer{status: 401, code: "unauthorized", message: "unknown bearer token"}},
		{"headers too large", apperr.New(apperr.HeadersTooLarge, ""),
			errorAnswer{status: 431, code: "invalid_request", message: "request header fields too large"}},
		{"unsupported media type", apperr.New(apperr.UnsupportedMediaType, "send JSON"),
			errorAnswer{status: 415, code: "invalid_request", message: "send JSON"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, classify(tt.err), cmp.AllowUnexported(errorAnswer{})); diff != "" {
				t.Errorf("classify(%v) mismatch (-want +got):\n%s", tt.err, diff)
			}
		})
	}
}

// TestErrorKindsCoverEveryCode: every code apperr defines has its answer,
// and no two codes share a status (codeOf maps a status back to one).
func TestErrorKindsCoverEveryCode(t *testing.T) {
	codes := []apperr.Code{apperr.Malformed, apperr.Invalid, apperr.Unauthorized, apperr.Forbidden,
		apperr.NotFound, apperr.MethodNotAllowed, apperr.Timeout, apperr.Conflict, apperr.PayloadTooLarge,
		apperr.UnsupportedMediaType, apperr.HeadersTooLarge, apperr.RateLimited, apperr.BadGateway,
		apperr.UpstreamUnavailable, apperr.Internal}
	if len(errorKinds) != len(codes) {
		t.Errorf("errorKinds has %d codes; want the %d apperr defines", len(errorKinds), len(codes))
	}
	wire := map[string]bool{"invalid_request": true, "unauthorized": true, "forbidden": true, "not_found": true,
		"conflict": true, "payload_too_large": true, "rate_limited": true, "upstream_unavailable": true, "internal": true}
	statuses := map[int]apperr.Code{}
	for _, c := range codes {
		k, ok := errorKinds[c]
		if !ok {
			t.Errorf("errorKinds lacks %q", c)
			continue
		}
		if !wire[k.code] {
			t.Errorf("%q answers code %q, which DESIGN.md section 4 does not list", c, k.code)
		}
		if other, dup := statuses[k.status]; dup {
			t.Errorf("%q and %q share status %d", c, other, k.status)
		}
		statuses[k.status] = c
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
