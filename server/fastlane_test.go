package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/google/go-cmp/cmp"
)

// TestFastLaneMatchesEcho sends the same requests through the fast lane
// (Public) and straight to the echo routes, and requires the same answer:
// status, body and every header but the request id, which is fresh each
// time unless the client sent one.
func TestFastLaneMatchesEcho(t *testing.T) {
	ts := newTestServer(t, Options{})
	tests := []struct {
		name, method, host, path string
		header                   http.Header
	}{
		{"aasa", http.MethodGet, "go.alpha.com", pathAASAWellKnown, nil},
		{"root aasa", http.MethodGet, "GO.ALPHA.COM:443", pathAASARoot, nil},
		{"assetlinks alias", http.MethodGet, "open.alpha.com", pathAssetLinks, nil},
		{"head", http.MethodHead, "links.beta.org", pathAASAWellKnown, nil},
		{"304", http.MethodGet, "go.alpha.com", pathAASAWellKnown, http.Header{"If-None-Match": {`W/"aasa-alpha"`}}},
		{"etag list miss", http.MethodGet, "go.alpha.com", pathAASAWellKnown, http.Header{"If-None-Match": {`"x", "y"`}}},
		{"request id kept", http.MethodGet, "go.alpha.com", pathAASAWellKnown, http.Header{HeaderRequestID: {"abc-123"}}},
		{"unknown host", http.MethodGet, "evil.example", pathAASAWellKnown, nil},
		{"post", http.MethodPost, "go.alpha.com", pathAASAWellKnown, nil},
		{"escaped path", http.MethodGet, "go.alpha.com", "/%2Ewell-known/apple-app-site-association", nil},
		{"trailing slash", http.MethodGet, "go.alpha.com", pathAASAWellKnown + "/", nil},
		{"huge header", http.MethodGet, "go.alpha.com", pathAASAWellKnown, http.Header{"X-Big": {string(make([]byte, 20<<10))}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fast := do(ts.Public(), tt.method, tt.host, tt.path, tt.header)
			slow := do(ts.public, tt.method, tt.host, tt.path, tt.header)
			if fast.Code != slow.Code || fast.Body.String() != slow.Body.String() {
				t.Fatalf("fast lane = %d %q; echo = %d %q", fast.Code, fast.Body, slow.Code, slow.Body)
			}
			fh, sh := fast.Header().Clone(), slow.Header().Clone()
			if tt.header.Get(HeaderRequestID) == "" {
				fh.Del(HeaderRequestID)
				sh.Del(HeaderRequestID)
			}
			if diff := cmp.Diff(sh, fh); diff != "" {
				t.Errorf("headers (-echo +fast lane):\n%s", diff)
			}
		})
	}
}

// TestFastLaneObserves counts and logs a fast-lane answer like the echo
// route does: same series, an access line with the route and host.
func TestFastLaneObserves(t *testing.T) {
	ts := newTestServer(t, Options{})
	do(ts.Public(), http.MethodGet, "go.alpha.com", pathAASAWellKnown+"?ref=hidden", nil)
	do(ts.public, http.MethodGet, "go.alpha.com", pathAASAWellKnown, nil)
	if got := testutil.ToFloat64(ts.metrics.requests.WithLabelValues("public", pathAASAWellKnown, "GET", "200")); got != 2 {
		t.Errorf("requests counted = %v; want 2 (one per path, same series)", got)
	}
	logs := ts.logs.String()
	if n := strings.Count(logs, `"route":"`+pathAASAWellKnown+`"`); n != 2 {
		t.Errorf("%d access lines for the route; want 2:\n%s", n, logs)
	}
	if strings.Contains(logs, "hidden") {
		t.Errorf("the query reached the log:\n%s", logs)
	}
}

