package page

import (
	"html/template"
	"strings"
	"testing"

	"github.com/deeplinkd/deeplinkd/internal/resolve"
)

func TestAppLink(t *testing.T) {
	tests := []struct {
		name, raw string
		allowed   []string
		want      template.URL
		wantErr   bool
	}{
		{"intent", "intent://x/#Intent;package=a.b;end", []string{"intent"}, "intent://x/#Intent;package=a.b;end", false},
		{"https", "https://open.alpha.com/?ref=K", []string{"https", "alphaapp"}, "https://open.alpha.com/?ref=K", false},
		{"app scheme", "alphaapp:///?ref=K", []string{"https", "alphaapp"}, "alphaapp:///?ref=K", false},
		{"scheme case folded", "AlphaApp:///", []string{"alphaapp"}, "AlphaApp:///", false},
		{"empty", "", []string{"intent"}, "", false},
		{"other scheme", "otherapp:///", []string{"https", "alphaapp"}, "", true},
		{"intent where only https is allowed", "intent://x/#Intent;end", []string{"https"}, "", true},
		{"https where only intent is allowed", "https://open.alpha.com/", []string{"intent"}, "", true},
		{"javascript even if listed", "javascript:alert(1)", []string{"javascript"}, "", true},
		{"vbscript even if listed", "vbscript:x", []string{"vbscript"}, "", true},
		{"data even if listed", "data:text/html,x", []string{"data"}, "", true},
		{"file even if listed", "file:///etc/passwd", []string{"file"}, "", true},
		{"blob even if listed", "blob:https://x/1", []string{"blob"}, "", true},
		{"data", "data:text/html,x", []string{"intent"}, "", true},
		{"no scheme", "//evil.example/", []string{"https"}, "", true},
		{"empty scheme", ":x", []string{""}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := appLink(tt.raw, tt.allowed...)
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Errorf("appLink(%q, %q) = %q, %v; want %q, error %v", tt.raw, tt.allowed, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestPolicy(t *testing.T) {
	const common = "; base-uri 'none'; object-src 'none'; form-action 'none'; frame-ancestors 'none'"
	tests := []struct {
		name, partneroJS, presentation string
		domain                         *resolve.Domain
		want                           string
	}{
		{"page with loader and image", testJSURL, IOS, alpha(),
			"default-src 'self'; script-src 'nonce-NONCE' 'self' https://app.partnero.com; style-src 'self'; " +
				"img-src 'self' data: https://app.partnero.com https://assets.partnero.com https://cdn.alpha.com; " +
				"connect-src 'self' https://app.partnero.com https://assets.partnero.com" + common},
		{"every page but the preview has the same policy", testJSURL, Android, alpha(),
			"default-src 'self'; script-src 'nonce-NONCE' 'self' https://app.partnero.com; style-src 'self'; " +
				"img-src 'self' data: https://app.partnero.com https://assets.partnero.com https://cdn.alpha.com; " +
				"connect-src 'self' https://app.partnero.com https://assets.partnero.com" + common},
		{"no loader", "", Desktop, alpha(),
			"default-src 'self'; script-src 'nonce-NONCE' 'self'; style-src 'self'; " +
				"img-src 'self' data: https://cdn.alpha.com; connect-src 'self'" + common},
		{"no program id: no loader", testJSURL, IOS, with(func(d *resolve.Domain) { d.PublicID = "" }),
			"default-src 'self'; script-src 'nonce-NONCE' 'self'; style-src 'self'; " +
				"img-src 'self' data: https://cdn.alpha.com; connect-src 'self'" + common},
		{"no image", testJSURL, IOS, with(func(d *resolve.Domain) { d.Preview.Image = "" }),
			"default-src 'self'; script-src 'nonce-NONCE' 'self' https://app.partnero.com; style-src 'self'; " +
				"img-src 'self' data: https://app.partnero.com https://assets.partnero.com; " +
				"connect-src 'self' https://app.partnero.com https://assets.partnero.com" + common},
		{"image on the loader's origin: named once", testJSURL, IOS,
			with(func(d *resolve.Domain) { d.Preview.Image = "https://APP.partnero.com/og.png" }),
			"default-src 'self'; script-src 'nonce-NONCE' 'self' https://app.partnero.com; style-src 'self'; " +
				"img-src 'self' data: https://app.partnero.com https://assets.partnero.com; " +
				"connect-src 'self' https://app.partnero.com https://assets.partnero.com" + common},
		{"preview runs no script", testJSURL, Preview, alpha(),
			"default-src 'none'; script-src 'none'; style-src 'self'; " +
				"img-src 'self' data: https://app.partnero.com https://assets.partnero.com https://cdn.alpha.com" + common},
		{"preview without loader or image", "", Preview, with(func(d *resolve.Domain) { d.Preview.Image = "" }),
			"default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self' data:" + common},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewSite(tt.domain, "go.alpha.com", tt.partneroJS)
			if err != nil {
				t.Fatalf("NewSite() = %v", err)
			}
			if got := s.Policy(tt.presentation, testNonce); got != tt.want {
				t.Errorf("Policy(%q, %q) =\n%s\nwant\n%s", tt.presentation, testNonce, got, tt.want)
			}
		})
	}
}

func TestNewSiteRejects(t *testing.T) {
	tests := []struct {
		name       string
		domain     *resolve.Domain
		partneroJS string
		wantErr    string
	}{
		{"loader not a URL", alpha(), "app.partnero.com/js", `partnero js_url: "app.partnero.com/js": not an absolute http(s) URL`},
		{"loader with odd host", alpha(), "https://a;b.example/x.js", `partnero js_url: "https://a;b.example/x.js": host "a;b.example" is not a plain host name`},
		{"loader javascript", alpha(), "javascript:alert(1)", `partnero js_url: "javascript:alert(1)": not an absolute http(s) URL`},
		{"image not http", with(func(d *resolve.Domain) { d.Preview.Image = "ftp://cdn.alpha.com/og.png" }), testJSURL,
			`preview image: "ftp://cdn.alpha.com/og.png": not an absolute http(s) URL`},
		{"no domain", nil, testJSURL, "page site go.alpha.com: no domain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewSite(tt.domain, "go.alpha.com", tt.partneroJS)
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("NewSite() error = %v; want %q", err, tt.wantErr)
			}
		})
	}
}

