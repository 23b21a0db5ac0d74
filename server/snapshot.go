package server

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/deeplinkd/deeplinkd/internal/attribution"
	pages "github.com/deeplinkd/deeplinkd/internal/page"
	"github.com/deeplinkd/deeplinkd/internal/resolve"
	"github.com/deeplinkd/deeplinkd/wellknown"
)

// Site is one configured domain as the server serves it.
type Site struct {
	// Hosts are the names the site answers to: lower case, no port;
	// Hosts[0] is the canonical host, the rest are aliases.
	Hosts []string
	// WellKnown are the pre-rendered AASA and assetlinks.json.
	WellKnown wellknown.Files
	// Program is the name of the Partnero program the domain belongs to;
	// an API token acts only on its own program's domains.
	Program string
	// Domain is the link resolver's view of the site. Nil serves no links:
	// every path but the well-known files is then a 404.
	Domain *resolve.Domain
	// PartneroJS is the PartneroJS loader URL (partnero.js_url) the pages
	// load; its origin joins the pages' Content-Security-Policy.
	PartneroJS string

	// page is what every page of the site shares, prepared once by
	// NewSnapshot; nil when the site serves no links.
	page *pages.Site
	// docs are the well-known files with their header values made once
	// (see prepareDocs).
	docs *siteDocs
}

// Snapshot is the configuration in force: the sites by host, the proxies
// whose forwarding headers are believed, the API tokens and the programs.
// NewSnapshot builds it whole and nothing changes it afterwards; a reload
// builds a new one and puts it in force with one atomic store (see
// Options.Config), so a request, a delivery or a customer read sees one
// configuration, never half of two.
type Snapshot struct {
	sites    []Site
	trusted  []netip.Prefix
	tokens   []Token
	programs map[string]attribution.Program
	byHost   map[string]*Site
}

// SnapshotSpec is everything a Snapshot is built from.
type SnapshotSpec struct {
	// Sites are the configured domains.
	Sites []Site
	// TrustedProxies are the peers whose X-Forwarded-For and
	// X-Forwarded-Proto are believed.
	TrustedProxies []netip.Prefix
	// Tokens are the /api/v1 bearer tokens, each bound to one program
	// (see NewToken).
	Tokens []Token
	// Programs are the Partnero programs by name, as deliveries and
	// customer reads use them.
	Programs map[string]attribution.Program
}

// NewSnapshot builds the configuration in spec, indexing sites by every
// host they answer to. It fails when a site has no host, a host is empty,
// or a host belongs to two sites (that would let one domain's files answer
// for another).
func NewSnapshot(spec SnapshotSpec) (*Snapshot, error) {
	snap := &Snapshot{
		sites:    slices.Clone(spec.Sites),
		tokens:   slices.Clone(spec.Tokens),
		programs: maps.Clone(spec.Programs),
		byHost:   make(map[string]*Site),
	}
	for i := range snap.sites {
		site := &snap.sites[i]
		if len(site.Hosts) == 0 {
			return nil, fmt.Errorf("site %d: no host", i)
		}
		hosts := make([]string, len(site.Hosts))
		for j, h := range site.Hosts {
			host := canonicalHost(h)
			if host == "" {
				return nil, fmt.Errorf("site %d: empty host %q", i, h)
			}
			if _, dup := snap.byHost[host]; dup {
				return nil, fmt.Errorf("site %d: host %q already belongs to another site", i, host)
			}
			hosts[j] = host
			snap.byHost[host] = site
		}
		site.Hosts = hosts
		site.docs = prepareDocs(site.WellKnown)
		if site.Domain != nil {
			p, err := pages.NewSite(site.Domain, hosts[0], site.PartneroJS)
			if err != nil {
				return nil, fmt.Errorf("site %d (%s): %w", i, hosts[0], err)
			}
			site.page = p
		}
	}
	for _, p := range spec.TrustedProxies {
		if !p.IsValid() {
			return nil, fmt.Errorf("trusted proxy %v: invalid prefix", p)
		}
		snap.trusted = append(snap.trusted, p.Masked())
	}
	return snap, nil
}

// Sites are the configured domains, hosts normalised, in config order.
// The slice is the caller's; the sites are shared and must not be changed.
func (s *Snapshot) Sites() []Site {
	if s == nil {
		return nil
	}
	return slices.Clone(s.sites)
}

// Lookup finds the site for a Host header value (any case, with or without
// a port). A nil snapshot knows no host.
func (s *Snapshot) Lookup(hostHeader string) (*Site, bool) {
	if s == nil {
		return nil, false
	}
	site, ok := s.byHost[canonicalHost(hostHeader)]
	return site, ok
}

// Program is the named program, false when the snapshot has none of that
// name.
func (s *Snapshot) Program(name string) (attribution.Program, bool) {
	if s == nil {
		return attribution.Program{}, false
	}
	p, ok := s.programs[name]
	return p, ok
}

// canonicalHost reduces a Host header to the form configured hosts take:
// lower case, without port, IPv6 brackets or the trailing dot of a fully
// qualified name. It returns "" for a malformed value.
func canonicalHost(h string) string {
	if strings.HasPrefix(h, "[") {
		end := strings.IndexByte(h, ']')
		if end < 0 {
			return ""
		}
		if rest := h[end+1:]; rest != "" && rest[0] != ':' {
			return ""
		}
		h = h[1:end]
	} else if i := strings.LastIndexByte(h, ':'); i >= 0 && strings.IndexByte(h, ':') == i {
		// Exactly one colon: a name or IPv4 address with a port. More than
		// one is a bare IPv6 address, which has no port to strip.
		h = h[:i]
	}
	h = strings.TrimSuffix(h, ".")
	return strings.ToLower(h)
}
