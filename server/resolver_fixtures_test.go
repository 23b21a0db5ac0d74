package server

import (
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/deeplinkd/deeplinkd/internal/attribution"
	"github.com/deeplinkd/deeplinkd/internal/partnero"
	"github.com/deeplinkd/deeplinkd/internal/resolve"
)

// Real user agents, one per row of the decision table (and the in-app and
// iPad corners of it).
const (
	uaIPhone          = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
	uaIPhoneInstagram = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 323.0.3.23.54 (iPhone15,2; iOS 17_4; en_US; en; scale=3.00; 1179x2556; 570395284)"
	uaIPad            = "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
	uaAndroid         = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36"
	uaAndroidWebView  = "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP1A.240405.002; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36"
	uaAndroidFB       = "Mozilla/5.0 (Linux; Android 14; SM-S918B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/459.0.0.48.108;]"
	uaWindows         = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
	uaMacSafari       = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15"
	uaMacChrome       = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
	uaFacebookBot     = "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"
	uaTwitterBot      = "Twitterbot/1.0"
	uaWhatsApp        = "WhatsApp/2.23.20.0"
)

// The API tokens of the link fixtures. The values must never show up in
// a page, an answer or a log line.
const (
	tokenMain = "tok-main-7f3a9c1e5b2d4f60"
	tokenBeta = "tok-beta-0c8e2a4f6b1d3957"
)

// programKeyMain is program main's Partnero API key in the link
// fixtures; like the tokens, it must never show.
const programKeyMain = "pk-main-5d1e9b3f7a2c"

// The PartneroJS loader the link sites use.
const testJSURL = "https://app.partnero.com/js/universal.js"

func mustParseURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatalf("url.Parse(%q): %v", s, err)
	}
	return u
}

// linkAlpha is go.alpha.com (alias open.alpha.com) of program "main": both
// apps, an Apple scheme, two referral parameters, path keys, desktop page
// mode and full branding: the richest pages.
func linkAlpha(t testing.TB) Site {
	s := siteA()
	s.Program = "main"
	s.PartneroJS = testJSURL
	s.Domain = &resolve.Domain{
		Hosts:    []string{"go.alpha.com", "open.alpha.com"},
		OpenHost: "open.alpha.com",
		Params:   []string{"ref", "via"},
		PathKeys: true,
		Apple:    []resolve.AppleApp{{AppID: "ABCDE12345.com.alpha.app", AppStoreID: "1234567890", Scheme: "alphaapp"}},
		Android:  []resolve.AndroidApp{{Package: "com.alpha.app"}},
		Fallback: mustParseURL(t, "https://alpha.com/signup?lang=en"),
		Desktop:  resolve.DesktopPage,
		Preview: resolve.Preview{
			Title:       "Join Alpha",
			Description: "Get a reward when you sign up.",
			Image:       "https://cdn.alpha.com/og.png",
		},
		PublicID: "P1234567",
	}
	return s
}

// linkBeta is links.beta.org of program "beta": no alias (so "Open in
// app" is the Apple scheme), an Android scheme, desktop redirect mode and
// no preview image.
func linkBeta(t testing.TB) Site {
	s := siteB()
	s.Program = "beta"
	s.PartneroJS = testJSURL
	s.Domain = &resolve.Domain{
		Hosts:    []string{"links.beta.org"},
		Params:   []string{"ref"},
		PathKeys: true,
		Apple:    []resolve.AppleApp{{AppID: "ZYXWV98765.org.beta.app", AppStoreID: "987654321", Scheme: "betaapp"}},
		Android:  []resolve.AndroidApp{{Package: "org.beta.app", Scheme: "beta-app"}},
		Fallback: mustParseURL(t, "https://beta.org/join"),
		Desktop:  resolve.DesktopRedirect,
		Preview:  resolve.Preview{Title: "Beta"},
		PublicID: "PBETA001",
	}
	return s
}

// linkGamma is r.gamma.net of program "main": no apps at all, the key in
// "via" only, no path keys, desktop redirect mode.
func linkGamma(t testing.TB) Site {
	return Site{
		Hosts:      []string{"r.gamma.net"},
		Program:    "main",
		PartneroJS: testJSURL,
		Domain: &resolve.Domain{
			Hosts:    []string{"r.gamma.net"},
			Params:   []string{"via"},
			Fallback: mustParseURL(t, "https://shop.gamma.net/join"),
			Desktop:  resolve.DesktopRedirect,
			PublicID: "P1234567",
		},
	}
}

// configuredHosts are every host a link fixture may send a visitor to:
// the sites' own, their fallbacks, the stores.
var configuredHosts = []string{
	"go.alpha.com", "open.alpha.com", "alpha.com", "links.beta.org", "beta.org",
	"r.gamma.net", "shop.gamma.net", "apps.apple.com", "play.google.com",
}

// newLinkServer is a Server over the three link sites (alpha, beta and
// gamma), with one API token for program "main" and one for "beta".
func newLinkServer(t testing.TB, opts Options) *testServer {
	t.Helper()
	logs := &syncBuffer{}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if opts.Registry == nil {
		opts.Registry = prometheus.NewRegistry()
	}
	snap := mustSnapshotOf(t, SnapshotSpec{
		Sites:          []Site{linkAlpha(t), linkBeta(t), linkGamma(t)},
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
		Tokens: []Token{
			NewToken("backend", "main", tokenMain),
			NewToken("beta-backend", "beta", tokenBeta),
		},
		Programs: map[string]attribution.Program{
			"main": {Type: partnero.Affiliate, APIKey: func() string { return programKeyMain }},
		},
	})
	return &testServer{Server: newServer(opts, snap), logs: logs, reg: opts.Registry}
}

// visit sends GET target to h with Host host and User-Agent ua.
func visit(h http.Handler, host, target, ua string) *http.Response {
	rec := do(h, http.MethodGet, host, target, http.Header{"User-Agent": {ua}})
	return rec.Result()
}

// locationHostOK reports whether a Location header, if any, points at a
// configured host (or is relative).
func locationHostOK(loc string) bool {
	if loc == "" {
		return true
	}
	u, err := url.Parse(loc)
	if err != nil {
		return false
	}
	if u.Host == "" && u.Scheme == "" && !strings.HasPrefix(loc, "//") && !strings.HasPrefix(loc, "\\") {
		return true
	}
	for _, h := range configuredHosts {
		if strings.EqualFold(u.Hostname(), h) && (u.Scheme == "https" || u.Scheme == "http") {
			return true
		}
	}
	return false
}
