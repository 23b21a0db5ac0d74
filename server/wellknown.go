package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/deeplinkd/deeplinkd/wellknown"
)

// wellKnownCacheControl lets caches keep the files an hour. Freshness buys
// little here: Apple's CDN re-fetches on its own schedule (within a day)
// and devices about weekly, whatever we say, so a longer max-age would
// only slow a fix reaching Google's verifier and manual checks, and a
// shorter one would only add load.
const wellKnownCacheControl = "public, max-age=3600"

// serveDocument answers one pre-rendered well-known file of the request's
// site: exact bytes, strong ETag, 304 on a matching If-None-Match, and no
// redirect of any kind (Apple and Google reject one).
func serveDocument(pick func(wellknown.Files) wellknown.Document) echo.HandlerFunc {
	return func(c echo.Context) error {
		site := siteOf(c)
		if site == nil {
			return errUnknownHost
		}
		doc := pick(site.WellKnown)
		if len(doc.Body) == 0 {
			// The site has nothing for this platform: no file rather than
			// an empty one a verifier would reject as malformed.
			return &Error{Status: http.StatusNotFound, Message: "not found"}
		}
		h := c.Response().Header()
		h.Set("Cache-Control", wellKnownCacheControl)
		if doc.ETag != "" {
			h.Set("ETag", doc.ETag)
			if noneMatch(c.Request().Header.Values("If-None-Match"), doc.ETag) {
				return c.NoContent(http.StatusNotModified)
			}
		}
		h.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
		h.Set(echo.HeaderContentLength, strconv.Itoa(len(doc.Body)))
		c.Response().WriteHeader(http.StatusOK)
		if c.Request().Method == http.MethodHead {
			return nil
		}
		_, err := c.Response().Write(doc.Body)
		return err
	}
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
