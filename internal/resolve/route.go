package resolve

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxRouteLen bounds a normalised route (path and query, escaped). A longer
// route is dropped to "/" rather than cut, since a cut route may mean
// something else.
const MaxRouteLen = 1024

// queryItem is one name=value pair of a raw query, decoded.
type queryItem struct {
	name, value string
	// hasValue is false for a bare "name" with no "=".
	hasValue bool
	// nameOK and valueOK are false when that half is broken: invalid
	// percent-encoding, invalid UTF-8 or a control character.
	nameOK, valueOK bool
}

// ok reports whether the whole item is clean enough to carry on.
func (it queryItem) ok() bool { return it.nameOK && it.valueOK && it.name != "" }

// encode re-escapes the item in one canonical form, so that whatever the
// visitor sent, only letters, digits, -_.~ and %XX reach a destination.
func (it queryItem) encode() string {
	if !it.hasValue {
		return url.QueryEscape(it.name)
	}
	return url.QueryEscape(it.name) + "=" + url.QueryEscape(it.value)
}

// parseQuery splits a raw query into its items, in order. Only "&"
// separates items; a ";" stays part of the value (as in net/http since Go
// 1.17), which makes "ref=a;b" an invalid key rather than a second item.
func parseQuery(raw string) []queryItem {
	var items []queryItem
	for piece := range strings.SplitSeq(raw, "&") {
		if piece == "" {
			continue
		}
		n, v, hasValue := strings.Cut(piece, "=")
		it := queryItem{hasValue: hasValue}
		it.name, it.nameOK = decodeQuery(n)
		it.value, it.valueOK = decodeQuery(v)
		items = append(items, it)
	}
	return items
}

// decodeQuery percent-decodes one query half and reports whether it is
// clean text.
func decodeQuery(s string) (string, bool) {
	dec, err := url.QueryUnescape(s)
	if err != nil || !cleanText(dec) {
		return "", false
	}
	return dec, true
}

// cleanText reports whether s is valid UTF-8 without control characters
// (C0, DEL, C1), which have no business in a link and can split headers or
// hide text.
func cleanText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// normalisePath turns an escaped request path into the route's path: one
// leading "/", no empty or dot segments (so never "//host", which a browser
// reads as another origin), every segment re-escaped. A path with broken
// percent-encoding, a backslash (which browsers read as "/") or a control
// character is dropped to "/".
func normalisePath(escaped string) string {
	if escaped == "/" {
		return "/" // most links: a key in the query and no path
	}
	segs := make([]string, 0, 8)
	for raw := range strings.SplitSeq(escaped, "/") {
		s, err := url.PathUnescape(raw)
		if err != nil || !cleanText(s) || strings.ContainsRune(s, '\\') {
			return "/"
		}
		switch s {
		case "", ".":
			continue
		case "..":
			if len(segs) > 0 {
				segs = segs[:len(segs)-1]
			}
			continue
		}
		segs = append(segs, url.PathEscape(s))
	}
	if len(segs) == 0 {
		return "/"
	}
	p := "/" + strings.Join(segs, "/")
	if strings.HasSuffix(escaped, "/") {
		p += "/"
	}
	return p
}

// route is a normalised in-app route: an escaped path and the carried
// query items (clean, referral parameters removed). Only newRoute makes
// one, and it writes the route out once (str) for String.
type route struct {
	path  string
	items []queryItem
	str   string
}

// newRoute normalises an escaped path and the query items into a route,
// dropping broken items and every referral parameter, and dropping the
// whole route to "/" when it is longer than MaxRouteLen.
func (d *Domain) newRoute(escapedPath string, items []queryItem) route {
	r := route{path: normalisePath(escapedPath)}
	for _, it := range items {
		if it.ok() && !d.isParam(it.name) && it.name != ClickParam {
			r.items = append(r.items, it)
		}
	}
	r.str = r.path
	if q := r.query(); q != "" {
		r.str += "?" + q
	}
	if len(r.str) > MaxRouteLen {
		// Everything that cannot be carried safely ends up at the root.
		return route{path: "/", str: "/"}
	}
	return r
}

// parseRoute re-normalises a route string such as Link.Route. For a route
// Extract produced it is the identity; for anything else it applies the
// same rules, so Decide never trusts a hand-made Link.
func (d *Domain) parseRoute(s string) route {
	p, q, _ := strings.Cut(s, "?")
	return d.newRoute(p, parseQuery(q))
}

// query returns the carried items, escaped and joined.
func (r route) query() string {
	if len(r.items) == 0 {
		return ""
	}
	parts := make([]string, len(r.items))
	for i, it := range r.items {
		parts[i] = it.encode()
	}
	return strings.Join(parts, "&")
}

// String returns the route as path[?query].
func (r route) String() string { return r.str }

// withKey returns the route with the key as the first query item under
// param: the path-and-query every link to the app carries. With no key it
// is the route alone.
func (r route) withKey(param, key string) string {
	// The path is escaped, so the first "?" of str starts the query.
	_, q, _ := strings.Cut(r.str, "?")
	if key != "" {
		kv := url.QueryEscape(param) + "=" + url.QueryEscape(key)
		if q == "" {
			q = kv
		} else {
			q = kv + "&" + q
		}
	}
	if q == "" {
		return r.path
	}
	return r.path + "?" + q
}

// withClick appends the click id to a link built by withKey; a valid
// click id needs no escaping.
func withClick(link, clickID string) string {
	if clickID == "" {
		return link
	}
	sep := "?"
	if strings.Contains(link, "?") {
		sep = "&"
	}
	return link + sep + ClickParam + "=" + clickID
}
