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

// publicRoutes is the public echo router's table; the well-known files
// are answered ahead of it (see newPublicHandler). echo matches static
// paths before "/*", so the resolver's catch-all (GET/HEAD "/*") cannot
// shadow these; it still refuses the reserved paths (internal/reserved)
// itself (a trailing slash on a well-known path, say, reaches it and must
// stay a 404, never a page or a redirect). Other methods on a link path
// are 405; a site without a resolver answers 404: JSON under /api, plain
// elsewhere.
func (s *Server) publicRoutes() []route {
	return []route{
		{getHead, "/robots.txt", serveRobots},
		{getHead, "/favicon.ico", serveFavicon},
		{getHead, "/static/*", s.serveAsset},
		{getHead, "/api/v1/resolve", requireToken(s.apiResolve)},
		// The link resolver: every other GET/HEAD path (see serveLink).
		{getHead, routeLinks, s.serveLink},
	}
}

// newPublicHandler builds the public listener's handler: one middleware
// chain (see handle) around two routers. The well-known files' exact
// paths (unescaped: echo routes an escaped path as it came, so
// /%2Ewell-known/... is no well-known path there either) go to
// serveWellKnown; everything else goes to echo, whose one middleware
// labels the request with the matched route and admits it. Nothing here
// redirects: no trailing-slash, https or www middleware, which would
// break Apple's and Google's fetch of the well-known files.
func (s *Server) newPublicHandler() http.Handler {
	e := s.newEcho()
	e.Use(s.admitted(true))
	for _, r := range append(s.publicRoutes(), s.apiRoutes()...) {
		e.Match(r.methods, r.path, r.handler)
	}
	s.public = e
	return s.handle(listenerPublic, slog.LevelInfo, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if pick, ok := wellKnownPaths[r.URL.Path]; ok && r.URL.RawPath == "" {
			s.serveWellKnown(w, r, pick)
			return
		}
		e.ServeHTTP(w, r)
	}))
}
