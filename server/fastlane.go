package server

import (
	"log/slog"
	"net/http"

	"github.com/deeplinkd/deeplinkd/internal/resolve"
	"github.com/deeplinkd/deeplinkd/internal/useragent"
)

// Well-known paths, which are also their route labels, and the links'
// route label (the echo catch-all's pattern).
const (
	routeLinks        = "/*"
	pathAASAWellKnown = "/.well-known/apple-app-site-association"
	pathAASARoot      = "/apple-app-site-association"
	pathAssetLinks    = "/.well-known/assetlinks.json"
)

// wellKnownFor picks the document a well-known path serves, nil for any
// other path.
func wellKnownFor(path string) func(*siteDocs) *docAnswer {
	switch path {
	case pathAASAWellKnown, pathAASARoot:
		return pickAASA
	case pathAssetLinks:
		return pickAssetLinks
	}
	return nil
}

func pickAASA(d *siteDocs) *docAnswer       { return d.aasa }
func pickAssetLinks(d *siteDocs) *docAnswer { return d.assetLinks }

// fastLane answers the two hottest kinds of request in front of echo and
// hands everything else to next:
//
//   - a well-known file: GET or HEAD of an existing file on a configured
//     host (Apple's CDN, Google's verifiers, every app install);
//   - a desktop visitor's redirect on a domain in desktop: redirect mode.
//
// echo's per-request machinery (context, router, the middleware chain)
// cost more than these answers themselves. The lane gives the answer the
// echo route would, through the same helpers: request id, security
// headers, the document writer or the link decision and its headers, the
// same metrics series and the same access line (tests compare the two
// paths). Anything unusual — an unknown host, another method, an escaped
// path, a body, oversized headers, a page rather than a redirect — takes
// the echo path, which owns errors and pages.
func (s *Server) fastLane(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.fastAnswer(w, r) {
			next.ServeHTTP(w, r)
		}
	})
}

// fastAnswer answers r if it is one of the fast lane's cases and reports
// whether it did; when it did not, it wrote nothing.
func (s *Server) fastAnswer(w http.ResponseWriter, r *http.Request) bool {
	// Echo routes on the escaped path: "/%2Ewell-known/…" is no well-known
	// path there, so it is none here either (RawPath is set exactly when
	// the escaping is unusual).
	if (r.Method != http.MethodGet && r.Method != http.MethodHead) || r.URL.RawPath != "" ||
		(r.ContentLength != 0 && r.Body != http.NoBody) || headerSize(r) > maxHeaderBytes {
		return false
	}
	site, ok := s.snap.Load().Lookup(r.Host)
	if !ok {
		return false
	}
	start := s.now()
	var route string
	var status int
	var n int64
	var id string
	if pick := wellKnownFor(r.URL.Path); pick != nil {
		doc := pick(docsOf(site))
		if len(doc.Body) == 0 {
			return false
		}
		id = s.beginFast(w, r)
		status, _ = writeDocument(w, r, doc) // a failed write is the client's going away
		if status == http.StatusOK && r.Method == http.MethodGet {
			n = int64(len(doc.Body))
		}
		route = r.URL.Path
	} else {
		dec, visitor, ok := s.fastRedirect(site, r)
		if !ok {
			return false
		}
		id = s.beginFast(w, r)
		if r.Method == http.MethodGet {
			s.links.metrics.observe(site, dec, visitor)
		}
		h := w.Header()
		setRedirectSecurity(h)
		setLinkHeaders(h)
		h["Location"] = []string{dec.Location}
		w.WriteHeader(http.StatusFound)
		status, route = http.StatusFound, routeLinks
	}
	end := s.now()
	method := methodLabel(r.Method)
	s.metrics.observe(listenerPublic, route, method, status, end.Sub(start))
	if s.log.Enabled(r.Context(), slog.LevelInfo) {
		s.logRequest(r.Context(), end, accessLine{
			level:     slog.LevelInfo,
			listener:  listenerPublic,
			method:    method,
			route:     route,
			status:    status,
			bytes:     n,
			duration:  end.Sub(start),
			requestID: id,
			host:      canonicalHost(r.Host),
		})
	}
	return true
}

// beginFast sets the request id every answer carries (see requestID) and
// returns it. Each kind of answer sets its own security headers (see
// setDocumentSecurity).
func (s *Server) beginFast(w http.ResponseWriter, r *http.Request) string {
	id := s.requestIDFor(r)
	w.Header()[headerRequestIDKey] = []string{id}
	return id
}

// fastRedirect is the link decision when it is a redirect: a desktop
// visitor (not a possible iPad) on a domain in desktop: redirect mode.
// Pages, bots and phones take the echo path.
func (s *Server) fastRedirect(site *Site, r *http.Request) (resolve.Decision, useragent.Visitor, bool) {
	d := site.Domain
	if d == nil || site.page == nil || d.Desktop != resolve.DesktopRedirect {
		return resolve.Decision{}, useragent.Visitor{}, false
	}
	path := r.URL.EscapedPath()
	if resolve.Reserved(path) {
		return resolve.Decision{}, useragent.Visitor{}, false
	}
	v := s.links.ua.Classify(r.UserAgent())
	if v.Platform != useragent.Desktop || v.MaybeIPad {
		return resolve.Decision{}, useragent.Visitor{}, false
	}
	dec := resolve.Resolve(d, path, r.URL.RawQuery, v)
	if dec.Action != resolve.ActionRedirect || checkRedirect(site, dec) != nil {
		return resolve.Decision{}, useragent.Visitor{}, false
	}
	return dec, v, true
}
