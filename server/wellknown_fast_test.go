package server

import (
	"net/http"
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
