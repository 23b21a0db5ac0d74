package server

import (
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// pageLinks are the links and tags a page shows, read through the parser.
type pageLinks struct {
	Open, OpenCopy, Store, StoreCopy, Web, Continue, ContinueDelay string
	SmartBanner                                                    string
}

func readLinks(p *page) pageLinks {
	l := pageLinks{Open: p.href("open"), Store: p.href("store"), Web: p.href("web"), Continue: p.href("continue")}
	if n := p.byID("open"); n != nil {
		l.OpenCopy, _ = attr(n, "data-copy")
	}
	if n := p.byID("store"); n != nil {
		l.StoreCopy, _ = attr(n, "data-copy")
	}
	if n := p.byID("continue"); n != nil {
		l.ContinueDelay, _ = attr(n, "data-continue")
	}
	l.SmartBanner, _ = p.meta("name", "apple-itunes-app")
	return l
}

func TestPageLinks(t *testing.T) {
	h := newLinkServer(t, Options{}).Public()
	const (
		alphaLink = "https://go.alpha.com/?ref=ABC123"
		betaLink  = "https://links.beta.org/promo?ref=ABC123&utm_source=mail"
		playAlpha = "https://play.google.com/store/apps/details?id=com.alpha.app&referrer=ref%3DABC123%26route%3D%252F"
	)
	tests := []struct {
		name, host, target, ua string
		want                   pageLinks
	}{
		{"ios: open host, store, banner, web", "go.alpha.com", "/?ref=ABC123", uaIPhone, pageLinks{
			Open: "https://open.alpha.com/?ref=ABC123", OpenCopy: alphaLink,
			Store: "https://apps.apple.com/app/id1234567890", StoreCopy: alphaLink,
			Web:         "https://alpha.com/signup?lang=en&ref=ABC123",
			SmartBanner: "app-id=1234567890, app-argument=" + alphaLink,
		}},
		{"ios: scheme when there is no alias, route carried", "links.beta.org", "/ABC123/promo?utm_source=mail", uaIPhone, pageLinks{
			Open: "betaapp:///promo?ref=ABC123&utm_source=mail", OpenCopy: betaLink,
			Store: "https://apps.apple.com/app/id987654321", StoreCopy: betaLink,
			Web:         "https://beta.org/join?ref=ABC123&utm_source=mail",
			SmartBanner: "app-id=987654321, app-argument=" + betaLink,
		}},
		{"ios: no key, nothing to copy", "go.alpha.com", "/", uaIPhone, pageLinks{
			Open: "https://open.alpha.com/", Store: "https://apps.apple.com/app/id1234567890",
			Web:         "https://alpha.com/signup?lang=en",
			SmartBanner: "app-id=1234567890, app-argument=https://go.alpha.com/",
		}},
		{"ios: no apps, web only", "r.gamma.net", "/?via=ABC123", uaIPhone, pageLinks{
			Web: "https://shop.gamma.net/join?via=ABC123",
		}},
		{"android: intent and play referrer", "go.alpha.com", "/ABC123", uaAndroid, pageLinks{
			Open: "intent://open.alpha.com/?ref=ABC123#Intent;scheme=https;package=com.alpha.app;S.browser_fallback_url=" +
				url.QueryEscape(playAlpha) + ";end",
			OpenCopy: alphaLink, Store: playAlpha, StoreCopy: alphaLink,
			Web: "https://alpha.com/signup?lang=en&ref=ABC123",
		}},
		{"android: app scheme intent", "links.beta.org", "/?ref=ABC123", uaAndroid, pageLinks{
			Open: "intent:///?ref=ABC123#Intent;scheme=beta-app;package=org.beta.app;S.browser_fallback_url=" +
				url.QueryEscape("https://play.google.com/store/apps/details?id=org.beta.app&referrer=ref%3DABC123%26route%3D%252F") + ";end",
			OpenCopy: "https://links.beta.org/?ref=ABC123",
			Store:    "https://play.google.com/store/apps/details?id=org.beta.app&referrer=ref%3DABC123%26route%3D%252F", StoreCopy: "https://links.beta.org/?ref=ABC123",
			Web: "https://beta.org/join?ref=ABC123",
		}},
		{"desktop page: continue after a moment", "go.alpha.com", "/?ref=ABC123", uaWindows, pageLinks{
			Continue: "https://alpha.com/signup?lang=en&ref=ABC123", ContinueDelay: "1500",
		}},
		{"mac safari, page mode: ios page plus a delayed continue", "go.alpha.com", "/?ref=ABC123", uaMacSafari, pageLinks{
			Open: "https://open.alpha.com/?ref=ABC123", OpenCopy: alphaLink,
			Store: "https://apps.apple.com/app/id1234567890", StoreCopy: alphaLink,
			Web:      "https://alpha.com/signup?lang=en&ref=ABC123",
			Continue: "https://alpha.com/signup?lang=en&ref=ABC123", ContinueDelay: "1500",
			SmartBanner: "app-id=1234567890, app-argument=" + alphaLink,
		}},
		{"mac safari, redirect mode: continue at once on a mac", "links.beta.org", "/?ref=ABC123", uaMacSafari, pageLinks{
			Open: "betaapp:///?ref=ABC123", OpenCopy: "https://links.beta.org/?ref=ABC123",
			Store: "https://apps.apple.com/app/id987654321", StoreCopy: "https://links.beta.org/?ref=ABC123",
			Web:      "https://beta.org/join?ref=ABC123",
			Continue: "https://beta.org/join?ref=ABC123", ContinueDelay: "0",
			SmartBanner: "app-id=987654321, app-argument=https://links.beta.org/?ref=ABC123",
		}},
		{"preview: a continue for the odd human", "go.alpha.com", "/?ref=ABC123", uaTwitterBot, pageLinks{
			Web: "https://alpha.com/signup?lang=en&ref=ABC123",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := parsePage(t, visit(h, tt.host, tt.target, tt.ua))
			checkSafe(t, p)
			if diff := cmp.Diff(tt.want, readLinks(p)); diff != "" {
				t.Errorf("GET %s%s links (-want +got):\n%s", tt.host, tt.target, diff)
			}
		})
	}
}

// TestPageLoader: every page but the preview loads PartneroJS the way
// partnero/API.md section 6 describes, in a script whose nonce is the
// policy's, and the policy allows exactly the loader's origin.
func TestPageLoader(t *testing.T) {
	h := newLinkServer(t, Options{}).Public()
	for _, ua := range []string{uaIPhone, uaAndroid, uaWindows, uaMacSafari} {
		t.Run(ua[:24], func(t *testing.T) {
			p := parsePage(t, visit(h, "go.alpha.com", "/?ref=ABC123", ua))
			nonce := p.cspNonce()
			if len(nonce) < 20 {
				t.Fatalf("CSP nonce = %q; want 128 random bits", nonce)
			}
			var loaders []string
			for _, s := range p.elements("script") {
				if n, ok := attr(s, "nonce"); ok && n == nonce {
					loaders = append(loaders, text(s))
				}
			}
			if len(loaders) != 1 {
				t.Fatalf("found %d scripts with the policy's nonce; want 1", len(loaders))
			}
			for _, want := range []string{
				`w.__partnerObject = name;`,
				`s.async = 1;`,
				`})(window, document, "script", "https://app.partnero.com/js/universal.js", "po");`,
				`po("settings", "assets_host", "https://assets.partnero.com");`,
				`po("program", "P1234567", "load");`,
			} {
				if !strings.Contains(loaders[0], want) {
					t.Errorf("loader lacks %q:\n%s", want, loaders[0])
				}
			}
			csp := p.res.Header.Get("Content-Security-Policy")
			for _, want := range []string{
				"script-src 'nonce-" + nonce + "' 'self' https://app.partnero.com;",
				"connect-src 'self' https://app.partnero.com https://assets.partnero.com;",
				"img-src 'self' data: https://app.partnero.com https://assets.partnero.com https://cdn.alpha.com;",
				"object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'",
			} {
				if !strings.Contains(csp, want) {
					t.Errorf("Content-Security-Policy lacks %q: %s", want, csp)
				}
			}
			if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
				t.Errorf("Content-Security-Policy allows inline or eval: %s", csp)
			}
		})
	}
	t.Run("nonce differs per request", func(t *testing.T) {
		a := parsePage(t, visit(h, "go.alpha.com", "/", uaIPhone)).cspNonce()
		b := parsePage(t, visit(h, "go.alpha.com", "/", uaIPhone)).cspNonce()
		if a == b {
			t.Errorf("two pages share the nonce %q", a)
		}
	})
}

