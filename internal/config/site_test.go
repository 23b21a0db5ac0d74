package config

import (
	"net/netip"
	"testing"

	"github.com/deeplinkd/deeplinkd/wellknown"
	"github.com/google/go-cmp/cmp"
)

func TestDomainSite(t *testing.T) {
	d := Domain{
		Host:     "go.example.com",
		Referral: Referral{Params: []string{"ref", "via"}, PathKeys: ptr(false)},
		Apple: Apple{
			Apps: []AppleApp{
				{AppID: "ABCDE12345.com.example.app", AppStoreID: "1"},
				{AppID: "ABCDE12345.com.example.other", Components: []Component{
					{Path: "/p/*", Query: Query{Items: map[string]string{"ref": "?*"}}, Fragment: "f", Exclude: true, Comment: "c", CaseSensitive: ptr(false), PercentEncoded: ptr(true)},
				}},
			},
			WebCredentials: []string{"ABCDE12345.com.example.app"},
			AppClips:       []string{"ABCDE12345.com.example.app.Clip"},
		},
		Android: Android{Apps: []AndroidApp{
			{Package: "com.example.app", SHA256CertFingerprints: []string{"ab:cd", "EF:01"}, Scheme: "x", ShareCredentials: true},
		}},
	}
	want := wellknown.Site{
		Params:   []string{"ref", "via"},
		PathKeys: false,
		AppleApps: []wellknown.AppleApp{
			{AppID: "ABCDE12345.com.example.app"},
			{AppID: "ABCDE12345.com.example.other", Components: []wellknown.Component{
				{Path: "/p/*", Query: wellknown.Query{Items: map[string]string{"ref": "?*"}}, Fragment: "f", Exclude: true, Comment: "c", CaseSensitive: ptr(false), PercentEncoded: ptr(true)},
			}},
		},
		WebCredentials: []string{"ABCDE12345.com.example.app"},
		AppClips:       []string{"ABCDE12345.com.example.app.Clip"},
		AndroidApps: []wellknown.AndroidApp{
			{Package: "com.example.app", Fingerprints: []string{"AB:CD", "EF:01"}, ShareCredentials: true},
		},
	}
	got := d.Site()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Site() mismatch (-want +got):\n%s", diff)
	}

	// The result is a copy: a reload must not change a site in use.
	got.Params[0] = "changed"
	got.AppleApps[1].Components[0].Query.Items["ref"] = "changed"
	*got.AppleApps[1].Components[0].CaseSensitive = true
	if d.Referral.Params[0] != "ref" || d.Apple.Apps[1].Components[0].Query.Items["ref"] != "?*" || *d.Apple.Apps[1].Components[0].CaseSensitive {
		t.Errorf("Site() shares memory with the domain")
	}

	if got := (&Domain{}).Site(); !got.PathKeys {
		t.Errorf("Site() of a domain without path_keys: PathKeys = false; want the default true")
	}
}

func TestDomainHosts(t *testing.T) {
	tests := []struct {
		name string
		d    Domain
		want []string
	}{
		{"host only", Domain{Host: "go.example.com"}, []string{"go.example.com"}},
		{"aliases in order, lower case", Domain{Host: "Go.Example.com", Aliases: []string{"OPEN.example.com", "b.example.com"}}, []string{"go.example.com", "open.example.com", "b.example.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.d.Hosts()); diff != "" {
				t.Errorf("Hosts() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTrustedProxyPrefixes(t *testing.T) {
	c := Config{Server: Server{TrustedProxies: []string{"10.1.2.3/8", "192.0.2.1", "2001:db8::1", "fd00::/8"}}}
	want := []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("192.0.2.1/32"),
		netip.MustParsePrefix("2001:db8::1/128"),
		netip.MustParsePrefix("fd00::/8"),
	}
	if diff := cmp.Diff(want, c.TrustedProxyPrefixes(), cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
		t.Errorf("TrustedProxyPrefixes() mismatch (-want +got):\n%s", diff)
	}
}

func TestProgram(t *testing.T) {
	main := &Program{Name: "main"}
	c := Config{Programs: map[string]*Program{"main": main}}
	if got := c.Program("main"); got != main {
		t.Errorf("Program(%q) = %v; want %v", "main", got, main)
	}
	if got := c.Program("other"); got != nil {
		t.Errorf("Program(%q) = %v; want nil", "other", got)
	}
	if got := (&Config{}).Program("main"); got != nil {
		t.Errorf("Program(%q) on an empty config = %v; want nil", "main", got)
	}
}
