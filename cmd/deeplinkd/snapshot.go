package main

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/deeplinkd/deeplinkd/internal/attribution"
	"github.com/deeplinkd/deeplinkd/internal/config"
	"github.com/deeplinkd/deeplinkd/internal/partnero"
	"github.com/deeplinkd/deeplinkd/internal/resolve"
	"github.com/deeplinkd/deeplinkd/server"
	"github.com/deeplinkd/deeplinkd/wellknown"
)

// buildSnapshot turns a validated config into the one value the process
// serves and delivers from: each domain's hosts, pre-rendered well-known
// files and link resolver, the API tokens, the trusted proxies and the
// programs. demoKeys (serve -demo) stand in for programs whose own
// Partnero key is unset. Errors name the file and the domain, like config
// problems.
func buildSnapshot(cfg *config.Config, demoKeys map[string]string) (*server.Snapshot, error) {
	sites := make([]server.Site, 0, len(cfg.Domains))
	for i := range cfg.Domains {
		d := &cfg.Domains[i]
		files, err := wellknown.Build(d.Site())
		if err != nil {
			return nil, fmt.Errorf("%s: domains[%d]: %w", cfg.Path, i, err)
		}
		dom, err := resolveDomain(cfg, d)
		if err != nil {
			return nil, fmt.Errorf("%s: domains[%d]: %w", cfg.Path, i, err)
		}
		sites = append(sites, server.Site{
			Hosts:      d.Hosts(),
			WellKnown:  files,
			Program:    d.Program,
			Domain:     dom,
			PartneroJS: cfg.Partnero.JSURL,
		})
	}
	tokens := make([]server.Token, 0, len(cfg.APITokens))
	for _, t := range cfg.APITokens {
		// Revealed only to be hashed: the snapshot keeps the digest.
		tokens = append(tokens, server.NewToken(t.Name, t.Program, t.Token.Reveal()))
	}
	snap, err := server.NewSnapshot(server.SnapshotSpec{
		Sites:          sites,
		TrustedProxies: cfg.TrustedProxyPrefixes(),
		Tokens:         tokens,
		Programs:       programs(cfg, demoKeys),
	})
	if err != nil {
		return nil, fmt.Errorf("%s: domains: %w", cfg.Path, err)
	}
	return snap, nil
}

// programs are the config's programs as deliveries and customer reads use
// them. A program's key is its own when set, else its demo key, else ""
// (deliveries then wait, saying why).
func programs(cfg *config.Config, demoKeys map[string]string) map[string]attribution.Program {
	out := make(map[string]attribution.Program, len(cfg.Programs))
	for name, p := range cfg.Programs {
		secret, demo := p.APIKey, demoKeys[name]
		out[name] = attribution.Program{
			Type: partnero.ProgramType(p.Type),
			APIKey: func() string {
				if k := secret.Reveal(); k != "" {
					return k
				}
				return demo
			},
		}
	}
	return out
}

// resolveDomain is the resolver's view of one configured domain. It copies
// every slice, so the result outlives a reload of the config.
func resolveDomain(cfg *config.Config, d *config.Domain) (*resolve.Domain, error) {
	hosts := d.Hosts()
	dom := &resolve.Domain{
		Hosts:    hosts,
		Params:   slices.Clone(d.Referral.Params),
		PathKeys: d.Referral.PathKeysEnabled(),
		Desktop:  d.Web.Desktop,
		Preview: resolve.Preview{
			Title:       d.Preview.Title,
			Description: d.Preview.Description,
			Image:       d.Preview.Image,
		},
	}
	if len(hosts) > 1 {
		// The first alias is the "open" host: a tap on a link to the
		// page's own host never opens the app.
		dom.OpenHost = hosts[1]
	}
	if p := cfg.Program(d.Program); p != nil {
		dom.PublicID = p.PublicID
	}
	for _, a := range d.Apple.Apps {
		dom.Apple = append(dom.Apple, resolve.AppleApp{AppID: a.AppID, AppStoreID: a.AppStoreID, Scheme: strings.ToLower(a.Scheme)})
	}
	for _, a := range d.Android.Apps {
		dom.Android = append(dom.Android, resolve.AndroidApp{Package: a.Package, Scheme: strings.ToLower(a.Scheme)})
	}
	if raw := d.Web.FallbackURL; raw != "" {
		u, err := url.Parse(raw)
		if err != nil {
			return nil, fmt.Errorf("web.fallback_url: %w", err)
		}
		dom.Fallback = u
	}
	return dom, nil
}
