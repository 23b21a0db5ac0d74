package resolve

import (
	"net/url"
	"strings"
	"testing"

	"github.com/deeplinkd/deeplinkd/internal/useragent"
)

// mustURL parses a fixture URL; the fixtures are constants, so a failure is
// a bug in the test itself.
func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// fullDomain has an alias, both apps (the Apple one with a scheme), two
// referral parameters and path keys: the richest page.
func fullDomain() *Domain {
	return &Domain{
		Hosts:    []string{"go.example.com", "open.example.com"},
		OpenHost: "open.example.com",
		Params:   []string{"ref", "via"},
		PathKeys: true,
		Apple:    []AppleApp{{AppID: "ABCDE12345.com.example.app", AppStoreID: "1234567890", Scheme: "exampleapp"}},
		Android:  []AndroidApp{{Package: "com.example.app"}},
		Fallback: mustURL("https://example.com/signup?lang=en"),
		Desktop:  DesktopPage,
		Preview:  Preview{Title: "Join Example"},
		PublicID: "P1234567",
	}
}

// schemeDomain has no alias, so "Open in app" must fall back to the Apple
// scheme, and the Android app has a custom scheme of its own.
func schemeDomain() *Domain {
	d := fullDomain()
	d.Hosts = []string{"go.example.com"}
	d.OpenHost = ""
	d.Android = []AndroidApp{{Package: "com.example.app", Scheme: "example-app"}}
	d.Desktop = DesktopRedirect
	return d
}

// bareDomain has no apps at all, only the web: a custom "via" parameter,
// no path keys, desktop redirects.
func bareDomain() *Domain {
	return &Domain{
		Hosts:    []string{"r.example.org"},
		Params:   []string{"via"},
		Fallback: mustURL("https://shop.example.org/join"),
		Desktop:  DesktopRedirect,
	}
}

// visitors covers every platform the classifier reports, plus an unknown
// one, which must be treated as desktop.
func visitors() []useragent.Visitor {
	return []useragent.Visitor{
		{Platform: useragent.Bot, BotName: "facebook"},
		{Platform: useragent.IOS},
		{Platform: useragent.IOS, InApp: useragent.InAppInstagram},
		{Platform: useragent.Android},
		{Platform: useragent.Android, InApp: useragent.InAppWebView},
		{Platform: useragent.Desktop},
		{Platform: useragent.Desktop, MaybeIPad: true},
		{Platform: ""},
	}
}

// checkDecision asserts the security invariants of a decision: a valid
// key, a normalised route, and every destination parsed back with net/url
// and pointing at a host or an app scheme taken from d.
func checkDecision(t testing.TB, d *Domain, dec Decision) {
	t.Helper()
	if dec.Key != "" && !ValidKey(dec.Key) {
		t.Errorf("Decision.Key = %q; want a valid key or empty", dec.Key)
	}
	checkRoute(t, d, dec.Route)
	if (dec.Action == ActionRedirect) != (dec.Location != "") {
		t.Errorf("Decision{Action: %q, Location: %q}: Location must be set exactly for redirects", dec.Action, dec.Location)
	}
	if dec.Action == ActionRedirect && dec.Location != dec.Links.Web {
		t.Errorf("Decision.Location = %q; want Links.Web %q", dec.Location, dec.Links.Web)
	}
	l := dec.Links
	for name, s := range map[string]string{
		"Location": dec.Location, "Canonical": l.Canonical, "Web": l.Web, "AppStore": l.AppStore,
		"Play": l.Play, "Intent": l.Intent, "OpenInApp": l.OpenInApp,
		"SmartBannerArgument": l.SmartBannerArgument, "Copy": l.Copy,
	} {
		if s != "" {
			checkURL(t, d, name, s)
		}
	}
	checkCarried(t, d, dec)
	checkClick(t, dec)
}

// checkClick asserts that the click id, and only the decision's own, is
// in every link to the app and in no other.
func checkClick(t testing.TB, dec Decision) {
	t.Helper()
	l := dec.Links
	for name, s := range map[string]string{"Location": dec.Location, "Canonical": l.Canonical, "Web": l.Web, "AppStore": l.AppStore} {
		if strings.Contains(s, ClickParam) {
			t.Errorf("Links.%s = %q carries a click id; only links to the app may", name, s)
		}
	}
	want := ""
	if dec.ClickID != "" {
		want = ClickParam + "=" + dec.ClickID
	}
	// The intent's fragment holds the Play link, checked below.
	intent, _, _ := strings.Cut(l.Intent, "#")
	for name, s := range map[string]string{"OpenInApp": l.OpenInApp, "Intent": intent,
		"SmartBannerArgument": l.SmartBannerArgument, "Copy": l.Copy} {
		if s == "" {
			continue
		}
		if got := strings.Count(s, ClickParam); (want == "" && got != 0) || (want != "" && (got != 1 || !strings.Contains(s, want))) {
			t.Errorf("Links.%s = %q; want the click id %q exactly once", name, s, dec.ClickID)
		}
	}
	if l.Play != "" {
		q, err := url.Parse(l.Play)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := url.ParseQuery(q.Query().Get("referrer"))
		if err != nil || ref.Get(ClickParam) != dec.ClickID || len(ref[ClickParam]) > 1 {
			t.Errorf("Play referrer %q: want dl_click %q", q.Query().Get("referrer"), dec.ClickID)
		}
	}
}