func TestWebOrigin(t *testing.T) {
	tests := []struct {
		raw, want string
		wantErr   string // a part of the error; "" for none
	}{
		{"https://app.partnero.com/js/universal.js", "https://app.partnero.com", ""},
		{"HTTPS://App.Partnero.COM:8443/x?y#z", "https://app.partnero.com:8443", ""},
		{"http://cdn.example/og.png", "http://cdn.example", ""},
		{"app.partnero.com/js", "", "not an absolute http(s) URL"},
		{"//app.partnero.com/js", "", "not an absolute http(s) URL"},
		{"javascript:alert(1)", "", "not an absolute http(s) URL"},
		{"data:image/png;base64,AAAA", "", "not an absolute http(s) URL"},
		{"ftp://cdn.example/og.png", "", "not an absolute http(s) URL"},
		{"https:///no-host", "", "not an absolute http(s) URL"},
		{"https://user:pw@cdn.example/", "", "not an absolute http(s) URL"},
		{"https://a;b.example/", "", "is not a plain host name"},
		{"https://a_b.example/", "", "is not a plain host name"},
		{"https://[::1]/", "", "is not a plain host name"},
		{"https://cdn.example%2f.evil/", "", "invalid URL escape"},
		{"https://cdn example/", "", "invalid character"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, err := webOrigin(tt.raw)
			if got != tt.want || (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("webOrigin(%q) = %q, %v; want %q, error containing %q", tt.raw, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestOnWebOrigin(t *testing.T) {
	site := newSite(t, alpha())
	noFallback := newSite(t, with(func(d *resolve.Domain) { d.Fallback = nil }))
	tests := []struct {
		name string
		site *Site
		loc  string
		want bool
	}{
		{"the fallback", site, "https://alpha.com/signup?lang=en&ref=K1", true},
		{"the bare origin", site, "https://alpha.com", true},
		{"query right after the host", site, "https://alpha.com?ref=K1", true},
		{"fragment right after the host", site, "https://alpha.com#x", true},
		{"a longer host", site, "https://alpha.com.evil.example/", false},
		{"a host with more letters", site, "https://alpha.community/", false},
		{"user info trick", site, "https://alpha.com@evil.example/", false},
		{"another port", site, "https://alpha.com:8443/", false},
		{"plain http", site, "http://alpha.com/", false},
		{"the origin in the query", site, "https://evil.example/?u=https://alpha.com/", false},
		{"protocol-relative", site, "//alpha.com/", false},
		{"empty", site, "", false},
		{"no fallback: nothing", noFallback, "https://alpha.com/", false},
		{"no fallback: not even empty", noFallback, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.site.OnWebOrigin(tt.loc); got != tt.want {
				t.Errorf("OnWebOrigin(%q) = %v; want %v", tt.loc, got, tt.want)
			}
		})
	}
}
