package server

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// hostileTargets are request targets an attacker might send: markup and
// attribute breakers in keys and paths, script URLs, redirect-looking
// parameters, header splitting, huge keys and broken escapes.
var hostileTargets = []string{
	"/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
	"/?ref=%3Cscript%3Ealert(1)%3C/script%3E",
	"/?ref=%22%3E%3Cscript%3Ealert(1)%3C/script%3E",
	"/?ref=abc%22%20onmouseover%3D%22alert(1)",
	"/abc%22onmouseover=%22alert(1)",
	"/abc'onmouseover='alert(1)/x?y='><img%20src=x%20onerror=alert(1)>",
	"/?ref=ABC123&utm=%3C%2Fscript%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
	"/ABC123/%3C%2Fscript%3E",
	"/?ref=javascript:alert(1)",
	"/javascript:alert(1)",
	"/?ref=ABC123&redirect=https://evil.example&url=https://evil.example&next=//evil.example&to=evil.example" +
		"&return_to=https://evil.example&continue=https:%2F%2Fevil.example&goto=javascript:alert(1)",
	"//evil.example/%2F..",
	"/%2F%2Fevil.example",
	"/%5C%5Cevil.example/ABC123",
	"/ABC123/..%2F..%2F..%2Fevil.example",
	"/?ref=%0d%0aSet-Cookie:%20x=1",
	"/%0d%0aLocation:%20https://evil.example",
	"/?ref=%zz&via=%G1",
	"/?ref=ABC%",
	"/?ref=" + strings.Repeat("A", 4000),
	"/" + strings.Repeat("B", 4000),
	"/?ref=%E2%80%AEABC123",
	"/?ref=ABC123;evil=1",
	"/?ref=ABC123&ref=OTHER",
	"/?" + strings.Repeat("x=1&", 500),
	"/.",
	"/..",
	"/?ref=..",
}

var hostileUAs = []string{
	uaIPhone, uaIPhoneInstagram, uaAndroid, uaAndroidWebView, uaWindows, uaMacSafari, uaFacebookBot, "",
	"<script>alert(1)</script>", "Mozilla/5.0 (iPhone\"><script>alert(1)</script>",
	strings.Repeat("Mozilla/5.0 ", 600),
}

// TestResolverHostile: every hostile request gets a safe page or a 4xx,
// never a 500, never a redirect outside config, never unescaped markup.
func TestResolverHostile(t *testing.T) {
	ts := newLinkServer(t, Options{})
	h := ts.Public()
	for _, host := range []string{"go.alpha.com", "links.beta.org", "r.gamma.net"} {
		for _, target := range hostileTargets {
			for _, ua := range hostileUAs {
				name := host + " " + target
				if len(name) > 80 {
					name = name[:80]
				}
				t.Run(name, func(t *testing.T) {
					res := visit(h, host, target, ua)
					checkHostileAnswer(t, res)
				})
			}
		}
	}
	if strings.Contains(ts.logs.String(), "alert(1)") {
		t.Errorf("the log shows request input:\n%s", ts.logs.String())
	}
}

// checkHostileAnswer asserts the invariants of any answer to any request.
func checkHostileAnswer(t testing.TB, res *http.Response) {
	t.Helper()
	if res.StatusCode >= 500 {
		t.Fatalf("status %d; want < 500", res.StatusCode)
	}
	if loc := res.Header.Get("Location"); !locationHostOK(loc) {
		t.Errorf("Location %q is outside config", loc)
	}
	for k, vs := range res.Header {
		for _, v := range vs {
			if strings.ContainsAny(v, "\r\n") || strings.EqualFold(k, "Set-Cookie") {
				t.Errorf("header %s: %q: split or injected", k, v)
			}
		}
	}
	if res.StatusCode == http.StatusOK && strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		p := parsePage(t, res)
		checkSafe(t, p)
		// The parser checks above find injected elements and handlers;
		// these catch a quote or bracket that survived into the text.
		for _, bad := range []string{"<script>alert", "<img src=x", `"onmouseover`, `" onmouseover`, `'onmouseover`, `'>`} {
			if strings.Contains(p.body, bad) {
				t.Errorf("page contains %q unescaped", bad)
			}
		}
	}
}

// TestResolverHugeKeys: a 20 KB key is refused before any work (431),
// whether in the query or the path.
func TestResolverHugeKeys(t *testing.T) {
	h := newLinkServer(t, Options{}).Public()
	key := strings.Repeat("K", 20<<10)
	for _, target := range []string{"/?ref=" + key, "/" + key, "/x/" + key} {
		t.Run(target[:8], func(t *testing.T) {
			res := visit(h, "go.alpha.com", target, uaIPhone)
			if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
				t.Errorf("GET with a 20 KB key = %d; want 431", res.StatusCode)
			}
		})
	}
}

// TestResolverBrokenPathEscapes sends paths with invalid percent-encoding,
// which httptest.NewRequest refuses to build, straight to the handler.
func TestResolverBrokenPathEscapes(t *testing.T) {
	h := newLinkServer(t, Options{}).Public()
	for _, raw := range []string{"/%zz", "/ABC123/%", "/%E2%82", "/%00ABC", "/%3Cb%3E%"} {
		t.Run(raw, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.Host = "go.alpha.com"
			req.Header.Set("User-Agent", uaIPhone)
			req.URL = &url.URL{Path: raw, RawPath: raw, RawQuery: "ref=ABC123"}
			req.RequestURI = raw + "?ref=ABC123"
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			checkHostileAnswer(t, rec.Result())
		})
	}
}