// checkRoute asserts that a route is normalised and stable.
func checkRoute(t testing.TB, d *Domain, r string) {
	t.Helper()
	if !strings.HasPrefix(r, "/") || strings.HasPrefix(r, "//") {
		t.Errorf("route %q: want a single leading /", r)
	}
	if len(r) > MaxRouteLen || strings.ContainsAny(r, "\\#") || !cleanText(r) {
		t.Errorf("route %q: too long, or holds \\, # or a control character", r)
	}
	if again := d.parseRoute(r).String(); again != r {
		t.Errorf("parseRoute(%q) = %q; want it unchanged", r, again)
	}
}

// checkURL asserts that s parses and that its destination comes from d.
func checkURL(t testing.TB, d *Domain, name, s string) {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Errorf("%s %q does not parse: %v", name, s, err)
		return
	}
	if u.User != nil || u.Opaque != "" {
		t.Errorf("%s %q: has user info or an opaque part", name, s)
	}
	switch u.Scheme {
	case "https":
		if !allowedHost(d, u.Host) {
			t.Errorf("%s %q: host %q is not from config", name, s, u.Host)
		}
	case "intent":
		checkIntent(t, d, name, s, u)
	default:
		if !isAppScheme(d, u.Scheme) || u.Host != "" {
			t.Errorf("%s %q: scheme %q is not a configured app scheme (or has a host)", name, s, u.Scheme)
		}
	}
}

// checkIntent asserts the intent: syntax and that its target and its
// browser fallback come from d.
func checkIntent(t testing.TB, d *Domain, name, s string, u *url.URL) {
	t.Helper()
	if u.Host != "" && !allowedHost(d, u.Host) {
		t.Errorf("%s %q: host %q is not from config", name, s, u.Host)
	}
	_, frag, _ := strings.Cut(s, "#")
	fields := strings.Split(frag, ";")
	if len(fields) != 5 || fields[0] != "Intent" || fields[4] != "end" {
		t.Fatalf("%s %q: fragment %q is not Intent;scheme;package;fallback;end", name, s, frag)
	}
	scheme, _ := strings.CutPrefix(fields[1], "scheme=")
	if scheme != "https" && !isAppScheme(d, scheme) {
		t.Errorf("%s %q: scheme %q is not https or a configured app scheme", name, s, scheme)
	}
	if pkg, _ := strings.CutPrefix(fields[2], "package="); len(d.Android) == 0 || pkg != d.Android[0].Package {
		t.Errorf("%s %q: package %q is not the configured one", name, s, pkg)
	}
	enc, ok := strings.CutPrefix(fields[3], "S.browser_fallback_url=")
	fallback, err := url.QueryUnescape(enc)
	if !ok || err != nil {
		t.Fatalf("%s %q: browser fallback %q is not URL-encoded: %v", name, s, fields[3], err)
	}
	f, err := url.Parse(fallback)
	if err != nil || f.Scheme != "https" || !allowedHost(d, f.Host) {
		t.Errorf("%s %q: browser fallback %q is not an https URL on a configured host", name, s, fallback)
	}
}

// checkCarried asserts that the key and route reach every destination
// where they belong, unchanged.
func checkCarried(t testing.TB, d *Domain, dec Decision) {
	t.Helper()
	param := d.keyParam()
	path, _, _ := strings.Cut(dec.Route, "?")
	for name, s := range map[string]string{"Canonical": dec.Links.Canonical, "OpenInApp": dec.Links.OpenInApp} {
		if s == "" {
			continue
		}
		u, err := url.Parse(s)
		if err != nil {
			continue // reported by checkURL
		}
		if got := u.Query().Get(param); got != dec.Key {
			t.Errorf("%s %q: %s = %q; want key %q", name, s, param, got, dec.Key)
		}
		if got := u.EscapedPath(); got != path {
			t.Errorf("%s %q: path %q; want route path %q", name, s, got, path)
		}
	}
	if w := dec.Links.Web; w != "" {
		u, err := url.Parse(w)
		if err == nil && (u.Scheme != d.Fallback.Scheme || u.Host != d.Fallback.Host || u.Path != d.Fallback.Path) {
			t.Errorf("Web %q: origin or path differ from fallback %q", w, d.Fallback)
		}
		if err == nil && dec.Key != "" && u.Query().Get(param) != dec.Key {
			t.Errorf("Web %q: %s = %q; want key %q", w, param, u.Query().Get(param), dec.Key)
		}
	}
	if p := dec.Links.Play; p != "" {
		u, err := url.Parse(p)
		if err != nil {
			return // reported by checkURL
		}
		ref, err := url.ParseQuery(u.Query().Get("referrer"))
		if err != nil || ref.Get("ref") != dec.Key || ref.Get("route") != dec.Route {
			t.Errorf("Play %q: referrer %v (%v); want ref=%q route=%q", p, ref, err, dec.Key, dec.Route)
		}
	}
}

// allowedHost reports whether host is one a destination may point at.
func allowedHost(d *Domain, host string) bool {
	allowed := append([]string{d.OpenHost, "apps.apple.com", "play.google.com"}, d.Hosts...)
	if d.Fallback != nil {
		allowed = append(allowed, d.Fallback.Host)
	}
	for _, h := range allowed {
		if h != "" && h == host {
			return true
		}
	}
	return false
}

// isAppScheme reports whether s is one of d's configured app schemes.
func isAppScheme(d *Domain, s string) bool {
	for _, a := range d.Apple {
		if a.Scheme != "" && a.Scheme == s {
			return true
		}
	}
	for _, a := range d.Android {
		if a.Scheme != "" && a.Scheme == s {
			return true
		}
	}
	return false
}
