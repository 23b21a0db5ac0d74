package server

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestResolverDecisions walks every row of DESIGN.md's decision table
// through the whole router: the real classifier, the real resolve package
// and the page templates.
func TestResolverDecisions(t *testing.T) {
	h := newLinkServer(t, Options{}).Public()
	tests := []struct {
		name, host, target, ua string
		wantStatus             int
		// wantPlatform is the page's data-platform; wantLocation the 302's.
		wantPlatform  string
		wantLocation  string
		wantMaybeIPad bool
		wantHint      bool
	}{
		{"bot gets preview", "go.alpha.com", "/?ref=ABC123", uaFacebookBot, 200, "preview", "", false, false},
		{"bot gets preview in redirect mode", "links.beta.org", "/ABC123", uaWhatsApp, 200, "preview", "", false, false},
		{"empty user agent gets preview", "go.alpha.com", "/?ref=ABC123", "", 200, "preview", "", false, false},
		{"ios safari gets page", "go.alpha.com", "/?ref=ABC123", uaIPhone, 200, "ios", "", false, false},
		{"ipad gets ios page", "go.alpha.com", "/?ref=ABC123", uaIPad, 200, "ios", "", false, false},
		{"ios in-app gets page with hint", "go.alpha.com", "/?ref=ABC123", uaIPhoneInstagram, 200, "ios", "", false, true},
		{"ios gets page in redirect mode", "links.beta.org", "/?ref=ABC123", uaIPhone, 200, "ios", "", false, false},
		{"android chrome gets page", "go.alpha.com", "/ABC123", uaAndroid, 200, "android", "", false, false},
		{"android webview gets page with hint", "links.beta.org", "/?ref=ABC123", uaAndroidWebView, 200, "android", "", false, true},
		{"android facebook gets page with hint", "go.alpha.com", "/?ref=ABC123", uaAndroidFB, 200, "android", "", false, true},
		{"desktop page mode", "go.alpha.com", "/?ref=ABC123", uaWindows, 200, "desktop", "", false, false},
		{"desktop redirect mode", "links.beta.org", "/?ref=ABC123", uaWindows, 302, "", "https://beta.org/join?ref=ABC123", false, false},
		{"mac chrome redirect mode", "links.beta.org", "/ABC123", uaMacChrome, 302, "", "https://beta.org/join?ref=ABC123", false, false},
		{"mac safari may be ipad: page in redirect mode", "links.beta.org", "/?ref=ABC123", uaMacSafari, 200, "ios", "", true, false},
		{"mac safari may be ipad: page in page mode", "go.alpha.com", "/?ref=ABC123", uaMacSafari, 200, "ios", "", true, false},
		{"no key desktop redirect", "r.gamma.net", "/", uaWindows, 302, "", "https://shop.gamma.net/join", false, false},
		{"custom param desktop redirect", "r.gamma.net", "/?via=ABC123", uaWindows, 302, "", "https://shop.gamma.net/join?via=ABC123", false, false},
		{"route carried to fallback", "links.beta.org", "/ABC123/promo?utm_source=mail", uaWindows, 302, "",
			"https://beta.org/join?ref=ABC123&utm_source=mail", false, false},
		{"redirect-looking params never reach the fallback", "links.beta.org", "/?ref=ABC123&next=https://evil.example&url=//evil.example",
			uaWindows, 302, "", "https://beta.org/join?ref=ABC123", false, false},
		{"alias host serves the same site", "open.alpha.com", "/?ref=ABC123", uaIPhone, 200, "ios", "", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := visit(h, tt.host, tt.target, tt.ua)
			if res.StatusCode != tt.wantStatus {
				t.Fatalf("GET %s%s (%.30q) = %d; want %d", tt.host, tt.target, tt.ua, res.StatusCode, tt.wantStatus)
			}
			wantHeaders := map[string]string{
				"Cache-Control": "no-store", "X-Robots-Tag": "noindex", "Vary": "User-Agent",
				"Referrer-Policy": "strict-origin-when-cross-origin", "X-Content-Type-Options": "nosniff",
				"X-Frame-Options": "DENY",
			}
			if tt.wantStatus == http.StatusFound {
				// A redirect has no content to index, frame or sniff; its
				// Referrer-Policy still governs what the target learns.
				wantHeaders["X-Robots-Tag"], wantHeaders["X-Content-Type-Options"], wantHeaders["X-Frame-Options"] = "", "", ""
			}
			for k, want := range wantHeaders {
				if got := res.Header.Get(k); got != want {
					t.Errorf("GET %s%s header %s = %q; want %q", tt.host, tt.target, k, got, want)
				}
			}
			if loc := res.Header.Get("Location"); loc != tt.wantLocation {
				t.Errorf("GET %s%s Location = %q; want %q", tt.host, tt.target, loc, tt.wantLocation)
			}
			if tt.wantStatus != http.StatusOK {
				return
			}
			p := parsePage(t, res)
			checkSafe(t, p)
			body := p.elements("body")[0]
			if got, _ := attr(body, "data-platform"); got != tt.wantPlatform {
				t.Errorf("GET %s%s page = %q; want %q", tt.host, tt.target, got, tt.wantPlatform)
			}
			if _, got := attr(body, "data-maybe-ipad"); got != tt.wantMaybeIPad {
				t.Errorf("GET %s%s data-maybe-ipad = %v; want %v", tt.host, tt.target, got, tt.wantMaybeIPad)
			}
			if got := p.byID("browser-hint") != nil; got != tt.wantHint {
				t.Errorf("GET %s%s browser hint = %v; want %v", tt.host, tt.target, got, tt.wantHint)
			}
		})
	}
}

