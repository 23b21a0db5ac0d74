package page

import (
	"net/url"
	"testing"

	"github.com/deeplinkd/deeplinkd/internal/resolve"
	"github.com/deeplinkd/deeplinkd/internal/useragent"
)

// testJSURL is the PartneroJS loader the fixtures load.
const testJSURL = "https://app.partnero.com/js/universal.js"

// testNonce stands in for a request's nonce.
const testNonce = "NONCE"

// alpha is the richest domain: both apps, an Apple scheme (configured in
// mixed case), desktop page mode, full branding, a program id.
func alpha() *resolve.Domain {
	return &resolve.Domain{
		Hosts:    []string{"go.alpha.com", "open.alpha.com"},
		OpenHost: "open.alpha.com",
		Apple:    []resolve.AppleApp{{AppID: "ABCDE12345.com.alpha.app", AppStoreID: "1234567890", Scheme: "AlphaApp"}},
		Android:  []resolve.AndroidApp{{Package: "com.alpha.app"}},
		Fallback: &url.URL{Scheme: "https", Host: "alpha.com", Path: "/signup", RawQuery: "lang=en"},
		Desktop:  resolve.DesktopPage,
		Preview: resolve.Preview{
			Title:       "Join Alpha",
			Description: "Get a reward when you sign up.",
			Image:       "https://cdn.alpha.com/og.png",
		},
		PublicID: "P1234567",
	}
}

// with returns alpha changed by edit.
func with(edit func(d *resolve.Domain)) *resolve.Domain {
	d := alpha()
	edit(d)
	return d
}

// newSite prepares d as go.alpha.com with the test loader, failing the
// test if it cannot.
func newSite(t testing.TB, d *resolve.Domain) *Site {
	t.Helper()
	s, err := NewSite(d, "go.alpha.com", testJSURL)
	if err != nil {
		t.Fatalf("NewSite(%s) = %v", d.Hosts[0], err)
	}
	return s
}

// alphaLinks are the links resolve builds for key K1 on alpha.
var alphaLinks = resolve.PageLinks{
	Canonical:           "https://go.alpha.com/?ref=K1",
	Web:                 "https://alpha.com/signup?lang=en&ref=K1",
	AppStore:            "https://apps.apple.com/app/id1234567890",
	Play:                "https://play.google.com/store/apps/details?id=com.alpha.app&referrer=ref%3DK1",
	Intent:              "intent://open.alpha.com/?ref=K1#Intent;scheme=https;package=com.alpha.app;end",
	OpenInApp:           "https://open.alpha.com/?ref=K1",
	SmartBannerArgument: "https://go.alpha.com/?ref=K1",
	Copy:                "https://go.alpha.com/?ref=K1",
}

// webOnly are the links of a domain with no apps.
var webOnly = resolve.PageLinks{
	Canonical: alphaLinks.Canonical,
	Web:       alphaLinks.Web,
	Copy:      alphaLinks.Copy,
}

// linksWith returns alphaLinks changed by edit.
func linksWith(edit func(l *resolve.PageLinks)) resolve.PageLinks {
	l := alphaLinks
	edit(&l)
	return l
}

// pageFor is a page decision for a visitor on platform p.
func pageFor(p useragent.Platform, l resolve.PageLinks) resolve.Decision {
	return resolve.Decision{Action: resolve.ActionPage, Platform: p, Key: "K1", Route: "/", Links: l}
}

// inApp is dec seen from an in-app browser.
func inApp(dec resolve.Decision, app string) resolve.Decision {
	dec.InApp = app
	return dec
}

// maybeIPad is dec for a Mac Safari user agent.
func maybeIPad(dec resolve.Decision) resolve.Decision {
	dec.MaybeIPad = true
	return dec
}

// previewFor is a bot's decision.
func previewFor(l resolve.PageLinks) resolve.Decision {
	return resolve.Decision{Action: resolve.ActionPreview, Platform: useragent.Bot, Key: "K1", Route: "/", Links: l}
}
