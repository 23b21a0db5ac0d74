package server

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/labstack/echo/v4"
)

func TestClientIP(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	s := New(Options{}, mustSnapshot(t, trusted, siteA()))
	tests := []struct {
		name   string
		remote string
		xff    []string
		want   string
	}{
		{"direct, no header", "203.0.113.9:5555", nil, "203.0.113.9"},
		{"untrusted peer's header ignored", "203.0.113.9:5555", []string{"198.51.100.1"}, "203.0.113.9"},
		{"trusted peer, one hop", "10.1.2.3:5555", []string{"198.51.100.1"}, "198.51.100.1"},
		{"trusted peer, no header", "10.1.2.3:5555", nil, "10.1.2.3"},
		{"spoofed left end skipped", "10.1.2.3:5555", []string{"1.1.1.1, 198.51.100.1"}, "198.51.100.1"},
		{"chain of trusted proxies", "10.1.2.3:5555", []string{"198.51.100.1, 10.9.9.9, 10.8.8.8"}, "198.51.100.1"},
		{"all hops trusted", "10.1.2.3:5555", []string{"10.5.5.5, 10.6.6.6"}, "10.5.5.5"},
		{"several header lines", "10.1.2.3:5555", []string{"1.1.1.1", "198.51.100.1"}, "198.51.100.1"},
		{"garbage hop stops the walk", "10.1.2.3:5555", []string{"198.51.100.1, nonsense, 10.9.9.9"}, "10.9.9.9"},
		{"hop with port", "10.1.2.3:5555", []string{"198.51.100.1:4711"}, "198.51.100.1"},
		{"ipv6 hop in brackets", "10.1.2.3:5555", []string{"[2001:db8::7]"}, "2001:db8::7"},
		{"ipv6 trusted peer", "[fd00::1]:5555", []string{"2001:db8::7"}, "2001:db8::7"},
		{"ipv4-mapped trusted peer", "[::ffff:10.1.2.3]:5555", []string{"198.51.100.1"}, "198.51.100.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.RemoteAddr = tt.remote
			for _, v := range tt.xff {
				req.Header.Add("X-Forwarded-For", v)
			}
			if got := s.clientIP(req); got != tt.want {
				t.Errorf("clientIP(remote %s, XFF %q) = %q; want %q", tt.remote, tt.xff, got, tt.want)
			}
		})
	}
}

func TestScheme(t *testing.T) {
	s := New(Options{}, mustSnapshot(t, []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, siteA()))
	tests := []struct {
		name   string
		remote string
		proto  string
		tls    bool
		want   string
	}{
		{"direct plain", "203.0.113.9:1", "", false, "http"},
		{"direct tls", "203.0.113.9:1", "", true, "https"},
		{"untrusted peer's header ignored", "203.0.113.9:1", "https", false, "http"},
		{"trusted peer https", "10.0.0.1:1", "https", false, "https"},
		{"trusted peer upper case", "10.0.0.1:1", "HTTPS", false, "https"},
		{"trusted peer list takes first", "10.0.0.1:1", "https, http", false, "https"},
		{"trusted peer nonsense ignored", "10.0.0.1:1", "gopher", false, "http"},
		{"trusted peer no header", "10.0.0.1:1", "", false, "http"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.RemoteAddr = tt.remote
			if tt.proto != "" {
				req.Header.Set("X-Forwarded-Proto", tt.proto)
			}
			if tt.tls {
				req.TLS = &tls.ConnectionState{}
			}
			if got := s.scheme(req); got != tt.want {
				t.Errorf("scheme(remote %s, proto %q, tls %v) = %q; want %q", tt.remote, tt.proto, tt.tls, got, tt.want)
			}
		})
	}
}

// TestProxyTrustFollowsReload checks through the router that the trusted
// proxies are read from the snapshot in force, so a reload changes them.
func TestProxyTrustFollowsReload(t *testing.T) {
	ts := newTestServer(t, Options{})
	ts.public.GET("/whoami", func(c echo.Context) error {
		return c.String(http.StatusOK, c.RealIP()+" "+c.Scheme())
	})
	ask := func() string {
		req := httptest.NewRequest(http.MethodGet, "/whoami", nil)
		req.Host = "go.alpha.com"
		req.RemoteAddr = "10.0.0.1:1234"
		req.Header.Set("X-Forwarded-For", "198.51.100.1")
		req.Header.Set("X-Forwarded-Proto", "https")
		rec := httptest.NewRecorder()
		ts.Public().ServeHTTP(rec, req)
		return rec.Body.String()
	}
	if got, want := ask(), "198.51.100.1 https"; got != want {
		t.Errorf("behind trusted proxy: got %q; want %q", got, want)
	}
	ts.Swap(mustSnapshot(t, nil, siteA()))
	if got, want := ask(), "10.0.0.1 http"; got != want {
		t.Errorf("after reload without trusted proxies: got %q; want %q", got, want)
	}
}
