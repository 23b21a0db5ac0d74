package resolve

import (
	"testing"

	"github.com/deeplinkd/deeplinkd/internal/useragent"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestDecide(t *testing.T) {
	redirect := fullDomain()
	redirect.Desktop = DesktopRedirect
	noApps := fullDomain()
	noApps.Apple, noApps.Android = nil, nil
	noFallback := fullDomain()
	noFallback.Desktop, noFallback.Fallback = DesktopRedirect, nil

	key := Link{Key: "ABC123", Route: "/"}
	tests := []struct {
		name string
		d    *Domain
		l    Link
		v    useragent.Visitor
		want Decision // Links are checked by TestDecideLinks
	}{
		{"bot gets preview", fullDomain(), key, useragent.Visitor{Platform: useragent.Bot, BotName: "twitter"},
			Decision{Action: ActionPreview, Platform: useragent.Bot, Key: "ABC123", Route: "/"}},
		{"bot gets preview in redirect mode", redirect, key, useragent.Visitor{Platform: useragent.Bot, BotName: "slack"},
			Decision{Action: ActionPreview, Platform: useragent.Bot, Key: "ABC123", Route: "/"}},
		{"ios safari gets page", fullDomain(), key, useragent.Visitor{Platform: useragent.IOS},
			Decision{Action: ActionPage, Platform: useragent.IOS, Key: "ABC123", Route: "/"}},
		{"ios in-app gets page", fullDomain(), key, useragent.Visitor{Platform: useragent.IOS, InApp: useragent.InAppInstagram},
			Decision{Action: ActionPage, Platform: useragent.IOS, InApp: useragent.InAppInstagram, Key: "ABC123", Route: "/"}},
		{"ios gets page in redirect mode", redirect, key, useragent.Visitor{Platform: useragent.IOS},
			Decision{Action: ActionPage, Platform: useragent.IOS, Key: "ABC123", Route: "/"}},
		{"android chrome gets page", fullDomain(), key, useragent.Visitor{Platform: useragent.Android},
			Decision{Action: ActionPage, Platform: useragent.Android, Key: "ABC123", Route: "/"}},
		{"android webview gets page", redirect, key, useragent.Visitor{Platform: useragent.Android, InApp: useragent.InAppWebView},
			Decision{Action: ActionPage, Platform: useragent.Android, InApp: useragent.InAppWebView, Key: "ABC123", Route: "/"}},
		{"desktop page mode", fullDomain(), key, useragent.Visitor{Platform: useragent.Desktop},
			Decision{Action: ActionPage, Platform: useragent.Desktop, Key: "ABC123", Route: "/"}},
		{"desktop redirect mode", redirect, key, useragent.Visitor{Platform: useragent.Desktop},
			Decision{Action: ActionRedirect, Platform: useragent.Desktop, Key: "ABC123", Route: "/",
				Location: "https://example.com/signup?lang=en&ref=ABC123"}},
		{"mac safari may be an ipad: page even in redirect mode", redirect, key, useragent.Visitor{Platform: useragent.Desktop, MaybeIPad: true},
			Decision{Action: ActionPage, Platform: useragent.Desktop, MaybeIPad: true, Key: "ABC123", Route: "/"}},
		{"unknown platform is desktop", redirect, key, useragent.Visitor{},
			Decision{Action: ActionRedirect, Platform: useragent.Desktop, Key: "ABC123", Route: "/",
				Location: "https://example.com/signup?lang=en&ref=ABC123"}},
		{"desktop redirect without fallback gets page", noFallback, key, useragent.Visitor{Platform: useragent.Desktop},
			Decision{Action: ActionPage, Platform: useragent.Desktop, Key: "ABC123", Route: "/"}},
		{"no key desktop redirect goes to the bare fallback", redirect, Link{Route: "/promo?utm=1"}, useragent.Visitor{Platform: useragent.Desktop},
			Decision{Action: ActionRedirect, Platform: useragent.Desktop, Route: "/promo?utm=1",
				Location: "https://example.com/signup?lang=en&utm=1"}},
		{"no key ios still gets page", fullDomain(), Link{Route: "/"}, useragent.Visitor{Platform: useragent.IOS},
			Decision{Action: ActionPage, Platform: useragent.IOS, Route: "/"}},
		{"no key bot gets preview", fullDomain(), Link{Route: "/"}, useragent.Visitor{Platform: useragent.Bot},
			Decision{Action: ActionPreview, Platform: useragent.Bot, Route: "/"}},
		{"no apps ios gets page", noApps, key, useragent.Visitor{Platform: useragent.IOS},
			Decision{Action: ActionPage, Platform: useragent.IOS, Key: "ABC123", Route: "/"}},
		{"no apps android gets page", noApps, key, useragent.Visitor{Platform: useragent.Android},
			Decision{Action: ActionPage, Platform: useragent.Android, Key: "ABC123", Route: "/"}},
		{"hand-made invalid key is dropped", redirect, Link{Key: "<script>", Route: "/"}, useragent.Visitor{Platform: useragent.Desktop},
			Decision{Action: ActionRedirect, Platform: useragent.Desktop, Route: "/", Location: "https://example.com/signup?lang=en"}},
		{"hand-made hostile route is normalised", fullDomain(), Link{Key: "ABC123", Route: `//evil.com/\x?ref=other&a=1`}, useragent.Visitor{Platform: useragent.IOS},
			Decision{Action: ActionPage, Platform: useragent.IOS, Key: "ABC123", Route: "/?a=1"}},
		{"hand-made empty route is root", fullDomain(), Link{Key: "ABC123"}, useragent.Visitor{Platform: useragent.IOS},
			Decision{Action: ActionPage, Platform: useragent.IOS, Key: "ABC123", Route: "/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Decide(tt.d, tt.l, tt.v)
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(Decision{}, "Links")); diff != "" {
				t.Errorf("Decide(%+v, %+v) mismatch (-want +got):\n%s", tt.l, tt.v, diff)
			}
			checkDecision(t, tt.d, got)
		})
	}
}

// TestDecideHostileLinks runs every visitor against links extracted from
// hostile requests and checks the destinations, not just the route.
func TestDecideHostileLinks(t *testing.T) {
	requests := []struct{ path, query string }{
		{"//evil.com", ""},
		{"/ABC123//evil.com", "next=https://evil.com"},
		{`/\evil.com`, "ref=ABC123"},
		{"/javascript:alert(1)", "via=v1&url=javascript:alert(1)"},
		{"/ABC123/%0D%0ALocation:%20https://evil.com", ""},
		{"/", "ref=ABC123&redirect=%2F%2Fevil.com&to=https%3A%2F%2Fevil.com&return=x&continue=x&dest=x&goto=x"},
		{"/@evil.com", "ref=a@evil.com"},
		{"/ABC123/..%2F..%2F..%2Fevil.com", ""},
	}
	for _, d := range []*Domain{fullDomain(), schemeDomain(), bareDomain()} {
		for _, r := range requests {
			l := Extract(d, r.path, r.query)
			for _, v := range visitors() {
				t.Run(d.canonical()+r.path+"?"+r.query+"/"+string(v.Platform), func(t *testing.T) {
					checkDecision(t, d, Decide(d, l, v))
				})
			}
		}
	}
}
