// Package config is the schema of config.yaml (DESIGN.md section 2): strict
// loading, defaults, and one validation pass that reports every problem.
// Only cmd/ imports it; the other packages take plain structs built from it.
package config

import "time"

// Config is the whole file after defaults and validation.
type Config struct {
	// Path is the file the config was read from; every problem names it.
	Path string `yaml:"-"`
	// Warnings are problems that do not stop the service (a Partnero key
	// variable that is unset, say); the caller logs them.
	Warnings []string `yaml:"-"`

	Server    Server              `yaml:"server"`
	Storage   Storage             `yaml:"storage"`
	Partnero  Partnero            `yaml:"partnero"`
	Delivery  Delivery            `yaml:"delivery"`
	Programs  map[string]*Program `yaml:"programs"`
	APITokens []APIToken          `yaml:"api_tokens"`
	Domains   []Domain            `yaml:"domains"`
	Clicks    Clicks              `yaml:"clicks"`
	Deferred  Deferred            `yaml:"deferred"`
}

// Server holds the two listeners and process-level settings.
type Server struct {
	Listen          string        `yaml:"listen"`
	AdminListen     string        `yaml:"admin_listen"`
	TrustedProxies  []string      `yaml:"trusted_proxies"`
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
}

// Storage picks the event store.
type Storage struct {
	Driver string `yaml:"driver"`
	DSN    string `yaml:"dsn"`
}

// Partnero is where the REST client and the pages' loader point.
type Partnero struct {
	APIURL  string        `yaml:"api_url"`
	JSURL   string        `yaml:"js_url"`
	Timeout time.Duration `yaml:"timeout"`
}

// Delivery tunes the outbox that forwards accepted events to Partnero.
// The section is optional (an addition to DESIGN.md section 2); every
// value has a default.
type Delivery struct {
	// Workers is how many events one instance sends at once.
	Workers int `yaml:"workers"`
	// Lease is how long a claimed event is held by its sender; it must
	// outlast partnero.timeout, or a slow send could be claimed again.
	Lease time.Duration `yaml:"lease"`
	// BaseDelay is the wait before the first retry; it doubles with each
	// attempt (with jitter) up to MaxDelay.
	BaseDelay time.Duration `yaml:"base_delay"`
	// MaxDelay caps the wait between two attempts.
	MaxDelay time.Duration `yaml:"max_delay"`
}

// Program is one Partnero program.
type Program struct {
	// Name is the key under programs:, filled in by Load.
	Name      string `yaml:"-"`
	Type      string `yaml:"type"`
	APIKeyEnv string `yaml:"api_key_env"`
	PublicID  string `yaml:"public_id"`
	// APIKey is read from APIKeyEnv; empty when the variable is unset, in
	// which case deliveries for this program wait.
	APIKey Secret `yaml:"-"`
}

// Program types.
const (
	ProgramAffiliate    = "affiliate"
	ProgramReferAFriend = "refer_a_friend"
)

// APIToken is a bearer token for /api/v1 bound to one program.
type APIToken struct {
	Name     string `yaml:"name"`
	TokenEnv string `yaml:"token_env"`
	Program  string `yaml:"program"`
	// Token is read from TokenEnv; Load fails when it is unset.
	Token Secret `yaml:"-"`
}

// Domain is one referral host and everything served on it.
type Domain struct {
	Host     string   `yaml:"host"`
	Aliases  []string `yaml:"aliases"`
	Program  string   `yaml:"program"`
	Referral Referral `yaml:"referral"`
	Apple    Apple    `yaml:"apple"`
	Android  Android  `yaml:"android"`
	Web      Web      `yaml:"web"`
	Preview  Preview  `yaml:"preview"`
}

// Referral says where the key is read from.
type Referral struct {
	// Params are query parameters that carry the key, checked in order.
	// Default: [ref].
	Params []string `yaml:"params"`
	// PathKeys reads https://host/KEY. Default: true.
	PathKeys *bool `yaml:"path_keys"`
}

