package wellknown

import (
	"strings"

	"github.com/deeplinkd/deeplinkd/internal/reserved"
)

// The AASA layout, and why it is valid for every iOS version:
//
//   - iOS 13+ reads {"appIDs": [...], "components": [...]} entries. Apps on
//     the default components share one such entry; an app with configured
//     components gets its own entry with exactly those components.
//   - iOS 12 and older read only {"appID": "...", "paths": [...]} and
//     ignore the keys they do not know. Each default-components app also
//     gets such a legacy entry, after all the components entries.
//
// Apple documents (WWDC19 session 717) that iOS 13+ ignores "paths" in an
// entry that has "components", which would allow one mixed entry per app.
// We keep the two formats in separate entries instead: "appID" is singular,
// so a mixed entry could not be shared by several apps, and validators
// (ours included, see verify.go) flag "paths" next to "appIDs" as a
// copy-paste mistake. How iOS 13+ combines several entries naming the same
// app is not documented; read in order, the components entry comes first
// and its list ends with a catch-all exclude, so evaluation stops there and
// the coarser legacy paths are never consulted.
//
// Apps with configured components get no legacy entry: components can
// constrain the query and fragment, which paths cannot express, and a
// guessed translation could claim more than the operator asked for.

// reservedPaths are the paths deeplinkd serves itself (internal/reserved)
// as AASA path patterns. They are excluded before anything is claimed, so
// no app can swallow them.
var reservedPaths = func() []string {
	var out []string
	for _, p := range reserved.Paths() {
		if strings.HasSuffix(p, "/") {
			p += "*"
		}
		out = append(out, p)
	}
	return out
}()

// escapeParam is the query item that keeps any link on the web
// (https://go.example.com/?ref=KEY&no_app=1): a way out for support staff
// and for people who want the web page although the app is installed.
const escapeParam = "no_app"

// aasaJSON is the file's top level, in the order Apple documents it.
type aasaJSON struct {
	AppLinks       appLinksJSON `json:"applinks"`
	WebCredentials *appListJSON `json:"webcredentials,omitempty"`
	AppClips       *appListJSON `json:"appclips,omitempty"`
}

type appLinksJSON struct {
	// Apps must be present and empty for iOS 9–12.
	Apps    []string     `json:"apps"`
	Details []detailJSON `json:"details"`
}

// detailJSON is one "details" entry: either the iOS 13+ pair (appIDs,
// components) or the legacy pair (appID, paths), never both.
type detailJSON struct {
	AppIDs     []string        `json:"appIDs,omitempty"`
	Components []componentJSON `json:"components,omitempty"`
	AppID      string          `json:"appID,omitempty"`
	Paths      []string        `json:"paths,omitempty"`
}

type componentJSON struct {
	Path string `json:"/,omitempty"`
	// Query is a string (the whole query) or a map[string]string (per
	// item); nil leaves the query unchecked.
	Query          any    `json:"?,omitempty"`
	Fragment       string `json:"#,omitempty"`
	Exclude        bool   `json:"exclude,omitempty"`
	Comment        string `json:"comment,omitempty"`
	CaseSensitive  *bool  `json:"caseSensitive,omitempty"`
	PercentEncoded *bool  `json:"percentEncoded,omitempty"`
}

type appListJSON struct {
	Apps []string `json:"apps"`
}

