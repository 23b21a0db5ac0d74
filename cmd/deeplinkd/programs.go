package main

import (
	"sync/atomic"

	"github.com/deeplinkd/deeplinkd/internal/attribution"
	"github.com/deeplinkd/deeplinkd/internal/config"
	"github.com/deeplinkd/deeplinkd/internal/partnero"
)

// liveConfig is the config in force, replaced on every successful reload.
// Deliveries and customer reads look their program up here at the moment
// they need it, so a SIGHUP that sets an API key (keys are read from the
// environment at load) or changes a program's type applies to events
// already queued.
type liveConfig struct {
	cfg atomic.Pointer[config.Config]
	// demoKeys are the simulator's keys of serve -demo, by program; used
	// only for a program whose own key is unset.
	demoKeys map[string]string
}

// newLiveConfig starts with cfg in force.
func newLiveConfig(cfg *config.Config, demoKeys map[string]string) *liveConfig {
	l := &liveConfig{demoKeys: demoKeys}
	l.cfg.Store(cfg)
	return l
}

// swap puts cfg in force.
func (l *liveConfig) swap(cfg *config.Config) { l.cfg.Store(cfg) }

// program is the attribution view of the named program, false when the
// config in force has no such program.
func (l *liveConfig) program(name string) (attribution.Program, bool) {
	p := l.cfg.Load().Program(name)
	if p == nil {
		return attribution.Program{}, false
	}
	return attribution.Program{
		Type:   partnero.ProgramType(p.Type),
		APIKey: func() string { return l.apiKey(name) },
	}, true
}

// apiKey is the program's Partnero key in the config in force, else its
// demo key, else "" (deliveries then wait).
func (l *liveConfig) apiKey(name string) string {
	if p := l.cfg.Load().Program(name); p != nil {
		if k := p.APIKey.Reveal(); k != "" {
			return k
		}
	}
	return l.demoKeys[name]
}