// PathKeysEnabled reports the effective path_keys setting.
func (r Referral) PathKeysEnabled() bool { return r.PathKeys == nil || *r.PathKeys }

// Apple is the iOS side of a domain.
type Apple struct {
	Apps           []AppleApp `yaml:"apps"`
	WebCredentials []string   `yaml:"webcredentials"`
	AppClips       []string   `yaml:"appclips"`
}

// AppleApp is one iOS app claiming the domain.
type AppleApp struct {
	AppID      string      `yaml:"app_id"`
	AppStoreID string      `yaml:"app_store_id"`
	Scheme     string      `yaml:"scheme"`
	Components []Component `yaml:"components"`
}

// Component is one AASA applinks component (iOS 13+). Query is either a
// pattern for the whole query string or a map of item name to pattern.
type Component struct {
	Path           string `yaml:"/,omitempty"`
	Query          Query  `yaml:"?,omitempty"`
	Fragment       string `yaml:"#,omitempty"`
	Exclude        bool   `yaml:"exclude,omitempty"`
	Comment        string `yaml:"comment,omitempty"`
	CaseSensitive  *bool  `yaml:"caseSensitive,omitempty"`
	PercentEncoded *bool  `yaml:"percentEncoded,omitempty"`
}

// Query is the "?" of a component: a whole-query pattern (Whole) or
// per-item patterns (Items); at most one is set.
type Query struct {
	Whole string
	Items map[string]string
}

// Android is the Android side of a domain.
type Android struct {
	Apps []AndroidApp `yaml:"apps"`
}

// AndroidApp is one Android app claiming the domain.
type AndroidApp struct {
	Package                string   `yaml:"package"`
	SHA256CertFingerprints []string `yaml:"sha256_cert_fingerprints"`
	Scheme                 string   `yaml:"scheme"`
	// ShareCredentials adds delegate_permission/common.get_login_creds so
	// the app and the site share sign-in credentials. An addition to the
	// DESIGN.md schema; default false.
	ShareCredentials bool `yaml:"share_credentials"`
}

// Web is where visitors without the app go.
type Web struct {
	FallbackURL string `yaml:"fallback_url"`
	// Desktop is DesktopPage (default) or DesktopRedirect.
	Desktop string `yaml:"desktop"`
}

// Desktop modes.
const (
	DesktopPage     = "page"
	DesktopRedirect = "redirect"
)

// Preview is what link-preview bots see.
type Preview struct {
	Title       string `yaml:"title"`
	Description string `yaml:"description"`
	Image       string `yaml:"image"`
}

// Clicks configures the click records of install attribution and the
// funnel (DESIGN.md section 8).
type Clicks struct {
	// Record keeps a record of each visitor's click; default true.
	Record *bool `yaml:"record"`
	// Retention is how long click records and claims are kept; the daily
	// counts stay.
	Retention time.Duration `yaml:"retention"`
}

// RecordEnabled reports the effective clicks.record setting.
func (c Clicks) RecordEnabled() bool { return c.Record == nil || *c.Record }

// Deferred configures the claim a first app launch makes
// (POST /api/v1/deferred/claim).
type Deferred struct {
	Enabled bool `yaml:"enabled"`
	// Window is how long a click can be matched by IP; its IP hash is
	// erased after it.
	Window time.Duration `yaml:"window"`
	// IPMatch matches an iOS claim that has no other evidence by IP:
	// opt-in, because Apple's rules forbid deriving data to identify a
	// device, network signals included.
	IPMatch bool `yaml:"ip_match"`
	// Clipboard has the iOS page's "Get the app" tap copy the link,
	// saying so; default true.
	Clipboard *bool `yaml:"clipboard"`
	// RelayRangesFile is Apple's iCloud Private Relay egress list (CSV);
	// addresses in it never match.
	RelayRangesFile string `yaml:"relay_ranges_file"`
}

// ClipboardEnabled reports the effective deferred.clipboard setting.
func (d Deferred) ClipboardEnabled() bool { return d.Clipboard == nil || *d.Clipboard }
