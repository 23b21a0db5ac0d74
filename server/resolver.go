package server

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	pages "github.com/deeplinkd/deeplinkd/internal/page"
	"github.com/deeplinkd/deeplinkd/internal/reserved"
	"github.com/deeplinkd/deeplinkd/internal/resolve"
	"github.com/deeplinkd/deeplinkd/internal/useragent"
	"github.com/deeplinkd/deeplinkd/templates"
)

// links is what the link resolver keeps for the life of the Server,
// across reloads: the classifier (and its cache), the parsed pages, the
// hashed static assets and the click metrics.
type links struct {
	ua      *useragent.Classifier
	pages   *pages.Set
	assets  *assets
	metrics *linkMetrics
}

// newLinks builds the resolver's shared parts. The templates and assets
// are embedded, so a failure to parse them is a bug in this binary, found
// by the first test that builds a Server: it panics.
func newLinks(opts useragent.Options, reg *prometheus.Registry) *links {
	as, err := newAssets()
	if err != nil {
		panic(fmt.Sprintf("static assets: %v", err))
	}
	set, err := pages.NewSet(templates.FS, as.url("page.css"), as.url("page.js"))
	if err != nil {
		panic(fmt.Sprintf("page templates: %v", err))
	}
	return &links{
		ua:      useragent.New(opts),
		pages:   set,
		assets:  as,
		metrics: newLinkMetrics(reg),
	}
}

// serveLink is the resolver: GET/HEAD on any path the route table does not
// name. A reserved path (DESIGN.md section 3) is a 404, never a page, so
// a typo in a well-known path can never be answered with HTML. Otherwise
// it reads the key and route, classifies the visitor and answers the
// decision: a preview for bots, a page for phones (and for desktops in
// page mode or a Mac that may be an iPad), else a 302 to the fallback.
func (s *Server) serveLink(c echo.Context) error {
	site := siteOf(c)
	req := c.Request()
	path := req.URL.EscapedPath()
	if site == nil || site.Domain == nil || site.page == nil || reserved.Path(path) {
		return errNotFound
	}
	visitor := s.links.ua.Classify(req.UserAgent())
	dec := resolve.Resolve(site.Domain, path, req.URL.RawQuery, visitor, "")
	if req.Method == http.MethodGet {
		// A HEAD fetches no page and runs no PartneroJS: not a click.
		s.links.metrics.observe(site, dec, visitor)
	}
	h := c.Response().Header()
	setLinkHeaders(h)
	if dec.Action == resolve.ActionRedirect {
		if err := checkRedirect(site, dec); err != nil {
			return err
		}
		setRedirectSecurity(h)
		h["Location"] = []string{dec.Location}
		c.Response().WriteHeader(http.StatusFound)
		return nil
	}
	// Pages only: a redirect has no content of its own to index.
	h["X-Robots-Tag"] = hdrNoIndex
	return s.renderPage(c, site, dec)
}

// Shared header values of link answers.
var (
	hdrNoStore = []string{"no-store"}
	hdrVaryUA  = []string{"User-Agent"}
	hdrNoIndex = []string{"noindex"}
)

// setLinkHeaders marks a link answer, page or redirect: it depends on the
// user agent and carries the key, so no cache may keep it or hand it to
// another visitor. Pages add X-Robots-Tag: noindex.
func setLinkHeaders(h http.Header) {
	h["Cache-Control"] = hdrNoStore
	h["Vary"] = append(h["Vary"], hdrVaryUA...)
}

// checkRedirect refuses a redirect whose target left the fallback origin.
// resolve builds Location from the fallback URL alone; a different origin
// would be an open redirect. The link itself is not logged: it carries
// the key.
func checkRedirect(site *Site, dec resolve.Decision) error {
	if !site.page.OnWebOrigin(dec.Location) {
		return fmt.Errorf("redirect for %s leaves the fallback origin", site.Hosts[0])
	}
	return nil
}
