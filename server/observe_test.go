package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// accessLines parses the "request" lines of a JSON log.
func accessLines(t *testing.T, logs string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(logs), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		if m["msg"] == "request" {
			delete(m, "time")
			lines = append(lines, m)
		}
	}
	return lines
}

func TestAccessLog(t *testing.T) {
	secrets := []string{"SECRETKEY", "ann@example.com", "tok-123", "/KEYPATH", "evil.example"}
	tests := []struct {
		name, method, host, target string
		want                       map[string]any
	}{
		{
			name: "well-known with query and auth", method: "GET", host: "GO.alpha.com:8080",
			target: pathAASA + "?ref=SECRETKEY&email=ann@example.com",
			want: map[string]any{"level": "INFO", "msg": "request", "listener": "public", "method": "GET",
				"route": pathAASA, "status": 200.0, "bytes": float64(len(aasaA)), "host": "go.alpha.com", "request_id": "rid-1"},
		},
		{
			name: "alias logs the alias", method: "HEAD", host: "open.alpha.com", target: pathLinks,
			want: map[string]any{"level": "INFO", "msg": "request", "listener": "public", "method": "HEAD",
				"route": pathLinks, "status": 200.0, "bytes": 0.0, "host": "open.alpha.com", "request_id": "rid-1"},
		},
		{
			name: "unmatched path is not logged raw", method: "GET", host: "go.alpha.com", target: "/KEYPATH?ref=SECRETKEY",
			want: map[string]any{"level": "INFO", "msg": "request", "listener": "public", "method": "GET",
				"route": "/*", "status": 404.0, "bytes": float64(len("not found\n")), "host": "go.alpha.com", "request_id": "rid-1"},
		},
		{
			name: "unknown host is not logged", method: "GET", host: "evil.example", target: pathAASA,
			want: map[string]any{"level": "INFO", "msg": "request", "listener": "public", "method": "GET",
				"route": pathAASA, "status": 404.0, "bytes": float64(len("unknown host\n")), "host": "unknown", "request_id": "rid-1"},
		},
		{
			name: "odd method bounded", method: "BREW", host: "go.alpha.com", target: pathAASA,
			want: map[string]any{"level": "INFO", "msg": "request", "listener": "public", "method": "other",
				"route": pathAASA, "status": 405.0, "bytes": float64(len("method not allowed\n")), "host": "go.alpha.com", "request_id": "rid-1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, Options{})
			do(ts.Public(), tt.method, tt.host, tt.target, http.Header{
				"Authorization":   {"Bearer tok-123"},
				HeaderRequestID:   {"rid-1"},
				"X-Forwarded-For": {"ann@example.com"},
			})
			logs := ts.logs.String()
			lines := accessLines(t, logs)
			if len(lines) != 1 {
				t.Fatalf("got %d access lines; want 1:\n%s", len(lines), logs)
			}
			if _, ok := lines[0]["duration"].(float64); !ok {
				t.Errorf("duration missing or not a number: %v", lines[0]["duration"])
			}
			if diff := cmp.Diff(tt.want, lines[0], cmpopts.IgnoreMapEntries(func(k string, _ any) bool { return k == "duration" })); diff != "" {
				t.Errorf("access line mismatch (-want +got):\n%s", diff)
			}
			for _, s := range secrets {
				if strings.Contains(logs, s) {
					t.Errorf("log contains %q:\n%s", s, logs)
				}
			}
		})
	}
}

// TestAccessLogDuration measures with the injected clock, so the logged
// duration is exactly what the clock says.
func TestAccessLogDuration(t *testing.T) {
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	calls := 0
	now := func() time.Time {
		calls++
		return base.Add(time.Duration(calls) * 250 * time.Millisecond)
	}
	ts := newTestServer(t, Options{Now: now})
	do(ts.Public(), http.MethodGet, "go.alpha.com", pathAASA, nil)
	lines := accessLines(t, ts.logs.String())
	if len(lines) != 1 {
		t.Fatalf("got %d access lines; want 1", len(lines))
	}
	if got, want := lines[0]["duration"], float64(250*time.Millisecond); got != want {
		t.Errorf("duration = %v; want %v", got, want)
	}
}

func TestRequestMetrics(t *testing.T) {
	ts := newTestServer(t, Options{})
	do(ts.Public(), "GET", "go.alpha.com", pathAASA, nil)
	do(ts.Public(), "GET", "open.alpha.com", pathAASA, nil)
	do(ts.Public(), "GET", "links.beta.org", pathAASA, http.Header{"If-None-Match": {`"aasa-beta"`}})
	do(ts.Public(), "GET", "go.alpha.com", "/SOMEKEY", nil)
	do(ts.Public(), "BREW", "go.alpha.com", pathAASA, nil)
	do(ts.Admin(), "GET", "localhost", "/healthz", nil)

	tests := []struct {
		labels []string
		want   float64
	}{
		{[]string{"public", pathAASA, "GET", "200"}, 2},
		{[]string{"public", pathAASA, "GET", "304"}, 1},
		// The resolver's catch-all matches; siteA serves no links, so 404.
		{[]string{"public", "/*", "GET", "404"}, 1},
		{[]string{"public", pathAASA, "other", "405"}, 1},
		{[]string{"admin", "/healthz", "GET", "200"}, 1},
	}
	for _, tt := range tests {
		if got := testutil.ToFloat64(ts.metrics.requests.WithLabelValues(tt.labels...)); got != tt.want {
			t.Errorf("deeplinkd_http_requests_total%v = %v; want %v", tt.labels, got, tt.want)
		}
	}
	if got, want := testutil.CollectAndCount(ts.metrics.duration), 4; got != want {
		t.Errorf("duration series = %d; want %d", got, want)
	}
	// No label anywhere may carry a host, a path or a key.
	text := scrape(t, ts.Admin())
	for _, s := range []string{"go.alpha.com", "open.alpha.com", "links.beta.org", "SOMEKEY", "BREW"} {
		if strings.Contains(text, s) {
			t.Errorf("metrics contain %q", s)
		}
	}
}

func scrape(t *testing.T, admin http.Handler) string {
	t.Helper()
	rec := do(admin, http.MethodGet, "localhost", "/metrics", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics = %d", rec.Code)
	}
	return rec.Body.String()
}
