package resolve

import (
	"net/url"
	"strings"
)

// MaxKeyLen is the longest referral key accepted.
const MaxKeyLen = 64

// ValidKey reports whether s is a referral key: 1 to 64 characters of
// A-Z a-z 0-9 _ - and dot. The dot segments "." and ".." are refused
// although their characters are allowed: as a path segment (/..) every URL
// resolver removes them, so such a key could never round-trip a link.
func ValidKey(s string) bool {
	if len(s) == 0 || len(s) > MaxKeyLen || s == "." || s == ".." {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '_' || c == '-' || c == '.':
		default:
			return false
		}
	}
	return true
}

// Reserved reports whether an escaped request path belongs to deeplinkd's
// own routes (/.well-known/, /apple-app-site-association, /api/, /static/,
// /robots.txt, /favicon.ico), whose first segment is never a referral key.
// The first segment is compared once percent-decoded, so /%2Ewell-known/
// is reserved too; anything under a reserved name is (/api, /robots.txt/x).
func Reserved(path string) bool {
	seg, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	if dec, err := url.PathUnescape(seg); err == nil {
		seg = dec
	}
	return reservedSegment(seg)
}

// reservedSegment reports whether a decoded first path segment names one
// of the reserved routes.
func reservedSegment(seg string) bool {
	switch seg {
	case ".well-known", "apple-app-site-association", "api", "static", "robots.txt", "favicon.ico":
		return true
	}
	return false
}
