package main

import (
	"fmt"

	"github.com/deeplinkd/deeplinkd/internal/config"
	"github.com/deeplinkd/deeplinkd/server"
	"github.com/deeplinkd/deeplinkd/wellknown"
)

// buildSnapshot turns a validated config into what the server serves:
// each domain's hosts and pre-rendered well-known files, and the trusted
// proxies. Errors name the file and the domain, like config problems.
func buildSnapshot(cfg *config.Config) (*server.Snapshot, error) {
	sites := make([]server.Site, 0, len(cfg.Domains))
	for i := range cfg.Domains {
		d := &cfg.Domains[i]
		files, err := wellknown.Build(d.Site())
		if err != nil {
			return nil, fmt.Errorf("%s: domains[%d]: %w", cfg.Path, i, err)
		}
		sites = append(sites, server.Site{Hosts: d.Hosts(), WellKnown: files})
	}
	snap, err := server.NewSnapshot(sites, cfg.TrustedProxyPrefixes())
	if err != nil {
		return nil, fmt.Errorf("%s: domains: %w", cfg.Path, err)
	}
	return snap, nil
}
