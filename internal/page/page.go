// Package page is the fallback page's model: which buttons and links a
// visitor gets, the Smart App Banner, the texts, and the page's
// Content-Security-Policy. It also parses the page templates and renders
// a presentation with html/template. It is pure: no echo, no net/http;
// the server's handler only picks a nonce and writes the bytes.
package page

import (
	"html/template"

	"github.com/deeplinkd/deeplinkd/internal/resolve"
	"github.com/deeplinkd/deeplinkd/internal/useragent"
)

// The presentations, each a template of its own (layout.html plus
// NAME.html). Data.Platform holds one of them.
const (
	IOS     = "ios"
	Android = "android"
	Desktop = "desktop"
	Preview = "preview"
)

// presentations lists every presentation, in the order they are parsed.
var presentations = []string{IOS, Android, Desktop, Preview}

// partneroAssetsHost is the assets host the PartneroJS loader is told to
// use (partnero/API.md section 6); the pages' policy allows it.
const partneroAssetsHost = "https://assets.partnero.com"

// Delays before a desktop page continues to the web on its own: a moment
// for the loader to record the click in page mode; none for a Mac that got
// the page only because it might have been an iPad, in redirect mode.
const (
	continueAfterMS  = 1500
	continueAtOnceMS = 0
)

// Data is everything a page template reads. Every string is escaped by
// html/template for its context; the two template.URL fields hold only
// app links whose scheme was checked against the config (see appLink),
// because html/template would otherwise replace an intent: or custom
// scheme link with "#ZgotmplZ".
type Data struct {
	// Nonce is this request's CSP nonce for the inline loader.
	Nonce string
	// Platform is the presentation: IOS, Android, Desktop or Preview.
	Platform    string
	Title       string
	Description string
	Image       string
	SiteName    string
	// URL is the link on the canonical host (og:url).
	URL string
	// SmartBanner is the apple-itunes-app content, "" for none.
	SmartBanner string
	// CSS and JS are the hashed static asset URLs; Set.Render fills them.
	CSS, JS string
	// Script loads page.js; Loader, when set, is PartneroJS.
	Script bool
	Loader *Loader

	MaybeIPad bool
	InApp     bool

	OpenInApp template.URL
	Intent    template.URL
	AppStore  string
	Play      string
	Web       string
	// Copy is what a tap on an app or store button copies.
	Copy       string
	ContinueMS int
}

// Loader fills the inline PartneroJS loader.
type Loader struct {
	Src        string
	AssetsHost string
	PublicID   string
}

// presentation picks the page for a decision. A Mac that may be an iPad
// gets the iOS page, which also holds the desktop section its script
// shows on a Mac.
func presentation(dec resolve.Decision) string {
	switch {
	case dec.Action == resolve.ActionPreview:
		return Preview
	case dec.Platform == useragent.IOS, dec.MaybeIPad:
		return IOS
	case dec.Platform == useragent.Android:
		return Android
	}
	return Desktop
}

// Data is the page for a decision (a preview or a page, never a
// redirect), with nonce in its loader. Its Platform is the presentation
// to render and to ask Policy about.
func (s *Site) Data(dec resolve.Decision, nonce string) Data {
	name := presentation(dec)
	d := Data{
		Nonce:       nonce,
		Platform:    name,
		Title:       s.title,
		Description: s.description,
		Image:       s.image,
		SiteName:    s.name,
		URL:         dec.Links.Canonical,
		Web:         dec.Links.Web,
		MaybeIPad:   dec.MaybeIPad,
		InApp:       dec.InApp != "",
	}
	if name == Preview {
		// A bot runs no script, so it records no click.
		return d
	}
	d.Script = true
	if s.jsURL != "" {
		d.Loader = &Loader{Src: s.jsURL, AssetsHost: partneroAssetsHost, PublicID: s.publicID}
	}
	d.Copy = dec.Links.Copy
	d.ContinueMS = continueAfterMS
	if s.desktop == resolve.DesktopRedirect {
		d.ContinueMS = continueAtOnceMS
	}
	switch name {
	case IOS:
		d.AppStore = dec.Links.AppStore
		allowed := []string{"https"}
		if s.appleScheme != "" {
			allowed = append(allowed, s.appleScheme)
		}
		// A link that fails the check is left out, not shown broken.
		d.OpenInApp, _ = appLink(dec.Links.OpenInApp, allowed...)
		if dec.Links.AppStore != "" && s.appStoreID != "" {
			d.SmartBanner = "app-id=" + s.appStoreID
			if arg := dec.Links.SmartBannerArgument; arg != "" {
				d.SmartBanner += ", app-argument=" + arg
			}
		}
	case Android:
		d.Play = dec.Links.Play
		d.Intent, _ = appLink(dec.Links.Intent, "intent")
	}
	return d
}
