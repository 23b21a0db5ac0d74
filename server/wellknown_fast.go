package server

import (
	"log/slog"
	"net/http"

	"github.com/deeplinkd/deeplinkd/wellknown"
)

// Well-known paths, which are also their route labels.
const (
	pathAASAWellKnown = "/.well-known/apple-app-site-association"
	pathAASARoot      = "/apple-app-site-association"
	pathAssetLinks    = "/.well-known/assetlinks.json"
)

// wellKnownFor picks the document a well-known path serves, nil for any
// other path.
func wellKnownFor(path string) func(wellknown.Files) wellknown.Document {
	switch path {
	case pathAASAWellKnown, pathAASARoot:
		return pickAASA
	case pathAssetLinks:
		return pickAssetLinks
	}
	return nil
}

func pickAASA(f wellknown.Files) wellknown.Document       { return f.AASA }
func pickAssetLinks(f wellknown.Files) wellknown.Document { return f.AssetLinks }

// fastLane answers the common well-known request — GET or HEAD of an
// existing file on a configured host, with headers of a sane size — in
// front of echo, and hands everything else to next.
//
// Apple's CDN and Google's verifiers fetch these files, and echo's
// per-request machinery (context, router, the middleware chain) cost more
// than the answer itself. The lane gives the answer the echo route would:
// the same headers (request id, security headers, caching, ETag/304), the
// same metrics series and the same access line, through the same helpers.
// Anything unusual — an unknown host, another method, a missing file,
// oversized headers, a body — takes the echo path, which owns the errors.
func (s *Server) fastLane(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Echo routes on the escaped path: "/%2Ewell-known/…" is no
		// well-known path there, so it is none here either (RawPath is set
		// exactly when the escaping is unusual).
		pick := wellKnownFor(r.URL.Path)
		if pick == nil || r.URL.RawPath != "" || (r.Method != http.MethodGet && r.Method != http.MethodHead) ||
			(r.ContentLength != 0 && r.Body != http.NoBody) || headerSize(r) > maxHeaderBytes {
			next.ServeHTTP(w, r)
			return
		}
		site, ok := s.snap.Load().Lookup(r.Host)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		doc := pick(site.WellKnown)
		if len(doc.Body) == 0 {
			next.ServeHTTP(w, r)
			return
		}
		start := s.now()
		h := w.Header()
		id := s.requestIDFor(r)
		h[headerRequestIDKey] = []string{id}
		setSecurityHeaders(h)
		status, _ := writeDocument(w, r, doc) // a failed write is the client's going away
		end := s.now()
		var n int64
		if status == http.StatusOK && r.Method == http.MethodGet {
			n = int64(len(doc.Body))
		}
		method := methodLabel(r.Method)
		s.metrics.observe(listenerPublic, r.URL.Path, method, status, end.Sub(start))
		if !s.log.Enabled(r.Context(), slog.LevelInfo) {
			return
		}
		s.logRequest(r.Context(), end, accessLine{
			level:     slog.LevelInfo,
			listener:  listenerPublic,
			method:    method,
			route:     r.URL.Path,
			status:    status,
			bytes:     n,
			duration:  end.Sub(start),
			requestID: id,
			host:      canonicalHost(r.Host),
		})
	})
}