// TestResolverReservedPaths: deeplinkd's own paths are never read as keys
// and never get a page or a redirect, whoever asks.
func TestResolverReservedPaths(t *testing.T) {
	h := newLinkServer(t, Options{}).Public()
	paths := []string{
		"/.well-known/", "/.well-known", "/.well-known/apple-app-site-association/",
		"/.well-known/assetlinks.json/", "/apple-app-site-association/", "/.well-known/other",
		"/%2Ewell-known/apple-app-site-association", "/api", "/api/", "/api/v1", "/api/v1/unknown",
		"/static", "/static/", "/static/page.js", "/static/../page.css", "/robots.txt/", "/favicon.ico/x",
	}
	for _, path := range paths {
		for _, ua := range []string{uaIPhone, uaAndroid, uaWindows, uaFacebookBot} {
			t.Run(path+" "+ua[:20], func(t *testing.T) {
				rec := do(h, http.MethodGet, "links.beta.org", path, http.Header{"User-Agent": {ua}})
				if rec.Code != http.StatusNotFound {
					t.Errorf("GET %s = %d; want 404", path, rec.Code)
				}
				if loc := rec.Header().Get("Location"); loc != "" {
					t.Errorf("GET %s redirects to %q", path, loc)
				}
				if ct := rec.Header().Get("Content-Type"); strings.HasPrefix(ct, "text/html") {
					t.Errorf("GET %s answered HTML", path)
				}
			})
		}
	}
}

// TestResolverUnknownHostAndMethods: an unknown host never reaches the
// resolver; only GET and HEAD do.
func TestResolverUnknownHostAndMethods(t *testing.T) {
	h := newLinkServer(t, Options{}).Public()
	tests := []struct {
		name, method, host, path string
		wantStatus               int
	}{
		{"unknown host", "GET", "evil.example", "/?ref=ABC123", 404},
		{"head", "HEAD", "go.alpha.com", "/?ref=ABC123", 200},
		{"post", "POST", "go.alpha.com", "/?ref=ABC123", 405},
		{"delete", "DELETE", "go.alpha.com", "/ABC123", 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(h, tt.method, tt.host, tt.path, http.Header{"User-Agent": {uaIPhone}})
			if rec.Code != tt.wantStatus {
				t.Errorf("%s %s%s = %d; want %d", tt.method, tt.host, tt.path, rec.Code, tt.wantStatus)
			}
			if tt.method == "HEAD" && rec.Body.Len() != 0 {
				t.Errorf("HEAD has a body")
			}
		})
	}
}

