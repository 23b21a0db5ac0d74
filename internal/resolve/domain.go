// Package resolve turns a tapped referral link into a routing decision. It
// reads the referral key and the in-app route from the request's path and
// query (Extract), then decides what a visitor gets, a preview, a page or a
// redirect, together with every link that page needs (Decide).
//
// Everything here is a pure function over plain structs; the package knows
// nothing of HTTP frameworks. Its one security rule: no request input
// chooses a destination's scheme, host or path. Destinations are built from
// the Domain (that is, from config); only a validated key and a normalised
// route ever enter them, and only after a configured host.
package resolve

import (
	"net/url"
	"slices"
	"strings"
)

// Desktop modes for Domain.Desktop.
const (
	// DesktopPage serves desktop visitors the PartneroJS page, which then
	// continues to the fallback URL.
	DesktopPage = "page"
	// DesktopRedirect answers desktop visitors with a 302 to the fallback.
	DesktopRedirect = "redirect"
)

// DefaultParam is the referral query parameter when Domain.Params is empty.
const DefaultParam = "ref"

// Domain is what the resolver needs of one configured domain. cmd builds it
// from config; the resolver treats every field as trusted.
type Domain struct {
	// Hosts are the domain's host names, lower case and without a port.
	// Hosts[0] is canonical; the rest are aliases.
	Hosts []string
	// OpenHost is the first alias, used by "Open in app" because a tap on
	// a same-host link never opens the app. Empty when there is no alias.
	OpenHost string
	// Params are the query parameters that carry a key, checked in order.
	// Empty means [DefaultParam].
	Params []string
	// PathKeys reads the key from the first path segment as well.
	PathKeys bool
	// Apple and Android are the apps claiming the domain; the first of
	// each is the one the page links to.
	Apple   []AppleApp
	Android []AndroidApp
	// Fallback is the absolute web destination; its origin and path are
	// never changed, only query items are added.
	Fallback *url.URL
	// Desktop is DesktopPage or DesktopRedirect.
	Desktop string
	// Preview is what link-preview bots are shown.
	Preview Preview
	// PublicID is the PartneroJS program id the page loads.
	PublicID string
}

// AppleApp is one iOS app of a domain.
type AppleApp struct {
	AppID      string // TEAMID.bundle.id
	AppStoreID string // numeric App Store id; "" when not published
	Scheme     string // optional custom URL scheme
}

// AndroidApp is one Android app of a domain.
type AndroidApp struct {
	Package string
	Scheme  string // optional custom URL scheme
}

// Preview is the Open Graph card shown to link-preview bots.
type Preview struct {
	Title       string
	Description string
	Image       string
}

// keyParam is the name every link we build carries the key under, so that
// the app, the fallback site and PartneroJS all read one name: the first
// configured parameter, or DefaultParam when keys come from the path only
// (params: [] in the config).
func (d *Domain) keyParam() string {
	if len(d.Params) == 0 {
		return DefaultParam
	}
	return d.Params[0]
}

// isParam reports whether name is a referral parameter: a configured one,
// or the name links carry the key under. Neither is carried in the route,
// so no link ends up with two keys.
func (d *Domain) isParam(name string) bool {
	return name == d.keyParam() || slices.Contains(d.Params, name)
}

// canonical returns Hosts[0], or "" for a domain with no host.
func (d *Domain) canonical() string {
	if len(d.Hosts) == 0 {
		return ""
	}
	return d.Hosts[0]
}

// openHost returns OpenHost unless it is the canonical host itself: a link
// to the page's own host would stay in Safari.
func (d *Domain) openHost() string {
	if d.OpenHost == "" || strings.EqualFold(d.OpenHost, d.canonical()) {
		return ""
	}
	return d.OpenHost
}

// appScheme returns s, lower-cased, when it is usable as a custom app
// scheme. Web and script schemes are refused even from config: an "Open in
// app" link must never become a javascript: or a plain web link.
func appScheme(s string) string {
	s = strings.ToLower(s)
	if s == "" || len(s) > 64 {
		return ""
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return ""
		}
	}
	switch s {
	case "http", "https", "javascript", "vbscript", "data", "file", "about", "blob", "intent", "filesystem":
		return ""
	}
	return s
}
