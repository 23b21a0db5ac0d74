package main

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/deeplinkd/deeplinkd/internal/attribution"
	"github.com/deeplinkd/deeplinkd/internal/config"
	"github.com/deeplinkd/deeplinkd/internal/partnero"
	"github.com/deeplinkd/deeplinkd/server"
)

func programsConfig(mainType, mainKey string) *config.Config {
	return &config.Config{Programs: map[string]*config.Program{
		"main":    {Name: "main", Type: mainType, APIKey: config.NewSecret(mainKey)},
		"friends": {Name: "friends", Type: config.ProgramReferAFriend},
	}}
}

// TestSnapshotPrograms: the snapshot carries each program's type and key,
// a program's own key beats its demo key, and a lookup through the value
// in force sees a reload (a new snapshot stored) at once.
func TestSnapshotPrograms(t *testing.T) {
	demo := map[string]string{"main": "demo-main"}
	var live atomic.Pointer[server.Snapshot]
	lookup := func(name string) (attribution.Program, bool) { return live.Load().Program(name) }
	tests := []struct {
		name     string
		cfg      *config.Config
		program  string
		wantOK   bool
		wantType partnero.ProgramType
		wantKey  string
	}{
		{"demo key while unset", programsConfig(config.ProgramAffiliate, ""), "main", true, partnero.Affiliate, "demo-main"},
		{"no key, no demo key", programsConfig(config.ProgramAffiliate, ""), "friends", true, partnero.ReferAFriend, ""},
		{"unknown program", programsConfig(config.ProgramAffiliate, ""), "nope", false, "", ""},
		{"reload sets the key", programsConfig(config.ProgramAffiliate, "pk_real"), "main", true, partnero.Affiliate, "pk_real"},
		{"reload changes the type", programsConfig(config.ProgramReferAFriend, "pk_real"), "main", true, partnero.ReferAFriend, "pk_real"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap, err := buildSnapshot(tt.cfg, demo)
			if err != nil {
				t.Fatal(err)
			}
			live.Store(snap)
			p, ok := lookup(tt.program)
			if ok != tt.wantOK {
				t.Fatalf("Program(%q) ok = %v; want %v", tt.program, ok, tt.wantOK)
			}
			if !ok {
				return
			}
			if p.Type != tt.wantType || p.APIKey() != tt.wantKey {
				t.Errorf("Program(%q) = %s, key %q; want %s, key %q", tt.program, p.Type, p.APIKey(), tt.wantType, tt.wantKey)
			}
		})
	}
}

func TestRestartSettingsDelivery(t *testing.T) {
	base := func() *config.Config {
		c := &config.Config{}
		c.Partnero.APIURL, c.Partnero.Timeout = "https://api.partnero.com", 10*time.Second
		c.Delivery = config.Delivery{Workers: 4, Lease: 2 * time.Minute, BaseDelay: 2 * time.Second, MaxDelay: time.Hour}
		return c
	}
	changed := base()
	changed.Partnero.APIURL = "http://127.0.0.1:8099"
	changed.Partnero.Timeout = 3 * time.Second
	changed.Delivery.Workers = 8
	changed.Partnero.JSURL = "https://cdn.example.com/universal.js" // pages pick it up live
	want := []string{"partnero.api_url", "partnero.timeout", "delivery"}
	if diff := cmp.Diff(want, restartSettings(base(), changed)); diff != "" {
		t.Errorf("restartSettings() (-want +got):\n%s", diff)
	}
}
