package page

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/deeplinkd/deeplinkd/internal/resolve"
	"github.com/deeplinkd/deeplinkd/internal/useragent"
)

func TestPresentation(t *testing.T) {
	tests := []struct {
		name string
		dec  resolve.Decision
		want string
	}{
		{"iphone", pageFor(useragent.IOS, alphaLinks), IOS},
		{"iphone in instagram", inApp(pageFor(useragent.IOS, alphaLinks), useragent.InAppInstagram), IOS},
		{"android", pageFor(useragent.Android, alphaLinks), Android},
		{"desktop", pageFor(useragent.Desktop, alphaLinks), Desktop},
		{"mac that may be an ipad", maybeIPad(pageFor(useragent.Desktop, alphaLinks)), IOS},
		{"bot", previewFor(alphaLinks), Preview},
		{"bot wins over platform", resolve.Decision{Action: resolve.ActionPreview, Platform: useragent.IOS}, Preview},
		{"unknown platform is desktop", pageFor("", alphaLinks), Desktop},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := presentation(tt.dec); got != tt.want {
				t.Errorf("presentation(%+v) = %q; want %q", tt.dec, got, tt.want)
			}
		})
	}
}

// shown is what a visitor gets of a page: its buttons, links, banner and
// scripts, without the site's texts (see TestDataTexts).
type shown struct {
	Platform                                        string
	Open, Intent, AppStore, Play, Web, Copy, Banner string
	Script, Loader, InApp, MaybeIPad                bool
	ContinueMS                                      int
}

func shownOf(d Data) shown {
	return shown{
		Platform: d.Platform,
		Open:     string(d.OpenInApp), Intent: string(d.Intent), AppStore: d.AppStore, Play: d.Play,
		Web: d.Web, Copy: d.Copy, Banner: d.SmartBanner,
		Script: d.Script, Loader: d.Loader != nil, InApp: d.InApp, MaybeIPad: d.MaybeIPad,
		ContinueMS: d.ContinueMS,
	}
}

func TestDataButtons(t *testing.T) {
	const banner = "app-id=1234567890, app-argument=https://go.alpha.com/?ref=K1"
	schemeLink := linksWith(func(l *resolve.PageLinks) { l.OpenInApp = "alphaapp:///?ref=K1" })
	noScheme := with(func(d *resolve.Domain) { d.Apple[0].Scheme = "" })
	redirectMode := with(func(d *resolve.Domain) { d.Desktop = resolve.DesktopRedirect })
	noApps := with(func(d *resolve.Domain) { d.Apple, d.Android = nil, nil })
	tests := []struct {
		name   string
		domain *resolve.Domain
		dec    resolve.Decision
		want   shown
	}{
		{"ios: open on the alias, store, banner, web", alpha(), pageFor(useragent.IOS, alphaLinks), shown{
			Platform: IOS, Open: alphaLinks.OpenInApp, AppStore: alphaLinks.AppStore, Web: alphaLinks.Web,
			Copy: alphaLinks.Copy, Banner: banner, Script: true, Loader: true, ContinueMS: 1500,
		}},
		{"ios in-app browser: the same buttons and a hint", alpha(), inApp(pageFor(useragent.IOS, alphaLinks), useragent.InAppInstagram), shown{
			Platform: IOS, Open: alphaLinks.OpenInApp, AppStore: alphaLinks.AppStore, Web: alphaLinks.Web,
			Copy: alphaLinks.Copy, Banner: banner, Script: true, Loader: true, InApp: true, ContinueMS: 1500,
		}},
		{"ios: the app's scheme, configured in mixed case", alpha(), pageFor(useragent.IOS, schemeLink), shown{
			Platform: IOS, Open: "alphaapp:///?ref=K1", AppStore: alphaLinks.AppStore, Web: alphaLinks.Web,
			Copy: alphaLinks.Copy, Banner: banner, Script: true, Loader: true, ContinueMS: 1500,
		}},
		{"ios: a scheme the config does not name is left out", noScheme, pageFor(useragent.IOS, schemeLink), shown{
			Platform: IOS, AppStore: alphaLinks.AppStore, Web: alphaLinks.Web,
			Copy: alphaLinks.Copy, Banner: banner, Script: true, Loader: true, ContinueMS: 1500,
		}},
		{"ios: no apps, web only", noApps, pageFor(useragent.IOS, webOnly), shown{
			Platform: IOS, Web: webOnly.Web, Copy: webOnly.Copy, Script: true, Loader: true, ContinueMS: 1500,
		}},
		{"android: intent and play, no ios links", alpha(), pageFor(useragent.Android, alphaLinks), shown{
			Platform: Android, Intent: alphaLinks.Intent, Play: alphaLinks.Play, Web: alphaLinks.Web,
			Copy: alphaLinks.Copy, Script: true, Loader: true, ContinueMS: 1500,
		}},
		{"android webview", alpha(), inApp(pageFor(useragent.Android, alphaLinks), useragent.InAppWebView), shown{
			Platform: Android, Intent: alphaLinks.Intent, Play: alphaLinks.Play, Web: alphaLinks.Web,
			Copy: alphaLinks.Copy, Script: true, Loader: true, InApp: true, ContinueMS: 1500,
		}},
		{"android: an intent that is not intent: is left out", alpha(),
			pageFor(useragent.Android, linksWith(func(l *resolve.PageLinks) { l.Intent = "https://open.alpha.com/" })), shown{
				Platform: Android, Play: alphaLinks.Play, Web: alphaLinks.Web,
				Copy: alphaLinks.Copy, Script: true, Loader: true, ContinueMS: 1500,
			}},
		{"android: no apps, web only", noApps, pageFor(useragent.Android, webOnly), shown{
			Platform: Android, Web: webOnly.Web, Copy: webOnly.Copy, Script: true, Loader: true, ContinueMS: 1500,
		}},
		{"desktop page mode: continue after a moment", alpha(), pageFor(useragent.Desktop, alphaLinks), shown{
			Platform: Desktop, Web: alphaLinks.Web, Copy: alphaLinks.Copy, Script: true, Loader: true, ContinueMS: 1500,
		}},
		{"maybe-ipad mac, page mode: the ios page, delayed continue", alpha(), maybeIPad(pageFor(useragent.Desktop, alphaLinks)), shown{
			Platform: IOS, Open: alphaLinks.OpenInApp, AppStore: alphaLinks.AppStore, Web: alphaLinks.Web,
			Copy: alphaLinks.Copy, Banner: banner, Script: true, Loader: true, MaybeIPad: true, ContinueMS: 1500,
		}},
		{"maybe-ipad mac, redirect mode: continue at once", redirectMode, maybeIPad(pageFor(useragent.Desktop, alphaLinks)), shown{
			Platform: IOS, Open: alphaLinks.OpenInApp, AppStore: alphaLinks.AppStore, Web: alphaLinks.Web,
			Copy: alphaLinks.Copy, Banner: banner, Script: true, Loader: true, MaybeIPad: true, ContinueMS: 0,
		}},
		{"preview: web only, no script, no copy", alpha(), previewFor(alphaLinks), shown{
			Platform: Preview, Web: alphaLinks.Web,
		}},
		{"no program id: page.js but no loader", with(func(d *resolve.Domain) { d.PublicID = "" }), pageFor(useragent.Desktop, alphaLinks), shown{
			Platform: Desktop, Web: alphaLinks.Web, Copy: alphaLinks.Copy, Script: true, ContinueMS: 1500,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := newSite(t, tt.domain).Data(tt.dec, testNonce)
			if diff := cmp.Diff(tt.want, shownOf(got)); diff != "" {
				t.Errorf("Data(%+v) (-want +got):\n%s", tt.dec, diff)
			}
		})
	}
}