// TestFastLaneRedirectMatchesEcho: a desktop redirect answered by the
// fast lane is the echo route's answer, headers, click count and access
// line included; everything else about links takes the echo path.
func TestFastLaneRedirectMatchesEcho(t *testing.T) {
	tests := []struct {
		name, method, host, target, ua string
		fast                           bool // the lane answers it itself
	}{
		{"redirect", http.MethodGet, "links.beta.org", "/?ref=KEY42&utm=1", uaWindows, true},
		{"redirect head", http.MethodHead, "links.beta.org", "/KEY42/promo", uaWindows, true},
		{"redirect without key", http.MethodGet, "links.beta.org", "/", uaWindows, true},
		{"hostile query", http.MethodGet, "links.beta.org", "/?ref=%3Cscript%3E&next=https://evil.example", uaWindows, true},
		{"mac safari gets the page", http.MethodGet, "links.beta.org", "/?ref=KEY42", uaMacSafari, false},
		{"phone gets the page", http.MethodGet, "links.beta.org", "/?ref=KEY42", uaIPhone, false},
		{"bot gets the preview", http.MethodGet, "links.beta.org", "/?ref=KEY42", uaFacebookBot, false},
		{"page mode domain", http.MethodGet, "go.alpha.com", "/?ref=KEY42", uaWindows, false},
		{"reserved path", http.MethodGet, "links.beta.org", "/api/nope", uaWindows, false},
		{"escaped path", http.MethodGet, "links.beta.org", "/%4BEY42", uaWindows, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fastTS, echoTS := newLinkServer(t, Options{}), newLinkServer(t, Options{})
			header := http.Header{"User-Agent": {tt.ua}, HeaderRequestID: {"rid-1"}}
			fast := do(fastTS.Public(), tt.method, tt.host, tt.target, header)
			slow := do(echoTS.public, tt.method, tt.host, tt.target, header)
			if fast.Code != slow.Code || fast.Body.String() != slow.Body.String() && !strings.Contains(slow.Body.String(), "nonce") {
				t.Fatalf("fast lane = %d; echo = %d", fast.Code, slow.Code)
			}
			probe := httptest.NewRequest(tt.method, tt.target, nil)
			probe.Host, probe.Header = tt.host, header.Clone()
			if got := newLinkServer(t, Options{}).fastAnswer(httptest.NewRecorder(), probe); got != tt.fast {
				t.Errorf("fast lane answered = %v; want %v", got, tt.fast)
			}
			fh, sh := fast.Header().Clone(), slow.Header().Clone()
			// Pages carry a fresh CSP nonce each time.
			fh.Del("Content-Security-Policy")
			sh.Del("Content-Security-Policy")
			if diff := cmp.Diff(sh, fh); diff != "" {
				t.Errorf("headers (-echo +fast lane):\n%s", diff)
			}
			for _, m := range []string{"deeplinkd_clicks_total", "deeplinkd_bot_previews_total", "deeplinkd_http_requests_total"} {
				if f, e := gatherText(t, fastTS, m), gatherText(t, echoTS, m); f != e {
					t.Errorf("%s differs:\nfast lane: %s\necho: %s", m, f, e)
				}
			}
			if f, e := stableAccessLines(fastTS.logs.String()), stableAccessLines(echoTS.logs.String()); f != e {
				t.Errorf("access lines differ:\nfast lane: %s\necho: %s", f, e)
			}
		})
	}
}

// gatherText is the text exposition of one metric family, "" when absent.
func gatherText(t *testing.T, ts *testServer, name string) string {
	t.Helper()
	mfs, err := ts.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			var b strings.Builder
			for _, m := range mf.GetMetric() {
				for _, l := range m.GetLabel() {
					b.WriteString(l.GetName() + "=" + l.GetValue() + " ")
				}
				b.WriteString(fmt.Sprint(m.GetCounter().GetValue(), "\n"))
			}
			return b.String()
		}
	}
	return ""
}

// stableAccessLines keeps the access lines' stable fields (not time, duration).
func stableAccessLines(logs string) string {
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) != nil || m["msg"] != "request" {
			continue
		}
		out = append(out, fmt.Sprint(m["method"], m["route"], m["status"], m["bytes"], m["request_id"], m["host"]))
	}
	return strings.Join(out, "\n")
}
