// Package reserved is the one list of the paths deeplinkd serves itself
// (DESIGN.md section 3). The link resolver never reads a referral key from
// them, the default AASA excludes them before it claims anything, and the
// public router serves each of them (server/router_test.go holds all three
// to this list).
package reserved

import (
	"net/url"
	"slices"
	"strings"
)

// paths are the reserved paths. One ending in "/" reserves everything
// under it; the others are single files.
var paths = [...]string{
	"/.well-known/",
	"/apple-app-site-association",
	"/api/",
	"/static/",
	"/robots.txt",
	"/favicon.ico",
}

// Paths returns a copy of the reserved paths, in the order above.
func Paths() []string { return slices.Clone(paths[:]) }

// Segment reports whether a first path segment, percent-decoded, names a
// reserved path. Anything under a reserved name is reserved too (/api,
// /robots.txt/x): it is deeplinkd's to answer, if only with a 404.
func Segment(seg string) bool {
	for _, p := range paths {
		if strings.Trim(p, "/") == seg {
			return true
		}
	}
	return false
}

// Path reports whether an escaped request path is reserved. Its first
// segment is compared percent-decoded, so /%2Ewell-known/ is reserved too.
func Path(escaped string) bool {
	seg, _, _ := strings.Cut(strings.TrimPrefix(escaped, "/"), "/")
	if dec, err := url.PathUnescape(seg); err == nil {
		seg = dec
	}
	return Segment(seg)
}
