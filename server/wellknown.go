package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/deeplinkd/deeplinkd/internal/apperr"
	"github.com/deeplinkd/deeplinkd/wellknown"
)

// wellKnownCacheControl lets caches keep the files an hour. Freshness buys
// little here: Apple's CDN re-fetches on its own schedule (within a day)
// and devices about weekly, whatever we say, so a longer max-age would
// only slow a fix reaching Google's verifier and manual checks, and a
// shorter one would only add load.
const wellKnownCacheControl = "public, max-age=3600"

// Shared header values of the well-known answers (see answer.go).
var (
	hdrWellKnownCache = []string{wellKnownCacheControl}
	hdrJSON           = []string{echo.MIMEApplicationJSON}
)

// autoLengthMax is the largest body net/http gives a Content-Length of its
// own: one it holds whole in its response buffer when the handler returns.
// A larger one, and any HEAD answer, needs ours, or it would go out
// chunked (or, for HEAD, without a length). TestDocumentLength holds
// net/http to this through a real connection.
const autoLengthMax = 2048

// docAnswer is a well-known document and the header values of its answer,
// made once per config rather than per request.
type docAnswer struct {
	wellknown.Document
	etag, length []string
}

// siteDocs are a site's two documents, ready to serve.
type siteDocs struct {
	aasa, assetLinks *docAnswer
}

func prepareDocs(f wellknown.Files) *siteDocs {
	return &siteDocs{aasa: prepareDoc(f.AASA), assetLinks: prepareDoc(f.AssetLinks)}
}

func prepareDoc(d wellknown.Document) *docAnswer {
	a := &docAnswer{Document: d, length: []string{strconv.Itoa(len(d.Body))}}
	if d.ETag != "" {
		a.etag = []string{d.ETag}
	}
	return a
}

// docsOf is site's prepared documents; a Site made without NewSnapshot
// (a handler test) gets them made on the spot.
func docsOf(site *Site) *siteDocs {
	if site.docs != nil {
		return site.docs
	}
	return prepareDocs(site.WellKnown)
}

func pickAASA(d *siteDocs) *docAnswer       { return d.aasa }
func pickAssetLinks(d *siteDocs) *docAnswer { return d.assetLinks }

// wellKnownPaths are the well-known files' exact paths and the document
// each serves. iOS 9 read the AASA at the root, later systems at
// .well-known: the same bytes.
var wellKnownPaths = map[string]func(*siteDocs) *docAnswer{
	pathAASAWellKnown: pickAASA,
	pathAASARoot:      pickAASA,
	pathAssetLinks:    pickAssetLinks,
}

// hdrAllowGetHead is the Allow header of the well-known paths, as echo
// writes it for its own GET and HEAD routes.
var hdrAllowGetHead = []string{"OPTIONS, GET, HEAD"}

// serveWellKnown answers a well-known path with the request's site's
// pre-rendered file: exact bytes, strong ETag, 304 on a matching
// If-None-Match, and no redirect of any kind (Apple and Google reject
// one). These are the hottest requests and the ones Apple's and Google's
// verifiers make, so they take a plain handler instead of echo's router;
// the middleware chain around it is every request's (see
// newPublicHandler).
func (s *Server) serveWellKnown(w http.ResponseWriter, r *http.Request, pick func(*siteDocs) *docAnswer) {
	x := exchangeOf(r)
	x.route = r.URL.Path
	if err := s.wellKnown(x, r, pick); err != nil {
		s.answerError(x, r, err)
	}
}

func (s *Server) wellKnown(x *exchange, r *http.Request, pick func(*siteDocs) *docAnswer) error {
	if err := s.admit(x, r, true); err != nil {
		return err
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
	case http.MethodOptions:
		x.Header()["Allow"] = hdrAllowGetHead
		x.WriteHeader(http.StatusNoContent)
		return nil
	default:
		x.Header()["Allow"] = hdrAllowGetHead
		return apperr.New(apperr.MethodNotAllowed, "")
	}
	doc := pick(docsOf(x.site))
	if len(doc.Body) == 0 {
		// The site has nothing for this platform: no file rather than
		// an empty one a verifier would reject as malformed.
		return errNotFound
	}
	return writeDocument(x, r, doc)
}

// writeDocument writes doc as the answer to r. Canonical header keys are
// assigned directly: this is the hottest route.
func writeDocument(w http.ResponseWriter, r *http.Request, doc *docAnswer) error {
	h := w.Header()
	setDocumentSecurity(h)
	h["Cache-Control"] = hdrWellKnownCache
	if doc.ETag != "" {
		h["Etag"] = doc.etag
		if noneMatch(r.Header["If-None-Match"], doc.ETag) {
			w.WriteHeader(http.StatusNotModified)
			return nil
		}
	}
	h["Content-Type"] = hdrJSON
	if r.Method == http.MethodHead || len(doc.Body) > autoLengthMax {
		h["Content-Length"] = doc.length
	}
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return nil
	}
	_, err := w.Write(doc.Body)
	return err
}

// noneMatch reports whether an If-None-Match header (all its lines) names
// etag, using the weak comparison RFC 9110 section 13.1.2 prescribes for
// GET and HEAD: "*" matches, W/ prefixes are ignored. A malformed list
// stops matching at the first bad entry.
func noneMatch(headers []string, etag string) bool {
	want := strings.TrimPrefix(etag, "W/")
	for _, h := range headers {
		for rest := h; ; {
			rest = strings.TrimLeft(rest, " \t,")
			if rest == "" {
				break
			}
			if rest[0] == '*' {
				return true
			}
			tag, tail, ok := nextETag(rest)
			if !ok {
				break
			}
			if strings.TrimPrefix(tag, "W/") == want {
				return true
			}
			rest = tail
		}
	}
	return false
}

// nextETag splits one entity-tag (W/"..." or "...") off the front of s.
func nextETag(s string) (tag, rest string, ok bool) {
	start := 0
	if strings.HasPrefix(s, "W/") {
		start = 2
	}
	if len(s) <= start || s[start] != '"' {
		return "", "", false
	}
	end := strings.IndexByte(s[start+1:], '"')
	if end < 0 {
		return "", "", false
	}
	end += start + 2
	return s[:end], s[end:], true
}