// TestPreviewTags: bots get Open Graph and Twitter Card tags from the
// preview config, generic ones without a key, and no script at all.
func TestPreviewTags(t *testing.T) {
	h := newLinkServer(t, Options{}).Public()
	tests := []struct {
		name, host, target string
		want               map[string]string // "property og:x" or "name twitter:x" -> content; "" = absent
	}{
		{"full branding", "go.alpha.com", "/ABC123/promo", map[string]string{
			"property og:title": "Join Alpha", "property og:type": "website",
			"property og:image": "https://cdn.alpha.com/og.png", "property og:url": "https://go.alpha.com/promo?ref=ABC123",
			"property og:description": "Get a reward when you sign up.", "name twitter:card": "summary_large_image",
			"name twitter:title": "Join Alpha", "name description": "Get a reward when you sign up.",
			"name robots": "noindex", "name apple-itunes-app": "",
		}},
		{"no key: generic tags", "go.alpha.com", "/", map[string]string{
			"property og:title": "Join Alpha", "property og:url": "https://go.alpha.com/",
			"property og:image": "https://cdn.alpha.com/og.png", "name twitter:card": "summary_large_image",
		}},
		{"invalid key: generic tags", "go.alpha.com", "/?ref=%3Cb%3E", map[string]string{
			"property og:title": "Join Alpha", "property og:url": "https://go.alpha.com/",
		}},
		{"no image: small card", "links.beta.org", "/?ref=ABC123", map[string]string{
			"property og:title": "Beta", "property og:image": "", "name twitter:card": "summary",
			"property og:description": "",
		}},
		{"no preview config: the host", "r.gamma.net", "/?via=ABC123", map[string]string{
			"property og:title": "r.gamma.net", "property og:url": "https://r.gamma.net/?via=ABC123",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := visit(h, tt.host, tt.target, uaFacebookBot)
			p := parsePage(t, res)
			checkSafe(t, p)
			for k, want := range tt.want {
				key, value, _ := strings.Cut(k, " ")
				got, ok := p.meta(key, value)
				if want == "" && ok {
					t.Errorf("<meta %s=%q> = %q; want none", key, value, got)
				}
				if want != "" && got != want {
					t.Errorf("<meta %s=%q> = %q; want %q", key, value, got, want)
				}
			}
			if n := len(p.elements("script")); n != 0 {
				t.Errorf("preview has %d scripts; want none (a bot must not record a click)", n)
			}
			if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'none'") {
				t.Errorf("preview Content-Security-Policy = %q; want script-src 'none'", csp)
			}
		})
	}
}

// TestNewSnapshotRejectsPageConfig: a site whose pages cannot be
// prepared fails the snapshot, naming the site (internal/page's tests
// cover every rule).
func TestNewSnapshotRejectsPageConfig(t *testing.T) {
	s := linkAlpha(t)
	s.PartneroJS = "javascript:alert(1)"
	_, err := NewSnapshot(SnapshotSpec{Sites: []Site{s}})
	const want = "site 0 (go.alpha.com): partnero js_url: "
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("NewSnapshot() error = %v; want one starting %q", err, want)
	}
}