// buildAASA lays out the apple-app-site-association document for s.
func buildAASA(s Site) aasaJSON {
	doc := aasaJSON{AppLinks: appLinksJSON{Apps: []string{}, Details: []detailJSON{}}}

	params := keyParams(s.Params)
	var defaultIDs []string
	var explicit []detailJSON
	for _, app := range s.AppleApps {
		if len(app.Components) == 0 {
			defaultIDs = append(defaultIDs, app.AppID)
			continue
		}
		explicit = append(explicit, detailJSON{
			AppIDs:     []string{app.AppID},
			Components: componentsJSON(app.Components),
		})
	}
	if len(defaultIDs) > 0 {
		doc.AppLinks.Details = append(doc.AppLinks.Details, detailJSON{
			AppIDs:     defaultIDs,
			Components: defaultComponents(params, s.PathKeys),
		})
	}
	doc.AppLinks.Details = append(doc.AppLinks.Details, explicit...)
	if paths := legacyPaths(params, s.PathKeys); paths != nil {
		for _, id := range defaultIDs {
			doc.AppLinks.Details = append(doc.AppLinks.Details, detailJSON{AppID: id, Paths: paths})
		}
	}

	if len(s.WebCredentials) > 0 {
		doc.WebCredentials = &appListJSON{Apps: append([]string(nil), s.WebCredentials...)}
	}
	if len(s.AppClips) > 0 {
		doc.AppClips = &appListJSON{Apps: append([]string(nil), s.AppClips...)}
	}
	return doc
}

// keyParams drops empty and repeated parameter names: an empty name
// would claim nothing useful and a repeat adds only bytes.
func keyParams(params []string) []string {
	var out []string
	seen := make(map[string]bool, len(params))
	for _, p := range params {
		if p == "" || seen[p] {
			continue
		}
		seen[p] = true
		out = append(out, p)
	}
	return out
}

// defaultComponents claims the link shapes that carry a referral key and
// nothing else. Order matters: the first matching component wins and an
// exclude stops evaluation, so the reserved paths and the escape hatch
// come before any claim.
func defaultComponents(params []string, pathKeys bool) []componentJSON {
	out := make([]componentJSON, 0, len(reservedPaths)+len(params)+3)
	for _, p := range reservedPaths {
		out = append(out, componentJSON{Path: p, Exclude: true})
	}
	out = append(out, componentJSON{
		Query:   map[string]string{escapeParam: "?*"},
		Exclude: true,
		Comment: "?" + escapeParam + "=1 keeps a link on the web",
	})
	for _, p := range params {
		// "?*" rather than "*": an absent query item counts as an empty
		// one, so "*" would claim every URL. "/*" also matches "/", and
		// covers a key on a deeper path (/promo?ref=KEY), which the
		// resolver reads too.
		out = append(out, componentJSON{Path: "/*", Query: map[string]string{p: "?*"}})
	}
	if pathKeys {
		out = append(out, componentJSON{Path: "/?*", Comment: "a key in the path: /KEY"})
	}
	out = append(out, componentJSON{
		Path:    "*",
		Exclude: true,
		Comment: "anything else stays on the web",
	})
	return out
}

// legacyPaths is the iOS 12-and-older claim. Paths cannot see the query,
// so /?ref=KEY cannot be told from / or from ?no_app=1: with key params
// the whole domain but the reserved paths is claimed; with path keys
// alone, any non-empty path. Nil means nothing to claim, so no entry.
func legacyPaths(params []string, pathKeys bool) []string {
	var claim string
	switch {
	case len(params) > 0:
		claim = "*"
	case pathKeys:
		claim = "/?*"
	default:
		return nil
	}
	out := make([]string, 0, len(reservedPaths)+1)
	for _, p := range reservedPaths {
		out = append(out, "NOT "+p)
	}
	return append(out, claim)
}

// componentsJSON converts configured components, keeping their order.
func componentsJSON(cs []Component) []componentJSON {
	out := make([]componentJSON, 0, len(cs))
	for _, c := range cs {
		out = append(out, componentJSON{
			Path:           c.Path,
			Query:          queryJSON(c.Query),
			Fragment:       c.Fragment,
			Exclude:        c.Exclude,
			Comment:        c.Comment,
			CaseSensitive:  c.CaseSensitive,
			PercentEncoded: c.PercentEncoded,
		})
	}
	return out
}

// queryJSON picks the "?" form. Should both be set (config forbids it),
// the per-item form wins: it is the narrower of the two.
func queryJSON(q Query) any {
	if len(q.Items) > 0 {
		items := make(map[string]string, len(q.Items))
		for k, v := range q.Items {
			items[k] = v
		}
		return items
	}
	if q.Whole != "" {
		return q.Whole
	}
	return nil
}