func TestSmartBanner(t *testing.T) {
	noStoreID := with(func(d *resolve.Domain) { d.Apple[0].AppStoreID = "" })
	tests := []struct {
		name   string
		domain *resolve.Domain
		dec    resolve.Decision
		want   string
	}{
		{"id and argument", alpha(), pageFor(useragent.IOS, alphaLinks),
			"app-id=1234567890, app-argument=https://go.alpha.com/?ref=K1"},
		{"no argument: the id alone", alpha(), pageFor(useragent.IOS, linksWith(func(l *resolve.PageLinks) { l.SmartBannerArgument = "" })),
			"app-id=1234567890"},
		{"no App Store link: none", alpha(), pageFor(useragent.IOS, linksWith(func(l *resolve.PageLinks) { l.AppStore = "" })), ""},
		{"no App Store id: none", noStoreID, pageFor(useragent.IOS, alphaLinks), ""},
		{"maybe-ipad mac gets it too", alpha(), maybeIPad(pageFor(useragent.Desktop, alphaLinks)),
			"app-id=1234567890, app-argument=https://go.alpha.com/?ref=K1"},
		{"android: none", alpha(), pageFor(useragent.Android, alphaLinks), ""},
		{"desktop: none", alpha(), pageFor(useragent.Desktop, alphaLinks), ""},
		{"preview: none", alpha(), previewFor(alphaLinks), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := newSite(t, tt.domain).Data(tt.dec, testNonce).SmartBanner
			if got != tt.want {
				t.Errorf("Data(%+v).SmartBanner = %q; want %q", tt.dec, got, tt.want)
			}
		})
	}
}

// TestDataTexts pins whole pages: the site's texts, the loader, the nonce.
func TestDataTexts(t *testing.T) {
	loader := &Loader{Src: testJSURL, AssetsHost: "https://assets.partnero.com", PublicID: "P1234567"}
	bare := with(func(d *resolve.Domain) { d.Preview = resolve.Preview{} })
	tests := []struct {
		name   string
		domain *resolve.Domain
		dec    resolve.Decision
		want   Data
	}{
		{"ios, full branding", alpha(), pageFor(useragent.IOS, alphaLinks), Data{
			Nonce: testNonce, Platform: IOS, Title: "Join Alpha", Description: "Get a reward when you sign up.",
			Image: "https://cdn.alpha.com/og.png", SiteName: "go.alpha.com", URL: alphaLinks.Canonical,
			SmartBanner: "app-id=1234567890, app-argument=https://go.alpha.com/?ref=K1",
			Script:      true, Loader: loader,
			OpenInApp: "https://open.alpha.com/?ref=K1", AppStore: alphaLinks.AppStore, Web: alphaLinks.Web,
			Copy: alphaLinks.Copy, ContinueMS: 1500,
		}},
		{"preview, full branding", alpha(), previewFor(alphaLinks), Data{
			Nonce: testNonce, Platform: Preview, Title: "Join Alpha", Description: "Get a reward when you sign up.",
			Image: "https://cdn.alpha.com/og.png", SiteName: "go.alpha.com", URL: alphaLinks.Canonical,
			Web: alphaLinks.Web,
		}},
		{"no preview config: the host is the title", bare, previewFor(alphaLinks), Data{
			Nonce: testNonce, Platform: Preview, Title: "go.alpha.com", SiteName: "go.alpha.com",
			URL: alphaLinks.Canonical, Web: alphaLinks.Web,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := newSite(t, tt.domain).Data(tt.dec, testNonce)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Data(%+v) (-want +got):\n%s", tt.dec, diff)
			}
		})
	}
}
