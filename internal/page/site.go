package page

import (
	"errors"
	"fmt"
	"html/template"
	"net/url"
	"slices"
	"strings"

	"github.com/deeplinkd/deeplinkd/internal/resolve"
)

// Site is what every page of one site shares, worked out once per
// configuration snapshot: branding, the loader, the Content-Security-Policy
// around the per-request nonce, and the origins and schemes links may use.
type Site struct {
	title, description, image, name string
	// jsURL and publicID fill the loader; jsURL is "" for no loader.
	jsURL, publicID string
	desktop         string
	// webOrigin is the fallback URL's scheme://host, the only origin a
	// redirect may point at.
	webOrigin string
	// appleScheme is the first Apple app's custom scheme, lower case, or "".
	appleScheme string
	// policyHead + nonce + policyTail is a page's policy; previewPolicy
	// is the preview's, which runs no script at all.
	policyHead, policyTail, previewPolicy string
	// appStoreID is the first Apple app's App Store id, for the banner.
	appStoreID string
}

// NewSite prepares the pages of the site whose links d resolves. name is
// the site's canonical host (the title when the preview sets none);
// partneroJS is the PartneroJS loader URL, "" for no loader. It fails on
// a loader or image URL the policy could not name.
func NewSite(d *resolve.Domain, name, partneroJS string) (*Site, error) {
	if d == nil {
		return nil, fmt.Errorf("page site %s: no domain", name)
	}
	s := &Site{
		title:       d.Preview.Title,
		description: d.Preview.Description,
		name:        name,
		publicID:    d.PublicID,
		desktop:     d.Desktop,
	}
	if s.title == "" {
		s.title = name
	}
	script := []string{"'self'"}
	connect := []string{"'self'"}
	img := []string{"'self'", "data:"}
	// Without a program id the loader would load nothing: leave it out,
	// and its origin out of the policy.
	if partneroJS != "" && d.PublicID != "" {
		origin, err := webOrigin(partneroJS)
		if err != nil {
			return nil, fmt.Errorf("partnero js_url: %w", err)
		}
		s.jsURL = partneroJS
		script = append(script, origin)
		connect = append(connect, origin, partneroAssetsHost)
		img = append(img, origin, partneroAssetsHost)
	}
	if d.Preview.Image != "" {
		origin, err := webOrigin(d.Preview.Image)
		if err != nil {
			return nil, fmt.Errorf("preview image: %w", err)
		}
		s.image = d.Preview.Image
		img = append(img, origin)
	}
	if d.Fallback != nil {
		s.webOrigin = d.Fallback.Scheme + "://" + d.Fallback.Host
	}
	if len(d.Apple) > 0 {
		s.appleScheme = strings.ToLower(d.Apple[0].Scheme)
		s.appStoreID = d.Apple[0].AppStoreID
	}
	// default-src 'self' covers what PartneroJS might add (fonts, frames
	// of our own); the rest is spelt out. base-uri and object-src close
	// the classic bypasses of a nonce policy.
	common := "; base-uri 'none'; object-src 'none'; form-action 'none'; frame-ancestors 'none'"
	s.policyHead = "default-src 'self'; script-src 'nonce-"
	s.policyTail = "' " + sources(script) + "; style-src 'self'; img-src " + sources(img) +
		"; connect-src " + sources(connect) + common
	s.previewPolicy = "default-src 'none'; script-src 'none'; style-src 'self'; img-src " + sources(img) + common
	return s, nil
}

// sources joins CSP source expressions, each once.
func sources(list []string) string {
	var out []string
	for _, s := range list {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return strings.Join(out, " ")
}

// webOrigin returns scheme://host[:port] of an absolute http(s) URL, in a
// form safe to put in a CSP header: a host of letters, digits, dots,
// hyphens and an optional port only.
func webOrigin(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("%q: %w", raw, err)
	}
	scheme := strings.ToLower(u.Scheme)
	if (scheme != "https" && scheme != "http") || u.Host == "" || u.User != nil {
		return "", fmt.Errorf("%q: not an absolute http(s) URL", raw)
	}
	host := strings.ToLower(u.Host)
	for i := 0; i < len(host); i++ {
		c := host[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == ':') {
			return "", fmt.Errorf("%q: host %q is not a plain host name", raw, u.Host)
		}
	}
	return scheme + "://" + host, nil
}

// Policy is the Content-Security-Policy of the presentation (a
// Data.Platform) for this request's nonce. The preview's runs no script.
func (s *Site) Policy(presentation, nonce string) string {
	if presentation == Preview {
		return s.previewPolicy
	}
	return s.policyHead + nonce + s.policyTail
}

// OnWebOrigin reports whether loc is on the fallback URL's origin, the
// only place a redirect may send a visitor. A site without a fallback
// has no such origin.
func (s *Site) OnWebOrigin(loc string) bool {
	if s.webOrigin == "" || !strings.HasPrefix(loc, s.webOrigin) {
		return false
	}
	// The origin must end where the prefix ends: https://a.com must not
	// vouch for https://a.com.evil.example.
	rest := loc[len(s.webOrigin):]
	return rest == "" || rest[0] == '/' || rest[0] == '?' || rest[0] == '#'
}

// errScheme is an app link whose scheme the config does not name.
var errScheme = errors.New("app link scheme not allowed")

// appLink marks a resolve-built app link safe for an href after checking
// that its scheme is one of allowed, so that only links the config chose
// (intent:, the app's own scheme, https) can bypass html/template's URL
// filter, and a javascript: or data: link never can.
func appLink(raw string, allowed ...string) (template.URL, error) {
	if raw == "" {
		return "", nil
	}
	scheme, _, ok := strings.Cut(raw, ":")
	scheme = strings.ToLower(scheme)
	if !ok || scheme == "" || !slices.Contains(allowed, scheme) {
		return "", errScheme
	}
	switch scheme {
	case "javascript", "vbscript", "data", "file", "blob":
		return "", errScheme
	}
	return template.URL(raw), nil
}
