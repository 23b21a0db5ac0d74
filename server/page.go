package server

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/deeplinkd/deeplinkd/internal/resolve"
	"github.com/deeplinkd/deeplinkd/internal/useragent"
	"github.com/deeplinkd/deeplinkd/templates"
)

// The presentations, each a template of its own (layout.html plus NAME.html).
const (
	pageIOS     = "ios"
	pageAndroid = "android"
	pageDesktop = "desktop"
	pagePreview = "preview"
)

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

// pageData is everything a page template reads. Every string is escaped
// by html/template for its context; the two template.URL fields hold only
// app links whose scheme was checked against the config (see appLink),
// because html/template would otherwise replace an intent: or custom
// scheme link with "#ZgotmplZ".
type pageData struct {
	// Nonce is this request's CSP nonce for the inline loader.
	Nonce       string
	Platform    string
	Title       string
	Description string
	Image       string
	SiteName    string
	// URL is the link on the canonical host (og:url).
	URL string
	// SmartBanner is the apple-itunes-app content, "" for none.
	SmartBanner string
	CSS, JS     string
	// Script loads page.js; Loader, when set, is PartneroJS.
	Script bool
	Loader *loaderData

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

// loaderData fills the inline PartneroJS loader.
type loaderData struct {
	Src        string
	AssetsHost string
	PublicID   string
}

// pageSet holds the parsed presentations and a pool of render buffers.
type pageSet struct {
	byName  map[string]*template.Template
	css, js string
	bufs    sync.Pool
	// sentinel marks the request slots when a page shape is compiled
	// (see page_compile.go).
	sentinel string
}

// newPageSet parses every presentation once: the shared layout cloned,
// then each page's "main" added to its clone.
func newPageSet(as *assets) (*pageSet, error) {
	base, err := template.ParseFS(templates.FS, "layout.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout.html: %w", err)
	}
	p := &pageSet{
		byName: map[string]*template.Template{},
		css:    as.url("page.css"),
		js:     as.url("page.js"),
		bufs:   sync.Pool{New: func() any { return new(bytes.Buffer) }},

		sentinel: newSentinel(),
	}
	for _, name := range []string{pageIOS, pageAndroid, pageDesktop, pagePreview} {
		t, err := base.Clone()
		if err != nil {
			return nil, fmt.Errorf("clone layout for %s: %w", name, err)
		}
		if _, err := t.ParseFS(templates.FS, name+".html"); err != nil {
			return nil, fmt.Errorf("parse %s.html: %w", name, err)
		}
		p.byName[name] = t
	}
	return p, nil
}

// execute renders a presentation with html/template: the reference every
// compiled page is cut from and checked against.
func (p *pageSet) execute(buf *bytes.Buffer, name string, data *pageData) error {
	t, ok := p.byName[name]
	if !ok {
		return fmt.Errorf("no page %q", name)
	}
	if err := t.ExecuteTemplate(buf, "layout", data); err != nil {
		return fmt.Errorf("execute %s: %w", name, err)
	}
	return nil
}

// render writes a presentation into a pooled buffer, from the site's
// compiled page for the data's shape (compiled on first use); the caller
// hands the buffer back with release once written.
func (p *pageSet) render(site *sitePage, name string, data *pageData) (*bytes.Buffer, error) {
	v := dynamicFields(data)
	key := shapeOf(name, data, &v)
	cp, ok := site.compiled.Load(key)
	if !ok {
		c, err := p.compile(name, *data)
		if err != nil {
			return nil, err
		}
		cp, _ = site.compiled.LoadOrStore(key, c)
	}
	buf := p.bufs.Get().(*bytes.Buffer)
	buf.Reset()
	cp.(*compiledPage).write(buf, &v)
	return buf, nil
}

// maxPooledBuf keeps an unusually large page's buffer out of the pool.
const maxPooledBuf = 64 << 10

func (p *pageSet) release(buf *bytes.Buffer) {
	if buf.Cap() <= maxPooledBuf {
		p.bufs.Put(buf)
	}
}

// presentation picks the page for a decision. A Mac that may be an iPad
// gets the iOS page, which also holds the desktop section its script
// shows on a Mac.
func presentation(dec resolve.Decision) string {
	switch {
	case dec.Action == resolve.ActionPreview:
		return pagePreview
	case dec.Platform == useragent.IOS, dec.MaybeIPad:
		return pageIOS
	case dec.Platform == useragent.Android:
		return pageAndroid
	}
	return pageDesktop
}

// renderPage answers a decision with its page: 200 HTML, the site's
// Content-Security-Policy with a fresh nonce for the inline loader.
func (s *Server) renderPage(c echo.Context, site *Site, dec resolve.Decision) error {
	name := presentation(dec)
	nonce := newNonce()
	data := site.page.data(dec, name, nonce)
	data.CSS, data.JS = s.links.pages.css, s.links.pages.js
	buf, err := s.links.pages.render(site.page, name, &data)
	if err != nil {
		return fmt.Errorf("render page for %s: %w", site.Hosts[0], err)
	}
	defer s.links.pages.release(buf)
	// Referrer-Policy (origin only, so the key never leaves in a Referer)
	// is set on every answer by securityHeaders.
	c.Response().Header().Set("Content-Security-Policy", site.page.policy(name, nonce))
	return writeBody(c, http.StatusOK, echo.MIMETextHTMLCharsetUTF8, buf.Bytes())
}

// newNonce is a fresh CSP nonce: 128 random bits, URL-safe base64, so it
// needs no escaping in the header or the attribute.
func newNonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b[:])
}
