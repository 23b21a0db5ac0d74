// Package partnerosim is an in-memory simulator of Partnero's REST API, as
// described in partnero/API.md, for tests and demos only. It speaks the same
// wire format as api.partnero.com/v1 (bearer keys, {"data":…,"status":1}
// bodies, Laravel-shaped errors, a per-key rate limit) and adds fault
// switches and an unauthenticated inspection API under /_sim/.
//
// It is not a production service: /_sim/ has no authentication and lets
// anyone read every request and reset all state. Bind it to localhost.
//
// Where API.md marks a behaviour [inferred], the simulator implements the
// reading API.md chooses, so a client that works against it should be
// checked against the other plausible readings separately. It re-derives
// the wire format from API.md and never imports deeplinkd's client, so a
// client bug cannot hide in its fake.
package partnerosim

import (
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
)

// ProgramKind is a Partnero program type; it decides which referrer a new
// customer names.
type ProgramKind string

// Program kinds.
const (
	// Affiliate customers are referred by a partner (partner.key).
	Affiliate ProgramKind = "affiliate"
	// ReferAFriend customers are referred by another customer
	// (referring_customer.key).
	ReferAFriend ProgramKind = "refer_a_friend"
)

// Valid reports whether k is a known program kind.
func (k ProgramKind) Valid() bool { return k == Affiliate || k == ReferAFriend }

// Defaults applied by New.
const (
	DefaultRatePerMinute = 60
	DefaultReferralURL   = "https://go.example.com/"
	DefaultCurrency      = "USD"
	DefaultMaxRequests   = 10000
)

// Options configure a Sim. The zero value is usable but has no keys, so
// every API call answers 401.
type Options struct {
	// Keys maps each accepted API key to the program it belongs to.
	Keys map[string]string
	// Programs gives each program's kind; a program named only in Keys or
	// Seed is Affiliate.
	Programs map[string]ProgramKind
	// Seed is applied by New and again by Reset.
	Seed Seed
	// RatePerMinute is the per-key request budget of each one-minute window:
	// 0 means DefaultRatePerMinute, a negative value turns the limit off.
	RatePerMinute int
	// ReferralURL is the link customers' stats report, with ?ref=KEY added.
	ReferralURL string
	// Currency is what balances are reported in.
	Currency string
	// MaxRequests bounds the request log; the oldest entries go first.
	MaxRequests int
	// Now is the clock for timestamps and rate-limit windows; nil means
	// time.Now.
	Now func() time.Time
	// Logger receives one line per API request; nil discards.
	Logger *slog.Logger
}

// Seed is data that exists before any API call.
type Seed struct {
	// Partners maps a program to the partner keys it starts with.
	Partners map[string][]string
	// Customers maps a program to the customer keys it starts with, such as
	// the referrers of a refer-a-friend program.
	Customers map[string][]string
}

// Sim is the simulator. It is an http.Handler and safe for concurrent use.
type Sim struct {
	keys  map[string]string
	kinds map[string]ProgramKind
	seed  Seed
	rate  int
	link  string
	cur   string
	max   int
	now   func() time.Time
	log   *slog.Logger

	mu       sync.Mutex
	programs map[string]*program
	requests []Request
	fault    Fault
	windows  map[string]*window
}

// New returns a simulator with opts' defaults filled in and its seed
// applied. Seed entries that cannot be applied (a duplicate key, say) are
// logged and skipped.
func New(opts Options) *Sim {
	s := &Sim{
		keys:  make(map[string]string, len(opts.Keys)),
		kinds: make(map[string]ProgramKind),
		seed:  opts.Seed,
		rate:  opts.RatePerMinute,
		link:  opts.ReferralURL,
		cur:   opts.Currency,
		max:   opts.MaxRequests,
		now:   opts.Now,
		log:   opts.Logger,
	}
	if s.rate == 0 {
		s.rate = DefaultRatePerMinute
	}
	if s.link == "" {
		s.link = DefaultReferralURL
	}
	if s.cur == "" {
		s.cur = DefaultCurrency
	}
	if s.max <= 0 {
		s.max = DefaultMaxRequests
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	for k, p := range opts.Keys {
		s.keys[k] = p
		s.kinds[p] = Affiliate
	}
	for p := range opts.Seed.Partners {
		s.kinds[p] = Affiliate
	}
	for p := range opts.Seed.Customers {
		s.kinds[p] = Affiliate
	}
	for p, k := range opts.Programs {
		if !k.Valid() {
			s.log.Warn("unknown program kind; using affiliate", "program", p, "kind", string(k))
			k = Affiliate
		}
		s.kinds[p] = k
	}
	s.resetLocked()
	return s
}

// ServeHTTP answers the Partnero API under /v1/ and the control API under
// /_sim/.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch p := r.URL.Path; {
	case p == "/_sim" || strings.HasPrefix(p, "/_sim/"):
		s.serveControl(w, r)
	case p == "/v1" || strings.HasPrefix(p, "/v1/"):
		s.serveAPI(w, r)
	default:
		writeJSON(w, notFound())
	}
}

// Reset forgets every customer, transaction, partner, recorded request,
// fault and rate-limit window, then applies the seed from Options again.
func (s *Sim) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resetLocked()
}

func (s *Sim) resetLocked() {
	s.programs = make(map[string]*program, len(s.kinds))
	for name, kind := range s.kinds {
		s.programs[name] = newProgram(name, kind)
	}
	s.requests = nil
	s.fault = Fault{}
	s.windows = make(map[string]*window)
	now := s.now().UTC()
	for prog, keys := range s.seed.Partners {
		for _, k := range keys {
			if err := s.programs[prog].addPartner(Partner{Key: k}, now); err != nil {
				s.log.Warn("seed partner skipped", "program", prog, "err", err)
			}
		}
	}
	for prog, keys := range s.seed.Customers {
		for _, k := range keys {
			if err := s.programs[prog].addCustomer(Customer{Key: k}, now); err != nil {
				s.log.Warn("seed customer skipped", "program", prog, "err", err)
			}
		}
	}
}
