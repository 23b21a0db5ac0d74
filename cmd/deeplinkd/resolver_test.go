package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/deeplinkd/deeplinkd/internal/config"
	"github.com/deeplinkd/deeplinkd/internal/resolve"
	"github.com/deeplinkd/deeplinkd/server"
)

// The secrets of the resolver fixture; none may reach a page, an answer
// or a log line.
const (
	resolverToken      = "tok-resolver-5d1c9e7a3b2f4860"
	resolverOtherToken = "tok-other-a8c2e6f0b4d39157"
	resolverAPIKey     = "pk_test_resolver_secret"
)

// resolverYAML is a config with two programs, a token for each, and two
// domains: go.alpha.test (alias open.alpha.test, both apps, page mode,
// branding) and links.beta.test (its own program, redirect mode, custom
// schemes). jsURL is partnero.js_url, betaFallback beta's fallback_url.
func resolverYAML(jsURL, betaFallback string) string {
	return fmt.Sprintf(`server:
  listen: "127.0.0.1:0"
  admin_listen: "127.0.0.1:0"
  shutdown_timeout: 5s
partnero:
  js_url: %q
programs:
  main:
    type: affiliate
    api_key_env: TEST_PARTNERO_KEY
    public_id: "P1234567"
  other:
    type: refer_a_friend
    api_key_env: TEST_PARTNERO_KEY
    public_id: "POTHER99"
api_tokens:
  - name: backend
    token_env: TEST_API_TOKEN
    program: main
  - name: other-backend
    token_env: TEST_OTHER_TOKEN
    program: other
domains:
  - host: go.alpha.test
    aliases: [open.alpha.test]
    program: main
    referral:
      params: [ref, via]
    apple:
      apps:
        - app_id: "ABCDE12345.com.alpha.app"
          app_store_id: "1234567890"
    android:
      apps:
        - package: com.alpha.app
          sha256_cert_fingerprints: ["%s"]
    web:
      fallback_url: "https://alpha.test/signup"
    preview:
      title: "Join Alpha"
      description: "Get a reward when you sign up."
      image: "https://cdn.alpha.test/og.png"
  - host: links.beta.test
    program: other
    apple:
      apps:
        - app_id: "ZYXWV98765.org.beta.app"
          app_store_id: "987654321"
          scheme: betaapp
    android:
      apps:
        - package: org.beta.app
          sha256_cert_fingerprints: ["%s"]
          scheme: beta-app
    web:
      fallback_url: %q
      desktop: redirect
`, jsURL, strings.Repeat("AB:", 31)+"AB", strings.Repeat("CD:", 31)+"CD", betaFallback)
}

func resolverEnv() map[string]string {
	return map[string]string{
		"TEST_PARTNERO_KEY": resolverAPIKey,
		"TEST_API_TOKEN":    resolverToken,
		"TEST_OTHER_TOKEN":  resolverOtherToken,
	}
}

