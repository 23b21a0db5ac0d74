package server

import (
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"
)

// Well-known paths, which are also their route labels, and the links'
// route label (the echo catch-all's pattern).
const (
	routeLinks        = "/*"
	pathAASAWellKnown = "/.well-known/apple-app-site-association"
	pathAASARoot      = "/apple-app-site-association"
	pathAssetLinks    = "/.well-known/assetlinks.json"
)

// route is one entry of a route table.
type route struct {
	methods []string
	path    string
	handler echo.HandlerFunc
}

var getHead = []string{http.MethodGet, http.MethodHead}

// publicRoutes is the public listener's route table. echo matches static
// paths before "/*", so the resolver's catch-all (GET/HEAD "/*") cannot
// shadow these; it still refuses the reserved paths (internal/reserved)
// itself (a trailing slash on a well-known path, say, reaches it and must
// stay a 404, never a page or a redirect). Other methods on a link path
// are 405; a site without a resolver answers 404: JSON under /api, plain
// elsewhere.
func (s *Server) publicRoutes() []route {
	aasa := serveDocument(pickAASA)
	assetLinks := serveDocument(pickAssetLinks)
	return []route{
		{getHead, pathAASAWellKnown, aasa},
		// iOS 9 read the root; later systems prefer .well-known. Same bytes.
		{getHead, pathAASARoot, aasa},
		{getHead, pathAssetLinks, assetLinks},
		{getHead, "/robots.txt", serveRobots},
		{getHead, "/favicon.ico", serveFavicon},
		{getHead, "/static/*", s.serveAsset},
		{getHead, "/api/v1/resolve", requireToken(s.apiResolve)},
		// The link resolver: every other GET/HEAD path (see serveLink).
		{getHead, routeLinks, s.serveLink},
	}
}

// newPublic builds the public echo instance: every request takes this one
// path.
//
// Middleware order, outermost first, and why:
//  1. begin: the request id, so every later line of log can name the
//     request, and the one configuration the request started with, which
//     everything after it, the log line included, sees.
//  2. observe: the access log and metrics wrap all that can fail, and
//     answer errors first, so they record the status actually sent.
//  3. recoverPanics: inside observe, so a panic is logged and counted as
//     the 500 it becomes.
//  4. limitRequest: refuse oversized headers and bodies before any work.
//  5. requireSite: unknown hosts stop here with a 404, before a handler
//     could serve another domain's data.
//
// Each answer sets its own security headers (see answer.go). Nothing here
// redirects: no trailing-slash, https or www middleware, which would break
// Apple's and Google's fetch of the well-known files.
func (s *Server) newPublic() *echo.Echo {
	e := s.newEcho()
	e.Use(composed(s.begin(true), s.observe(listenerPublic, slog.LevelInfo), s.recoverPanics, s.limitRequest, requireSite))
	for _, r := range append(s.publicRoutes(), s.apiRoutes()...) {
		e.Match(r.methods, r.path, r.handler)
	}
	return e
}

// composed builds a middleware chain once, around a last step that calls
// the handler the router chose. echo v4 applies e.Use middleware anew on
// every request, allocating a closure per layer per request. The order is
// the order given, outermost first, exactly as e.Use(mw...) would run it.
func composed(mw ...echo.MiddlewareFunc) echo.MiddlewareFunc {
	h := func(c echo.Context) error { return c.Handler()(c) }
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return func(echo.HandlerFunc) echo.HandlerFunc { return h }
}
