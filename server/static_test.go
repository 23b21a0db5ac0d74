package server

import (
	"io/fs"
	"net/http"
	"strings"
	"testing"

	"github.com/deeplinkd/deeplinkd/static"
)

// TestStaticAssets: the assets a page links are served under their
// hashed names with immutable caching; nothing else under /static is.
func TestStaticAssets(t *testing.T) {
	ts := newLinkServer(t, Options{})
	h := ts.Public()
	p := parsePage(t, visit(h, "go.alpha.com", "/?ref=ABC123", uaIPhone))
	var css, js string
	for _, l := range p.elements("link") {
		css, _ = attr(l, "href")
	}
	for _, s := range p.elements("script") {
		if src, ok := attr(s, "src"); ok {
			js = src
		}
	}
	tests := []struct {
		name, path, file, wantType string
	}{
		{"stylesheet", css, "page.css", "text/css; charset=utf-8"},
		{"script", js, "page.js", "text/javascript; charset=utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.HasPrefix(tt.path, "/static/") || tt.path == "/static/"+tt.file {
				t.Fatalf("page links %q; want a hashed name under /static/", tt.path)
			}
			want, err := fs.ReadFile(static.FS, tt.file)
			if err != nil {
				t.Fatal(err)
			}
			for _, host := range []string{"go.alpha.com", "links.beta.org", "r.gamma.net"} {
				rec := do(h, http.MethodGet, host, tt.path, nil)
				if rec.Code != http.StatusOK {
					t.Fatalf("GET %s%s = %d; want 200", host, tt.path, rec.Code)
				}
				if rec.Body.String() != string(want) {
					t.Errorf("GET %s%s body is not %s", host, tt.path, tt.file)
				}
				for k, v := range map[string]string{
					"Content-Type":  tt.wantType,
					"Cache-Control": "public, max-age=31536000, immutable",
				} {
					if got := rec.Header().Get(k); got != v {
						t.Errorf("GET %s%s %s = %q; want %q", host, tt.path, k, got, v)
					}
				}
			}
			etag := do(h, http.MethodGet, "go.alpha.com", tt.path, nil).Header().Get("ETag")
			rec := do(h, http.MethodGet, "go.alpha.com", tt.path, http.Header{"If-None-Match": {etag}})
			if etag == "" || rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
				t.Errorf("GET %s with If-None-Match %q = %d, %d bytes; want 304, none", tt.path, etag, rec.Code, rec.Body.Len())
			}
		})
	}
	for _, path := range []string{"/static/page.js", "/static/page.css", "/static/page.000000000000.js", "/static/../static/page.js", "/static/"} {
		t.Run("refused "+path, func(t *testing.T) {
			rec := do(h, http.MethodGet, "go.alpha.com", path, nil)
			if rec.Code != http.StatusNotFound {
				t.Errorf("GET %s = %d; want 404", path, rec.Code)
			}
			if cc := rec.Header().Get("Cache-Control"); strings.Contains(cc, "immutable") {
				t.Errorf("GET %s is cached forever: %q", path, cc)
			}
		})
	}
	t.Run("unknown host", func(t *testing.T) {
		if rec := do(h, http.MethodGet, "evil.example", css, nil); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s on an unknown host = %d; want 404", css, rec.Code)
		}
	})
}

func TestRobotsAndFavicon(t *testing.T) {
	h := newLinkServer(t, Options{}).Public()
	tests := []struct {
		name, method, path, ua string
		wantStatus             int
		wantBody               string
	}{
		{"robots for twitterbot", "GET", "/robots.txt", uaTwitterBot, 200, "User-agent: *\nDisallow: /api/\n"},
		{"robots for anyone", "GET", "/robots.txt", uaIPhone, 200, "User-agent: *\nDisallow: /api/\n"},
		{"robots head", "HEAD", "/robots.txt", uaFacebookBot, 200, ""},
		{"favicon", "GET", "/favicon.ico", uaWindows, 204, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(h, tt.method, "go.alpha.com", tt.path, http.Header{"User-Agent": {tt.ua}})
			if rec.Code != tt.wantStatus || rec.Body.String() != tt.wantBody {
				t.Errorf("%s %s = %d %q; want %d %q", tt.method, tt.path, rec.Code, rec.Body.String(), tt.wantStatus, tt.wantBody)
			}
		})
	}
	// Every link shape must stay crawlable, or previews die (DEEPLINK-RULES 0.8).
	for _, line := range strings.Split(robotsTxt, "\n") {
		if v, ok := strings.CutPrefix(line, "Disallow:"); ok && strings.TrimSpace(v) != "/api/" {
			t.Errorf("robots.txt disallows %q; only /api/ may be", v)
		}
	}
}
