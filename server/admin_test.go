package server

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestAdminRoutes(t *testing.T) {
	ts := newTestServer(t, Options{Version: "1.2.3", Commit: "abc1234"})
	tests := []struct {
		name, method, path string
		wantStatus         int
		wantBody           string // exact; "" to skip
	}{
		{"healthz", "GET", "/healthz", 200, "ok"},
		{"healthz head", "HEAD", "/healthz", 200, ""},
		{"readyz", "GET", "/readyz", 200, "ready"},
		{"metrics", "GET", "/metrics", 200, ""},
		{"no aasa on admin", "GET", pathAASA, 404, "not found\n"},
		{"no assetlinks on admin", "GET", pathLinks, 404, "not found\n"},
		{"post healthz", "POST", "/healthz", 405, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The admin listener is not host routed: a configured host
			// changes nothing there.
			rec := do(ts.Admin(), tt.method, "go.alpha.com", tt.path, nil)
			if rec.Code != tt.wantStatus {
				t.Fatalf("%s %s = %d; want %d", tt.method, tt.path, rec.Code, tt.wantStatus)
			}
			if tt.wantBody != "" && rec.Body.String() != tt.wantBody {
				t.Errorf("%s %s body = %q; want %q", tt.method, tt.path, rec.Body.String(), tt.wantBody)
			}
		})
	}
}

func TestAdminMetricsContent(t *testing.T) {
	ts := newTestServer(t, Options{Version: "1.2.3", Commit: "abc1234"})
	do(ts.Public(), "GET", "go.alpha.com", pathAASA, nil)
	text := scrape(t, ts.Admin())
	for _, want := range []string{
		`deeplinkd_build_info{commit="abc1234",goversion="` + runtime.Version() + `",version="1.2.3"} 1`,
		`deeplinkd_config_reloads_total{result="failure"} 0`,
		`deeplinkd_config_reloads_total{result="success"} 0`,
		"deeplinkd_config_last_reload_success_timestamp_seconds ",
		"go_goroutines ",
		`deeplinkd_http_requests_total{code="200",listener="public",method="GET",route="/.well-known/apple-app-site-association"} 1`,
		`deeplinkd_http_request_duration_seconds_bucket{listener="public",method="GET",route="/.well-known/apple-app-site-association",le="+Inf"} 1`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if runtime.GOOS == "linux" && !strings.Contains(text, "process_cpu_seconds_total") {
		t.Errorf("metrics lack the process collector")
	}
}

func TestObserveReload(t *testing.T) {
	clock := time.Unix(1_700_000_000, 0)
	ts := newTestServer(t, Options{Now: func() time.Time { return clock }})
	if got := testutil.ToFloat64(ts.metrics.lastReload); got != 1_700_000_000 {
		t.Errorf("last reload at start = %v; want the start time", got)
	}
	clock = clock.Add(time.Minute)
	ts.ObserveReload(false)
	if got := testutil.ToFloat64(ts.metrics.lastReload); got != 1_700_000_000 {
		t.Errorf("last reload after a failure = %v; want unchanged", got)
	}
	ts.ObserveReload(true)
	ts.ObserveReload(true)
	if got := testutil.ToFloat64(ts.metrics.lastReload); got != 1_700_000_060 {
		t.Errorf("last reload after success = %v; want %v", got, 1_700_000_060)
	}
	for result, want := range map[string]float64{"success": 2, "failure": 1} {
		if got := testutil.ToFloat64(ts.metrics.reloads.WithLabelValues(result)); got != want {
			t.Errorf("reloads{result=%q} = %v; want %v", result, got, want)
		}
	}
}

func TestReadyz(t *testing.T) {
	errStore := errors.New("store unreachable")
	tests := []struct {
		name       string
		ready      func(context.Context) error
		noSnapshot bool
		draining   bool
		wantStatus int
		wantBody   string
	}{
		{"no check", nil, false, false, 200, "ready"},
		{"check passes", func(context.Context) error { return nil }, false, false, 200, "ready"},
		{"check fails", func(context.Context) error { return errStore }, false, false, 503, "not ready: store unreachable"},
		{"no config", nil, true, false, 503, "not ready: no config loaded"},
		{"draining", nil, false, true, 503, "not ready: shutting down"},
		{"check bounded", func(ctx context.Context) error {
			if _, ok := ctx.Deadline(); !ok {
				return errors.New("no deadline")
			}
			return nil
		}, false, false, 200, "ready"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s *Server
			if tt.noSnapshot {
				s = newServer(Options{Ready: tt.ready}, nil)
			} else {
				s = newTestServer(t, Options{Ready: tt.ready}).Server
			}
			s.draining.Store(tt.draining)
			rec := do(s.Admin(), http.MethodGet, "localhost", "/readyz", nil)
			if rec.Code != tt.wantStatus || rec.Body.String() != tt.wantBody {
				t.Errorf("GET /readyz = %d %q; want %d %q", rec.Code, rec.Body.String(), tt.wantStatus, tt.wantBody)
			}
		})
	}
}

func TestSharedRegistry(t *testing.T) {
	// Two servers on one registry (a test harness, say) must not panic and
	// must count into the same series.
	a := newTestServer(t, Options{})
	b := newServer(Options{Registry: a.reg}, mustSnapshot(t, nil, siteA()))
	do(a.Public(), "GET", "go.alpha.com", pathAASA, nil)
	do(b.Public(), "GET", "go.alpha.com", pathAASA, nil)
	if got := testutil.ToFloat64(a.metrics.requests.WithLabelValues("public", pathAASA, "GET", "200")); got != 2 {
		t.Errorf("shared counter = %v; want 2", got)
	}
}
