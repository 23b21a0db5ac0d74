package resolve

import (
	"net/url"
	"slices"
	"strings"
)

// PageLinks are the links a page (or a redirect) may use. Each is built only
// from the Domain, the validated key and the normalised route; a link is ""
// when the domain has nothing to point it at (no app for that platform, no
// alias, no key to copy).
type PageLinks struct {
	// Canonical is the link itself on the canonical host, the key under
	// the first referral parameter: https://Hosts[0]/ROUTE?ref=KEY&…
	Canonical string
	// Web is the fallback URL with the key under the first referral
	// parameter and the route's query items that the fallback does not set
	// itself; its origin and path are the configured ones.
	Web string
	// AppStore is https://apps.apple.com/app/id<ID> of the first Apple app.
	AppStore string
	// Play is the first Android app's Play listing, with ref=KEY&route=ROUTE
	// URL-encoded in the install referrer.
	Play string
	// Intent is a Chrome intent: URL opening the first Android app, with
	// Play as its browser fallback.
	Intent string
	// OpenInApp is the "Open in app" target: the link on the open host
	// (never the canonical host, whose taps stay in the browser), else the
	// first Apple app's custom scheme.
	OpenInApp string
	// SmartBannerArgument is the apple-itunes-app app-argument: the link as
	// the app should receive it. Set only when there is an App Store id.
	SmartBannerArgument string
	// Copy is what a tap on "Get the app" copies for the app to read on its
	// first launch: the canonical link. "" when there is no key to carry.
	Copy string
}

// Where the visit's click id goes (DESIGN.md section 8): into every link
// that reaches the app (OpenInApp, Intent, SmartBannerArgument, Copy) and
// into the Play install referrer, so the app can claim the click; never
// into Canonical (the page's og:url, the same for everyone) or Web (the
// fallback site has no use for it).

// redirectLike are query names that sites commonly obey as a post-sign-up
// destination. They are carried in the route for the app but never added
// to the fallback URL, so a referral link on our domain can never steer
// the fallback site somewhere else.
func redirectLike(name string) bool {
	switch strings.ToLower(name) {
	case "redirect", "redirect_uri", "redirect_url", "url", "next", "to", "return", "return_to",
		"return_url", "returnurl", "continue", "dest", "destination", "goto", "target":
		return true
	}
	return false
}

// validPackage reports whether s looks like an Android application id.
// Config validates it; checking again keeps a stray ";" or "#" from ever
// reaching the intent: syntax.
func validPackage(s string) bool {
	if s == "" || len(s) > 255 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// links builds every PageLinks field for a validated key, route and click
// id.
func (d *Domain) links(key string, r route, clickID string) PageLinks {
	param := d.keyParam()
	keyPath := r.withKey(param, key)
	appPath := withClick(keyPath, clickID)
	var l PageLinks
	var app string // the canonical link as the app gets it
	if h := d.canonical(); h != "" {
		l.Canonical = "https://" + h + keyPath
		app = "https://" + h + appPath
	}
	l.Web = d.webURL(key, r)
	if len(d.Apple) > 0 && d.Apple[0].AppStoreID != "" {
		l.AppStore = "https://apps.apple.com/app/id" + url.PathEscape(d.Apple[0].AppStoreID)
		l.SmartBannerArgument = app
	}
	if len(d.Android) > 0 && validPackage(d.Android[0].Package) {
		l.Play = playURL(d.Android[0].Package, key, r, clickID)
		l.Intent = d.intentURL(d.Android[0], appPath, l.Play)
	}
	if len(d.Apple) > 0 || len(d.Android) > 0 {
		switch {
		case d.openHost() != "":
			l.OpenInApp = "https://" + d.openHost() + appPath
		case len(d.Apple) > 0 && appScheme(d.Apple[0].Scheme) != "":
			l.OpenInApp = appScheme(d.Apple[0].Scheme) + "://" + appPath
		}
	}
	if key != "" {
		l.Copy = app
	}
	return l
}

// webURL returns the fallback URL with the key and the carried query
// items appended. The key replaces a value the fallback sets under the
// same name; any other name the fallback sets wins over the route's.
func (d *Domain) webURL(key string, r route) string {
	if d.Fallback == nil {
		return ""
	}
	param := d.keyParam()
	u := *d.Fallback
	// A handful of names at most: a slice beats a map.
	taken := make([]string, 0, 8)
	parts := make([]string, 0, 8)
	for piece := range strings.SplitSeq(u.RawQuery, "&") {
		if piece == "" {
			continue
		}
		n, _, _ := strings.Cut(piece, "=")
		name, err := url.QueryUnescape(n)
		if err != nil {
			name = n
		}
		if key != "" && name == param {
			continue
		}
		taken = append(taken, name)
		parts = append(parts, piece)
	}
	if key != "" {
		parts = append(parts, url.QueryEscape(param)+"="+url.QueryEscape(key))
		taken = append(taken, param)
	}
	for _, it := range r.items {
		if slices.Contains(taken, it.name) || redirectLike(it.name) {
			continue
		}
		parts = append(parts, it.encode())
	}
	u.RawQuery = strings.Join(parts, "&")
	u.ForceQuery = false
	return u.String()
}

// playURL returns the Play listing of pkg with the key, route and click
// id in the install referrer (ref=KEY&route=ROUTE&dl_click=ID, URL-encoded),
// which the Play Install Referrer API hands the app on its first launch
// (the deterministic deferred link on Android).
func playURL(pkg, key string, r route, clickID string) string {
	referrer := "route=" + url.QueryEscape(r.String())
	if key != "" {
		referrer = "ref=" + url.QueryEscape(key) + "&" + referrer
	}
	if clickID != "" {
		referrer += "&" + ClickParam + "=" + clickID
	}
	return "https://play.google.com/store/apps/details?id=" + url.QueryEscape(pkg) +
		"&referrer=" + url.QueryEscape(referrer)
}

// intentURL returns the Chrome intent: link that opens app with appPath.
// With a custom scheme the app receives scheme:///ROUTE?ref=KEY (the same
// shape as the iOS scheme link); otherwise https://OPEN_OR_CANONICAL/ROUTE.
// The browser fallback is the Play listing, so a visitor without the app
// lands on the install with the key in the referrer.
func (d *Domain) intentURL(app AndroidApp, appPath, fallback string) string {
	scheme, host := appScheme(app.Scheme), ""
	if scheme == "" {
		scheme, host = "https", d.openHost()
		if host == "" {
			host = d.canonical()
		}
	}
	return "intent://" + host + appPath + "#Intent;scheme=" + scheme +
		";package=" + app.Package +
		";S.browser_fallback_url=" + url.QueryEscape(fallback) + ";end"
}
