package main

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/deeplinkd/deeplinkd/internal/config"
	"github.com/deeplinkd/deeplinkd/internal/partnero"
)

func programsConfig(mainType, mainKey string) *config.Config {
	return &config.Config{Programs: map[string]*config.Program{
		"main":    {Name: "main", Type: mainType, APIKey: config.NewSecret(mainKey)},
		"friends": {Name: "friends", Type: config.ProgramReferAFriend},
	}}
}

// TestLiveConfigPrograms: lookups read the config in force at the time of
// the call, a program's own key beats the demo key, and a key func taken
// before a reload sees the reloaded key.
func TestLiveConfigPrograms(t *testing.T) {
	live := newLiveConfig(programsConfig(config.ProgramAffiliate, ""), map[string]string{"main": "demo-main"})
	mainBefore, ok := live.program("main")
	if !ok {
		t.Fatal(`program("main") not found`)
	}
	tests := []struct {
		name     string
		cfg      *config.Config
		program  string
		wantOK   bool
		wantType partnero.ProgramType
		wantKey  string
	}{
		{"demo key while unset", nil, "main", true, partnero.Affiliate, "demo-main"},
		{"no key, no demo key", nil, "friends", true, partnero.ReferAFriend, ""},
		{"unknown program", nil, "nope", false, "", ""},
		{"reload sets the key", programsConfig(config.ProgramAffiliate, "pk_real"), "main", true, partnero.Affiliate, "pk_real"},
		{"reload changes the type", programsConfig(config.ProgramReferAFriend, "pk_real"), "main", true, partnero.ReferAFriend, "pk_real"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.cfg != nil {
				live.swap(tt.cfg)
			}
			p, ok := live.program(tt.program)
			if ok != tt.wantOK {
				t.Fatalf("program(%q) ok = %v; want %v", tt.program, ok, tt.wantOK)
			}
			if !ok {
				return
			}
			if p.Type != tt.wantType || p.APIKey() != tt.wantKey {
				t.Errorf("program(%q) = %s, key %q; want %s, key %q", tt.program, p.Type, p.APIKey(), tt.wantType, tt.wantKey)
			}
		})
	}
	if got := mainBefore.APIKey(); got != "pk_real" {
		t.Errorf("a key func from before the reload = %q; want the reloaded key", got)
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
