package resolve

import (
	"net/url"
	"strings"

	"github.com/deeplinkd/deeplinkd/internal/reserved"
)

// Link is what a tapped link carries: the referral key, if any, and the
// in-app route.
type Link struct {
	// Key is a ValidKey, or "" when the link has none.
	Key string
	// Route is the normalised path and non-referral query, always
	// starting with a single "/" (for example "/promo?utm_source=mail").
	Route string
	// ClickID is the link's ClickParam when it is a ValidClickID, else "".
	ClickID string
}

// Extract reads the referral key and the route from a request's escaped
// path (as in URL.EscapedPath) and raw query. It never fails: whatever is
// broken is simply not a key, or not carried.
//
// The key comes from the first configured parameter present in the query,
// in the order of d.Params (not the order of the query), using that
// parameter's first occurrence. An empty value ("ref=" or a bare "ref")
// counts as absent, as in Apple's component matching. A present but
// invalid value (bad characters, too long, broken percent-encoding) means
// the link has no key: the search does not fall through to later
// parameters or to the path, so a mangled ref= never credits whoever a
// later parameter names.
//
// With no parameter present and d.PathKeys, the first path segment,
// percent-decoded once, is the key when it is valid and not reserved
// (see internal/reserved); the route's path is then what follows it.
//
// The route is the remaining path plus the query without any referral
// parameter, other items kept in order, re-escaped and bounded (see
// MaxRouteLen).
func Extract(d *Domain, path, rawQuery string) Link {
	key, r, items := d.extract(path, rawQuery)
	return Link{Key: key, Route: r.String(), ClickID: clickOf(items)}
}

// extract is Extract before the route is written out.
func (d *Domain) extract(path, rawQuery string) (string, route, []queryItem) {
	items := parseQuery(rawQuery)
	key, present := d.queryKey(items)
	routePath := path
	if !present && d.PathKeys {
		if k, rest, ok := pathKey(path); ok {
			key, routePath = k, rest
		}
	}
	return key, d.newRoute(routePath, items), items
}

// clickOf is the first ClickParam among items when it is a ValidClickID,
// else "".
func clickOf(items []queryItem) string {
	for _, it := range items {
		if it.ok() && it.name == ClickParam {
			if ValidClickID(it.value) {
				return it.value
			}
			return ""
		}
	}
	return ""
}

// queryKey returns the key from the first referral parameter present and
// whether one was present at all.
func (d *Domain) queryKey(items []queryItem) (key string, present bool) {
	for _, p := range d.Params {
		for _, it := range items {
			if !it.nameOK || it.name != p {
				continue
			}
			if it.valueOK && it.value == "" {
				continue // empty counts as absent
			}
			if it.valueOK && ValidKey(it.value) {
				return it.value, true
			}
			return "", true
		}
	}
	return "", false
}

// pathKey splits an escaped path into a key taken from its first segment
// and the escaped rest. ok is false when that segment is not a key.
func pathKey(path string) (key, rest string, ok bool) {
	seg, after, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	k, err := url.PathUnescape(seg)
	if err != nil || reserved.Segment(k) || !ValidKey(k) {
		return "", "", false
	}
	return k, "/" + after, true
}