// TestResolverMetrics: clicks by domain, platform, in-app and action;
// previews apart; HEAD and the API count nothing; no key or UA in labels.
func TestResolverMetrics(t *testing.T) {
	ts := newLinkServer(t, Options{})
	h := ts.Public()
	visit(h, "go.alpha.com", "/?ref=SECRETKEY1", uaIPhone)
	visit(h, "open.alpha.com", "/SECRETKEY1", uaIPhone)
	visit(h, "go.alpha.com", "/?ref=SECRETKEY1", uaIPhoneInstagram)
	visit(h, "links.beta.org", "/?ref=SECRETKEY1", uaWindows)
	visit(h, "links.beta.org", "/?ref=SECRETKEY1", uaMacSafari)
	visit(h, "go.alpha.com", "/?ref=SECRETKEY1", uaFacebookBot)
	visit(h, "go.alpha.com", "/?ref=SECRETKEY1", uaTwitterBot)
	visit(h, "go.alpha.com", "/?ref=SECRETKEY1", uaTwitterBot)
	do(h, http.MethodHead, "go.alpha.com", "/?ref=SECRETKEY1", http.Header{"User-Agent": {uaAndroid}})
	do(h, http.MethodGet, "go.alpha.com", "/api/v1/resolve?url=https://go.alpha.com/?ref=SECRETKEY1",
		http.Header{"User-Agent": {uaAndroid}, "Authorization": {"Bearer " + tokenMain}})

	m := ts.links.metrics
	clicks := []struct {
		labels []string
		want   float64
	}{
		{[]string{"go.alpha.com", "ios", "none", "page"}, 2},
		{[]string{"go.alpha.com", "ios", "instagram", "page"}, 1},
		{[]string{"links.beta.org", "desktop", "none", "redirect"}, 1},
		{[]string{"links.beta.org", "desktop", "none", "page"}, 1},
		{[]string{"go.alpha.com", "android", "none", "page"}, 0},
	}
	for _, tt := range clicks {
		if got := testutil.ToFloat64(m.clicks.WithLabelValues(tt.labels...)); got != tt.want {
			t.Errorf("deeplinkd_clicks_total%v = %v; want %v", tt.labels, got, tt.want)
		}
	}
	previews := []struct {
		labels []string
		want   float64
	}{
		{[]string{"go.alpha.com", "facebook"}, 1},
		{[]string{"go.alpha.com", "twitter"}, 2},
	}
	for _, tt := range previews {
		if got := testutil.ToFloat64(m.previews.WithLabelValues(tt.labels...)); got != tt.want {
			t.Errorf("deeplinkd_bot_previews_total%v = %v; want %v", tt.labels, got, tt.want)
		}
	}
	text := scrape(t, ts.Admin())
	for _, s := range []string{"SECRETKEY1", "Mozilla", "Instagram 323", "open.alpha.com", tokenMain} {
		if strings.Contains(text, s) {
			t.Errorf("metrics contain %q", s)
		}
	}
}

func TestMetricLabels(t *testing.T) {
	tests := []struct {
		name, in, want string
		fn             func(string) string
	}{
		{"in-app none", "", "none", inAppLabel},
		{"in-app known", "instagram", "instagram", inAppLabel},
		{"in-app unknown", "Instagram 323.0", "other", inAppLabel},
		{"bot known", "facebook", "facebook", botLabel},
		{"bot empty", "", "other", botLabel},
		{"bot with spaces", "Mozilla/5.0 bot", "other", botLabel},
		{"bot too long", strings.Repeat("a", 33), "other", botLabel},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.fn(tt.in); got != tt.want {
				t.Errorf("label(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestResolverConcurrent serves pages of every shape from many goroutines
// at once, so the race detector sees the compiled-page cache and the
// buffer pool shared; every page must still be whole and its own.
func TestResolverConcurrent(t *testing.T) {
	h := newLinkServer(t, Options{}).Public()
	uas := []string{uaIPhone, uaIPhoneInstagram, uaAndroid, uaAndroidWebView, uaWindows, uaMacSafari, uaTwitterBot}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 40 {
				ua := uas[(g+i)%len(uas)]
				key := "K" + strconv.Itoa(g) + "x" + strconv.Itoa(i)
				rec := do(h, http.MethodGet, "go.alpha.com", "/?ref="+key, http.Header{"User-Agent": {ua}})
				if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "ref="+key+`"`) ||
					!strings.HasSuffix(rec.Body.String(), "</html>\n") {
					t.Errorf("GET /?ref=%s (%.20s) = %d, not its own whole page", key, ua, rec.Code)
					return
				}
			}
		})
	}
	wg.Wait()
}
