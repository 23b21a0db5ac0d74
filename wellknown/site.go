// Package wellknown builds a domain's apple-app-site-association and
// assetlinks.json once, as the exact bytes Apple's and Google's verifiers
// will read. It knows nothing of HTTP or of config.yaml.
package wellknown

// MaxAASASize is Apple's limit on the uncompressed AASA (iOS 9.3.1+).
const MaxAASASize = 128 << 10

// Site is everything a domain's well-known files are built from.
type Site struct {
	// Params are the query parameters that carry a referral key, in order.
	Params []string
	// PathKeys claims https://host/KEY as well.
	PathKeys bool

	AppleApps      []AppleApp
	WebCredentials []string // app ids
	AppClips       []string // app clip ids

	AndroidApps []AndroidApp
}

// AppleApp is one iOS app. Components, when not empty, replace the
// default components for this app.
type AppleApp struct {
	AppID      string // TEAMID.bundle.id
	Components []Component
}

// Component is one applinks component (iOS 13+), in the order given.
type Component struct {
	Path           string // "/"
	Query          Query  // "?"
	Fragment       string // "#"
	Exclude        bool
	Comment        string
	CaseSensitive  *bool
	PercentEncoded *bool
}

// Query is a component's "?": a pattern for the whole query string
// (Whole) or a pattern per query item (Items). At most one is set.
type Query struct {
	Whole string
	Items map[string]string
}

// AndroidApp is one Android app.
type AndroidApp struct {
	Package string
	// Fingerprints are SHA-256 signing-certificate fingerprints, already
	// normalised to upper-case colon-separated hex.
	Fingerprints []string
	// ShareCredentials adds delegate_permission/common.get_login_creds.
	ShareCredentials bool
}

// Document is one pre-rendered file.
type Document struct {
	Body []byte
	// ETag is a strong entity tag, quoted, derived from Body.
	ETag string
}

// Files are a domain's two well-known documents.
type Files struct {
	AASA       Document
	AssetLinks Document
}