func TestBuildSnapshotResolver(t *testing.T) {
	env := resolverEnv()
	path := writeConfig(t, t.TempDir(), resolverYAML("https://app.partnero.com/js/universal.js", "https://beta.test/join"))
	cfg, err := config.Load(path, getenvOf(env))
	if err != nil {
		t.Fatalf("config.Load: %v", err)
	}
	snap, err := buildSnapshot(cfg, nil)
	if err != nil {
		t.Fatalf("buildSnapshot: %v", err)
	}
	sites := snap.Sites()
	want := []struct {
		program, fallback string
		domain            resolve.Domain
	}{
		{"main", "https://alpha.test/signup", resolve.Domain{
			Hosts:    []string{"go.alpha.test", "open.alpha.test"},
			OpenHost: "open.alpha.test",
			Params:   []string{"ref", "via"},
			PathKeys: true,
			Apple:    []resolve.AppleApp{{AppID: "ABCDE12345.com.alpha.app", AppStoreID: "1234567890"}},
			Android:  []resolve.AndroidApp{{Package: "com.alpha.app"}},
			Desktop:  resolve.DesktopPage,
			Preview:  resolve.Preview{Title: "Join Alpha", Description: "Get a reward when you sign up.", Image: "https://cdn.alpha.test/og.png"},
			PublicID: "P1234567",
		}},
		{"other", "https://beta.test/join", resolve.Domain{
			Hosts:    []string{"links.beta.test"},
			Params:   []string{"ref"},
			PathKeys: true,
			Apple:    []resolve.AppleApp{{AppID: "ZYXWV98765.org.beta.app", AppStoreID: "987654321", Scheme: "betaapp"}},
			Android:  []resolve.AndroidApp{{Package: "org.beta.app", Scheme: "beta-app"}},
			Desktop:  resolve.DesktopRedirect,
			PublicID: "POTHER99",
		}},
	}
	if len(sites) != len(want) {
		t.Fatalf("buildSnapshot: %d sites; want %d", len(sites), len(want))
	}
	for i, w := range want {
		site := sites[i]
		if site.Program != w.program || site.PartneroJS != "https://app.partnero.com/js/universal.js" {
			t.Errorf("site %d Program, PartneroJS = %q, %q; want %q and the js_url", i, site.Program, site.PartneroJS, w.program)
		}
		if site.Domain == nil {
			t.Fatalf("site %d has no resolver", i)
		}
		if diff := cmp.Diff(&w.domain, site.Domain, cmpopts.IgnoreFields(resolve.Domain{}, "Fallback")); diff != "" {
			t.Errorf("site %d resolve.Domain (-want +got):\n%s", i, diff)
		}
		if got := site.Domain.Fallback.String(); got != w.fallback {
			t.Errorf("site %d Fallback = %q; want %q", i, got, w.fallback)
		}
	}
	if dump := fmt.Sprintf("%+v %#v", snap, snap); strings.Contains(dump, resolverToken) || strings.Contains(dump, resolverOtherToken) {
		t.Errorf("the snapshot holds a token value")
	}

	// The tokens work as built: each resolves its own program's links only.
	var live atomic.Pointer[server.Snapshot]
	live.Store(snap)
	h := server.New(server.Options{Config: &live}).Public()
	tests := []struct {
		token, link string
		wantStatus  int
	}{
		{resolverToken, "https://go.alpha.test/?ref=ABC123", 200},
		{resolverOtherToken, "https://links.beta.test/ABC123", 200},
		{resolverToken, "https://links.beta.test/ABC123", 403},
		{"not-a-token", "https://go.alpha.test/?ref=ABC123", 401},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/resolve?url="+url.QueryEscape(tt.link), nil)
		req.Host = "go.alpha.test"
		req.Header.Set("Authorization", "Bearer "+tt.token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tt.wantStatus {
			t.Errorf("resolve %s with token %.9s… = %d; want %d", tt.link, tt.token, rec.Code, tt.wantStatus)
		}
	}
}

// request sends method to the daemon's public listener with a Host, a
// User-Agent and optional Authorization, without following redirects.
func request(t *testing.T, addr, host, target, ua, token string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://"+addr+target, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	req.Header.Set("User-Agent", ua)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	client := &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s%s: %v", host, target, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(body)
}

const (
	uaIPhone  = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
	uaAndroid = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36"
	uaWindows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
)

// TestBinaryResolver: the real binary resolves links end to end, answers
// the resolve API for its own program, counts clicks, and never shows a
// token, the Partnero key or a referral key in its log.
func TestBinaryResolver(t *testing.T) {
	d := startDaemon(t, writeConfig(t, t.TempDir(), resolverYAML("https://app.partnero.com/js/universal.js", "https://beta.test/join")), resolverEnv())
	const key = "SECRETKEY42"
	tests := []struct {
		name, host, target, ua, token string
		wantStatus                    int
		wantLocation                  string
		wantIn                        []string
	}{
		{"ios page", "go.alpha.test", "/?ref=" + key, uaIPhone, "", 200, "",
			[]string{`po("program", "P1234567", "load");`, `content="app-id=1234567890, app-argument=https://go.alpha.test/?ref=` + key + `"`,
				`href="https://open.alpha.test/?ref=` + key + `"`}},
		{"android page", "open.alpha.test", "/" + key, uaAndroid, "", 200, "",
			[]string{`referrer=ref%3D` + key, `href="intent://open.alpha.test/?ref=` + key + `#Intent;scheme=https;package=com.alpha.app;`}},
		{"ios scheme link", "links.beta.test", "/" + key, uaIPhone, "", 200, "",
			[]string{`href="betaapp:///?ref=` + key + `"`, `po("program", "POTHER99", "load");`}},
		{"desktop redirect", "links.beta.test", "/?ref=" + key, uaWindows, "", 302, "https://beta.test/join?ref=" + key, nil},
		{"resolve api", "go.alpha.test", "/api/v1/resolve?url=" + url.QueryEscape("https://go.alpha.test/"+key), uaWindows, resolverToken, 200, "",
			[]string{`"referral_key":"` + key + `"`, `"action":"page"`, `"platform":"desktop"`}},
		{"resolve api, other program", "go.alpha.test", "/api/v1/resolve?url=" + url.QueryEscape("https://go.alpha.test/"+key), uaWindows, resolverOtherToken, 403, "",
			[]string{`"code":"forbidden"`}},
		{"resolve api, no token", "go.alpha.test", "/api/v1/resolve?url=x", uaWindows, "", 401, "", []string{`"code":"unauthorized"`}},
		{"reserved trailing slash", "go.alpha.test", "/.well-known/assetlinks.json/", uaIPhone, "", 404, "", nil},
		{"robots", "go.alpha.test", "/robots.txt", "Twitterbot/1.0", "", 200, "", []string{"Disallow: /api/\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := request(t, d.public, tt.host, tt.target, tt.ua, tt.token)
			if res.StatusCode != tt.wantStatus {
				t.Fatalf("GET %s%s = %d; want %d\n%s", tt.host, tt.target, res.StatusCode, tt.wantStatus, body)
			}
			if loc := res.Header.Get("Location"); loc != tt.wantLocation {
				t.Errorf("GET %s%s Location = %q; want %q", tt.host, tt.target, loc, tt.wantLocation)
			}
			for _, s := range tt.wantIn {
				if !strings.Contains(body, s) {
					t.Errorf("GET %s%s body lacks %q:\n%s", tt.host, tt.target, s, body)
				}
			}
			for _, secret := range []string{resolverToken, resolverOtherToken, resolverAPIKey} {
				if strings.Contains(body, secret) {
					t.Errorf("GET %s%s shows a secret", tt.host, tt.target)
				}
			}
		})
	}
	_, metrics := fetch(t, d.admin, "localhost", "/metrics")
	for _, want := range []string{
		`deeplinkd_clicks_total{action="page",domain="go.alpha.test",in_app="none",platform="ios"} 1`,
		`deeplinkd_clicks_total{action="page",domain="go.alpha.test",in_app="none",platform="android"} 1`,
		`deeplinkd_clicks_total{action="redirect",domain="links.beta.test",in_app="none",platform="desktop"} 1`,
		`deeplinkd_bot_previews_total{bot="twitter",domain="go.alpha.test"} 0`,
	} {
		if strings.HasSuffix(want, " 0") {
			// robots.txt is no preview: the series must not exist yet.
			if strings.Contains(metrics, strings.TrimSuffix(want, " 0")) {
				t.Errorf("metrics count a robots.txt fetch as a preview")
			}
			continue
		}
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(metrics, key) {
		t.Errorf("metrics show the referral key")
	}
	d.signal(t, syscall.SIGTERM)
	d.waitFor(t, "stopped")
	if err := d.wait(t); err != nil {
		t.Errorf("exit after SIGTERM: %v", err)
	}
	log := d.logText()
	for _, secret := range []string{resolverToken, resolverOtherToken, resolverAPIKey, key} {
		if strings.Contains(log, secret) {
			t.Errorf("the log shows %q:\n%s", secret, log)
		}
	}
	var sawRequest bool
	for _, line := range strings.Split(log, "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == "request" && m["route"] == "/*" {
			sawRequest = true
		}
	}
	if !sawRequest {
		t.Errorf("no access log line for the resolver route /*")
	}
}
