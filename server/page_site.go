package server

import (
	"errors"
	"fmt"
	"html/template"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/deeplinkd/deeplinkd/internal/resolve"
)

// sitePage is what every page of one site shares, worked out once per
// snapshot: branding, the loader, the Content-Security-Policy around the
// per-request nonce, and the origins and schemes links may use.
type sitePage struct {
	title, description, image, siteName string
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
	// compiled caches the site's compiled pages by shape
	// (shape -> *compiledPage); a handful per site, built on first use.
	compiled sync.Map
}

// prepareSite works out site.page for a site that resolves links. It fails
// on a loader or image URL the policy could not name.
func prepareSite(site *Site) error {
	d := site.Domain
	if d == nil {
		return nil
	}
	p := &sitePage{
		title:       d.Preview.Title,
		description: d.Preview.Description,
		siteName:    site.Hosts[0],
		publicID:    d.PublicID,
		desktop:     d.Desktop,
	}
	if p.title == "" {
		p.title = site.Hosts[0]
	}
	script := []string{"'self'"}
	connect := []string{"'self'"}
	img := []string{"'self'", "data:"}
	if site.PartneroJS != "" && d.PublicID != "" {
		origin, err := webOrigin(site.PartneroJS)
		if err != nil {
			return fmt.Errorf("partnero js_url: %w", err)
		}
		p.jsURL = site.PartneroJS
		script = append(script, origin)
		connect = append(connect, origin, partneroAssetsHost)
		img = append(img, origin, partneroAssetsHost)
	}
	if d.Preview.Image != "" {
		origin, err := webOrigin(d.Preview.Image)
		if err != nil {
			return fmt.Errorf("preview image: %w", err)
		}
		p.image = d.Preview.Image
		img = append(img, origin)
	}
	if d.Fallback != nil {
		p.webOrigin = d.Fallback.Scheme + "://" + d.Fallback.Host
	}
	if len(d.Apple) > 0 {
		p.appleScheme = strings.ToLower(d.Apple[0].Scheme)
		p.appStoreID = d.Apple[0].AppStoreID
	}
	// default-src 'self' covers what PartneroJS might add (fonts, frames
	// of our own); the rest is spelt out. base-uri and object-src close
	// the classic bypasses of a nonce policy.
	common := "; base-uri 'none'; object-src 'none'; form-action 'none'; frame-ancestors 'none'"
	p.policyHead = "default-src 'self'; script-src 'nonce-"
	p.policyTail = "' " + sources(script) + "; style-src 'self'; img-src " + sources(img) +
		"; connect-src " + sources(connect) + common
	p.previewPolicy = "default-src 'none'; script-src 'none'; style-src 'self'; img-src " + sources(img) + common
	site.page = p
	return nil
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

// policy is the Content-Security-Policy of one page.
func (p *sitePage) policy(name, nonce string) string {
	if name == pagePreview {
		return p.previewPolicy
	}
	return p.policyHead + nonce + p.policyTail
}

// webOriginOf reports whether loc is on the fallback URL's origin.
func (p *sitePage) webOriginOf(loc string) bool {
	if p.webOrigin == "" || !strings.HasPrefix(loc, p.webOrigin) {
		return false
	}
	rest := loc[len(p.webOrigin):]
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

// data fills a presentation for a decision.
func (p *sitePage) data(dec resolve.Decision, name, nonce string) pageData {
	d := pageData{
		Nonce:       nonce,
		Platform:    name,
		Title:       p.title,
		Description: p.description,
		Image:       p.image,
		SiteName:    p.siteName,
		URL:         dec.Links.Canonical,
		Web:         dec.Links.Web,
		MaybeIPad:   dec.MaybeIPad,
		InApp:       dec.InApp != "",
	}
	if name == pagePreview {
		return d
	}
	d.Script = true
	if p.jsURL != "" {
		d.Loader = &loaderData{Src: p.jsURL, AssetsHost: partneroAssetsHost, PublicID: p.publicID}
	}
	d.Copy = dec.Links.Copy
	d.ContinueMS = continueAfterMS
	if p.desktop == resolve.DesktopRedirect {
		d.ContinueMS = continueAtOnceMS
	}
	switch name {
	case pageIOS:
		d.AppStore = dec.Links.AppStore
		allowed := []string{"https"}
		if p.appleScheme != "" {
			allowed = append(allowed, p.appleScheme)
		}
		// A link that fails the check is left out, not shown broken.
		d.OpenInApp, _ = appLink(dec.Links.OpenInApp, allowed...)
		if dec.Links.AppStore != "" && p.appStoreID != "" {
			d.SmartBanner = "app-id=" + p.appStoreID
			if arg := dec.Links.SmartBannerArgument; arg != "" {
				d.SmartBanner += ", app-argument=" + arg
			}
		}
	case pageAndroid:
		d.Play = dec.Links.Play
		d.Intent, _ = appLink(dec.Links.Intent, "intent")
	}
	return d
}
