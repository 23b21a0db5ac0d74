package resolve

import "github.com/deeplinkd/deeplinkd/internal/useragent"

// Action is what the server does with a link request.
type Action string

// Actions, a bounded set (metric labels use it).
const (
	// ActionPreview serves the Open Graph preview page to a bot; no click
	// is counted.
	ActionPreview Action = "preview"
	// ActionPage serves the fallback page (PartneroJS, store and
	// open-in-app buttons).
	ActionPage Action = "page"
	// ActionRedirect answers 302 to Decision.Location.
	ActionRedirect Action = "redirect"
)

// Decision is the resolver's answer for one link and one visitor.
type Decision struct {
	Action   Action
	Platform useragent.Platform
	// InApp is the visitor's in-app browser, one of the useragent.InApp*
	// constants ("" for none).
	InApp string
	// MaybeIPad is set for a Mac Safari user agent, which iPadOS sends
	// too: the page's script must tell an iPad from a Mac.
	MaybeIPad bool
	// Key is a ValidKey or "".
	Key string
	// ClickID is the visit's click id, which the app links carry, or "".
	ClickID string
	// Route is the normalised route, always starting with "/".
	Route string
	// Location is the redirect target, set only for ActionRedirect.
	Location string
	// Links are everything a page needs, built only from config, Key and
	// Route.
	Links PageLinks
}

// Decide chooses what visitor v gets for link l on domain d:
//
//	bot                          preview
//	iOS / iPadOS, any browser    page
//	Android, any browser         page
//	desktop, desktop: redirect   redirect to Links.Web, unless MaybeIPad
//	desktop otherwise            page
//
// A phone always gets the page, not a redirect: reaching us means the app
// did not open, and only the page can still open it. An unknown platform is
// treated as desktop. l is re-validated, so a hand-made Link cannot smuggle
// an invalid key, click id or an unnormalised route into a destination.
// The links carry l.ClickID as the visit's click id (see Resolve).
func Decide(d *Domain, l Link, v useragent.Visitor) Decision {
	key, click := l.Key, l.ClickID
	if !ValidKey(key) {
		key = ""
	}
	if !ValidClickID(click) {
		click = ""
	}
	return d.decide(key, d.parseRoute(l.Route), v, click)
}

// Resolve is Decide(d, Extract(d, path, rawQuery), v) for a request's own
// path and query, without writing the route out and parsing it again:
// what Extract produced needs none of Decide's re-validation. The server
// calls it on every link request. clickID is the click id the server
// recorded for this visit (a ValidClickID, or "" for none): the links to
// the app carry it as ClickParam, so the app can claim the click (DESIGN.md
// section 8). A ClickParam in the request itself is never carried.
func Resolve(d *Domain, path, rawQuery string, v useragent.Visitor, clickID string) Decision {
	key, r, _ := d.extract(path, rawQuery)
	if !ValidClickID(clickID) {
		clickID = ""
	}
	return d.decide(key, r, v, clickID)
}

// decide is Decide for a valid (or empty) key and click id and a
// normalised route.
func (d *Domain) decide(key string, r route, v useragent.Visitor, clickID string) Decision {
	dec := Decision{
		Action:    ActionPage,
		Platform:  v.Platform,
		InApp:     v.InApp,
		MaybeIPad: v.MaybeIPad,
		Key:       key,
		ClickID:   clickID,
		Route:     r.String(),
	}
	switch v.Platform {
	case useragent.Bot:
		dec.Action = ActionPreview
	case useragent.IOS, useragent.Android:
		dec.Action = ActionPage
	default:
		dec.Platform = useragent.Desktop
		// iPadOS Safari sends a Mac UA; a 302 would take an iPad away
		// from the Smart App Banner, so the page decides on the client.
		if d.Desktop == DesktopRedirect && !v.MaybeIPad {
			if web := d.webURL(key, r); web != "" {
				// A redirect needs only its target: building the store and
				// app links too would double the cost of the hottest
				// link answer.
				dec.Action = ActionRedirect
				dec.Location = web
				dec.Links = PageLinks{Web: web}
				return dec
			}
		}
	}
	dec.Links = d.links(key, r, clickID)
	return dec
}
