package resolve

import (
	"testing"

	"github.com/deeplinkd/deeplinkd/internal/useragent"
	"github.com/google/go-cmp/cmp"
)

func TestDecideLinks(t *testing.T) {
	noApps := fullDomain()
	noApps.Apple, noApps.Android = nil, nil
	aliasIsCanonical := schemeDomain()
	aliasIsCanonical.OpenHost = "GO.example.com"
	noScheme := schemeDomain()
	noScheme.Apple[0].Scheme = ""
	noScheme.Android[0].Scheme = ""
	noStoreID := fullDomain()
	noStoreID.Apple[0].AppStoreID = ""
	fallbackRef := bareDomain()
	fallbackRef.Fallback = mustURL("https://shop.example.org/join?via=house&src=ours#top")
	badConfig := fullDomain()
	badConfig.OpenHost = ""
	badConfig.Apple[0].Scheme = "javascript"
	badConfig.Android[0].Package = "com.example;S.x=y"

	// The Play URL and its encoded form in the intent, for the promo link.
	const (
		play       = "https://play.google.com/store/apps/details?id=com.example.app&referrer=ref%3DABC123%26route%3D%252Fpromo%253Futm%253D1"
		playInFrag = "https%3A%2F%2Fplay.google.com%2Fstore%2Fapps%2Fdetails%3Fid%3Dcom.example.app%26referrer%3Dref%253DABC123%2526route%253D%25252Fpromo%25253Futm%25253D1"
	)
	promo := Link{Key: "ABC123", Route: "/promo?utm=1"}

	tests := []struct {
		name string
		d    *Domain
		l    Link
		want PageLinks
	}{
		{"full domain", fullDomain(), promo, PageLinks{
			Canonical:           "https://go.example.com/promo?ref=ABC123&utm=1",
			Web:                 "https://example.com/signup?lang=en&ref=ABC123&utm=1",
			AppStore:            "https://apps.apple.com/app/id1234567890",
			Play:                play,
			Intent:              "intent://open.example.com/promo?ref=ABC123&utm=1#Intent;scheme=https;package=com.example.app;S.browser_fallback_url=" + playInFrag + ";end",
			OpenInApp:           "https://open.example.com/promo?ref=ABC123&utm=1",
			SmartBannerArgument: "https://go.example.com/promo?ref=ABC123&utm=1",
			Copy:                "https://go.example.com/promo?ref=ABC123&utm=1",
		}},
		{"click id in the links to the app only", fullDomain(), Link{Key: "ABC123", Route: "/promo?utm=1", ClickID: "clk2345abcdefghijklmnopqr"}, PageLinks{
			Canonical: "https://go.example.com/promo?ref=ABC123&utm=1",
			Web:       "https://example.com/signup?lang=en&ref=ABC123&utm=1",
			AppStore:  "https://apps.apple.com/app/id1234567890",
			Play:      "https://play.google.com/store/apps/details?id=com.example.app&referrer=ref%3DABC123%26route%3D%252Fpromo%253Futm%253D1%26dl_click%3Dclk2345abcdefghijklmnopqr",
			Intent: "intent://open.example.com/promo?ref=ABC123&utm=1&dl_click=clk2345abcdefghijklmnopqr#Intent;scheme=https;package=com.example.app;S.browser_fallback_url=" +
				"https%3A%2F%2Fplay.google.com%2Fstore%2Fapps%2Fdetails%3Fid%3Dcom.example.app%26referrer%3Dref%253DABC123%2526route%253D%25252Fpromo%25253Futm%25253D1%2526dl_click%253Dclk2345abcdefghijklmnopqr;end",
			OpenInApp:           "https://open.example.com/promo?ref=ABC123&utm=1&dl_click=clk2345abcdefghijklmnopqr",
			SmartBannerArgument: "https://go.example.com/promo?ref=ABC123&utm=1&dl_click=clk2345abcdefghijklmnopqr",
			Copy:                "https://go.example.com/promo?ref=ABC123&utm=1&dl_click=clk2345abcdefghijklmnopqr",
		}},
		{"click id without a key or route query", fullDomain(), Link{Route: "/", ClickID: "clk2345abcdefghijklmnopqr"}, PageLinks{
			Canonical:           "https://go.example.com/",
			Web:                 "https://example.com/signup?lang=en",
			AppStore:            "https://apps.apple.com/app/id1234567890",
			Play:                "https://play.google.com/store/apps/details?id=com.example.app&referrer=route%3D%252F%26dl_click%3Dclk2345abcdefghijklmnopqr",
			Intent:              "intent://open.example.com/?dl_click=clk2345abcdefghijklmnopqr#Intent;scheme=https;package=com.example.app;S.browser_fallback_url=https%3A%2F%2Fplay.google.com%2Fstore%2Fapps%2Fdetails%3Fid%3Dcom.example.app%26referrer%3Droute%253D%25252F%2526dl_click%253Dclk2345abcdefghijklmnopqr;end",
			OpenInApp:           "https://open.example.com/?dl_click=clk2345abcdefghijklmnopqr",
			SmartBannerArgument: "https://go.example.com/?dl_click=clk2345abcdefghijklmnopqr",
		}},
		{"invalid hand-made click id is dropped", fullDomain(), Link{Route: "/", ClickID: "short"}, PageLinks{
			Canonical:           "https://go.example.com/",
			Web:                 "https://example.com/signup?lang=en",
			AppStore:            "https://apps.apple.com/app/id1234567890",
			Play:                "https://play.google.com/store/apps/details?id=com.example.app&referrer=route%3D%252F",
			Intent:              "intent://open.example.com/#Intent;scheme=https;package=com.example.app;S.browser_fallback_url=https%3A%2F%2Fplay.google.com%2Fstore%2Fapps%2Fdetails%3Fid%3Dcom.example.app%26referrer%3Droute%253D%25252F;end",
			OpenInApp:           "https://open.example.com/",
			SmartBannerArgument: "https://go.example.com/",
		}},
		{"no key", fullDomain(), Link{Route: "/promo?utm=1"}, PageLinks{
			Canonical:           "https://go.example.com/promo?utm=1",
			Web:                 "https://example.com/signup?lang=en&utm=1",
			AppStore:            "https://apps.apple.com/app/id1234567890",
			Play:                "https://play.google.com/store/apps/details?id=com.example.app&referrer=route%3D%252Fpromo%253Futm%253D1",
			Intent:              "intent://open.example.com/promo?utm=1#Intent;scheme=https;package=com.example.app;S.browser_fallback_url=https%3A%2F%2Fplay.google.com%2Fstore%2Fapps%2Fdetails%3Fid%3Dcom.example.app%26referrer%3Droute%253D%25252Fpromo%25253Futm%25253D1;end",
			OpenInApp:           "https://open.example.com/promo?utm=1",
			SmartBannerArgument: "https://go.example.com/promo?utm=1",
		}},
		{"fallback's own items win, redirect-like items stay off the web", fullDomain(),
			Link{Key: "ABC123", Route: "/?lang=fr&next=https%3A%2F%2Fevil.com&Redirect=x&keep=1"}, PageLinks{
				Canonical:           "https://go.example.com/?ref=ABC123&lang=fr&next=https%3A%2F%2Fevil.com&Redirect=x&keep=1",
				Web:                 "https://example.com/signup?lang=en&ref=ABC123&keep=1",
				AppStore:            "https://apps.apple.com/app/id1234567890",
				Play:                "https://play.google.com/store/apps/details?id=com.example.app&referrer=ref%3DABC123%26route%3D%252F%253Flang%253Dfr%2526next%253Dhttps%25253A%25252F%25252Fevil.com%2526Redirect%253Dx%2526keep%253D1",
				Intent:              "intent://open.example.com/?ref=ABC123&lang=fr&next=https%3A%2F%2Fevil.com&Redirect=x&keep=1#Intent;scheme=https;package=com.example.app;S.browser_fallback_url=https%3A%2F%2Fplay.google.com%2Fstore%2Fapps%2Fdetails%3Fid%3Dcom.example.app%26referrer%3Dref%253DABC123%2526route%253D%25252F%25253Flang%25253Dfr%252526next%25253Dhttps%2525253A%2525252F%2525252Fevil.com%252526Redirect%25253Dx%252526keep%25253D1;end",
				OpenInApp:           "https://open.example.com/?ref=ABC123&lang=fr&next=https%3A%2F%2Fevil.com&Redirect=x&keep=1",
				SmartBannerArgument: "https://go.example.com/?ref=ABC123&lang=fr&next=https%3A%2F%2Fevil.com&Redirect=x&keep=1",
				Copy:                "https://go.example.com/?ref=ABC123&lang=fr&next=https%3A%2F%2Fevil.com&Redirect=x&keep=1",
			}},
		{"no alias: apple scheme opens, android custom scheme", schemeDomain(), promo, PageLinks{
			Canonical:           "https://go.example.com/promo?ref=ABC123&utm=1",
			Web:                 "https://example.com/signup?lang=en&ref=ABC123&utm=1",
			AppStore:            "https://apps.apple.com/app/id1234567890",
			Play:                play,
			Intent:              "intent:///promo?ref=ABC123&utm=1#Intent;scheme=example-app;package=com.example.app;S.browser_fallback_url=" + playInFrag + ";end",
			OpenInApp:           "exampleapp:///promo?ref=ABC123&utm=1",
			SmartBannerArgument: "https://go.example.com/promo?ref=ABC123&utm=1",
			Copy:                "https://go.example.com/promo?ref=ABC123&utm=1",
		}},
		{"open host equal to canonical is not used", aliasIsCanonical, promo, PageLinks{
			Canonical:           "https://go.example.com/promo?ref=ABC123&utm=1",
			Web:                 "https://example.com/signup?lang=en&ref=ABC123&utm=1",
			AppStore:            "https://apps.apple.com/app/id1234567890",
			Play:                play,
			Intent:              "intent:///promo?ref=ABC123&utm=1#Intent;scheme=example-app;package=com.example.app;S.browser_fallback_url=" + playInFrag + ";end",
			OpenInApp:           "exampleapp:///promo?ref=ABC123&utm=1",
			SmartBannerArgument: "https://go.example.com/promo?ref=ABC123&utm=1",
			Copy:                "https://go.example.com/promo?ref=ABC123&utm=1",
		}},
		{"no alias, no scheme: no open-in-app, intent on canonical host", noScheme, promo, PageLinks{
			Canonical:           "https://go.example.com/promo?ref=ABC123&utm=1",
			Web:                 "https://example.com/signup?lang=en&ref=ABC123&utm=1",
			AppStore:            "https://apps.apple.com/app/id1234567890",
			Play:                play,
			Intent:              "intent://go.example.com/promo?ref=ABC123&utm=1#Intent;scheme=https;package=com.example.app;S.browser_fallback_url=" + playInFrag + ";end",
			SmartBannerArgument: "https://go.example.com/promo?ref=ABC123&utm=1",
			Copy:                "https://go.example.com/promo?ref=ABC123&utm=1",
		}},
		{"no App Store id: no store button, no banner", noStoreID, promo, PageLinks{
			Canonical: "https://go.example.com/promo?ref=ABC123&utm=1",
			Web:       "https://example.com/signup?lang=en&ref=ABC123&utm=1",
			Play:      play,
			Intent:    "intent://open.example.com/promo?ref=ABC123&utm=1#Intent;scheme=https;package=com.example.app;S.browser_fallback_url=" + playInFrag + ";end",
			OpenInApp: "https://open.example.com/promo?ref=ABC123&utm=1",
			Copy:      "https://go.example.com/promo?ref=ABC123&utm=1",
		}},
		{"no apps: web only", noApps, promo, PageLinks{
			Canonical: "https://go.example.com/promo?ref=ABC123&utm=1",
			Web:       "https://example.com/signup?lang=en&ref=ABC123&utm=1",
			Copy:      "https://go.example.com/promo?ref=ABC123&utm=1",
		}},
		{"custom param; the key replaces the fallback's own value", fallbackRef, Link{Key: "v1", Route: "/?src=theirs&x=1"}, PageLinks{
			Canonical: "https://r.example.org/?via=v1&src=theirs&x=1",
			Web:       "https://shop.example.org/join?src=ours&via=v1&x=1#top",
			Copy:      "https://r.example.org/?via=v1&src=theirs&x=1",
		}},
		{"no key keeps the fallback's own value", fallbackRef, Link{Route: "/?via=spoof&x=1"}, PageLinks{
			Canonical: "https://r.example.org/?x=1",
			Web:       "https://shop.example.org/join?via=house&src=ours&x=1#top",
		}},
		{"unsafe scheme and package from config are refused", badConfig, promo, PageLinks{
			Canonical:           "https://go.example.com/promo?ref=ABC123&utm=1",
			Web:                 "https://example.com/signup?lang=en&ref=ABC123&utm=1",
			AppStore:            "https://apps.apple.com/app/id1234567890",
			SmartBannerArgument: "https://go.example.com/promo?ref=ABC123&utm=1",
			Copy:                "https://go.example.com/promo?ref=ABC123&utm=1",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, v := range visitors() {
				dec := Decide(tt.d, tt.l, v)
				want := tt.want
				if dec.Action == ActionRedirect {
					// A redirect carries only its target.
					want = PageLinks{Web: tt.want.Web}
				}
				if diff := cmp.Diff(want, dec.Links); diff != "" {
					t.Fatalf("Decide(%+v, %+v).Links mismatch (-want +got):\n%s", tt.l, v, diff)
				}
				checkDecision(t, tt.d, dec)
			}
		})
	}
}

// TestDecideLinksPerPlatform pins that the page for every platform gets the
// same links: the template picks what to show, the resolver never leaves
// one out.
func TestDecideLinksPerPlatform(t *testing.T) {
	d := fullDomain()
	l := Extract(d, "/ABC123/promo", "utm=1")
	want := Decide(d, l, useragent.Visitor{Platform: useragent.IOS}).Links
	for _, v := range visitors() {
		if got := Decide(d, l, v).Links; got != want {
			t.Errorf("Decide(%+v, %+v).Links = %+v; want %+v", l, v, got, want)
		}
	}
}
