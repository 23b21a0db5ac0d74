package server

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/deeplinkd/deeplinkd/internal/attribution"
	"github.com/deeplinkd/deeplinkd/internal/partnero"
)

func TestCanonicalHost(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "go.alpha.com", "go.alpha.com"},
		{"upper case", "GO.Alpha.COM", "go.alpha.com"},
		{"port", "go.alpha.com:8443", "go.alpha.com"},
		{"upper case and port", "Go.Alpha.Com:80", "go.alpha.com"},
		{"trailing dot", "go.alpha.com.", "go.alpha.com"},
		{"trailing dot and port", "go.alpha.com.:443", "go.alpha.com"},
		{"ipv4 with port", "192.0.2.7:8080", "192.0.2.7"},
		{"ipv6 bracketed with port", "[2001:DB8::1]:8080", "2001:db8::1"},
		{"ipv6 bracketed", "[2001:db8::1]", "2001:db8::1"},
		{"ipv6 bare", "2001:db8::1", "2001:db8::1"},
		{"ipv6 unclosed", "[2001:db8::1", ""},
		{"ipv6 junk after bracket", "[::1]x", ""},
		{"empty", "", ""},
		{"port only", ":8080", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := canonicalHost(tt.in); got != tt.want {
				t.Errorf("canonicalHost(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNewSnapshotRejects(t *testing.T) {
	a, b := siteA(), siteB()
	tests := []struct {
		name    string
		sites   []Site
		trusted []netip.Prefix
		wantErr string
	}{
		{"host twice across sites", []Site{a, {Hosts: []string{"links.beta.org", "go.alpha.com"}}}, nil, `host "go.alpha.com" already belongs`},
		{"host twice differing in case", []Site{a, {Hosts: []string{"GO.ALPHA.COM"}}}, nil, `host "go.alpha.com" already belongs`},
		{"alias repeats own host", []Site{{Hosts: []string{"x.example", "x.example"}}}, nil, `host "x.example" already belongs`},
		{"site without host", []Site{b, {}}, nil, "site 1: no host"},
		{"empty host", []Site{{Hosts: []string{""}}}, nil, `empty host ""`},
		{"invalid prefix", []Site{a}, []netip.Prefix{{}}, "invalid prefix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap, err := NewSnapshot(SnapshotSpec{Sites: tt.sites, TrustedProxies: tt.trusted})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("NewSnapshot() = %v, %v; want error containing %q", snap, err, tt.wantErr)
			}
		})
	}
}

func TestSnapshotLookup(t *testing.T) {
	snap := mustSnapshot(t, nil, siteA(), Site{Hosts: []string{"Links.Beta.ORG"}})
	tests := []struct {
		host     string
		wantHost string // canonical host of the site found; "" for none
	}{
		{"go.alpha.com", "go.alpha.com"},
		{"open.alpha.com", "go.alpha.com"},
		{"OPEN.ALPHA.COM:8080", "go.alpha.com"},
		{"links.beta.org", "links.beta.org"}, // configured in mixed case
		{"alpha.com", ""},
		{"evil-go.alpha.com", ""},
		{"go.alpha.com.evil.net", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			site, ok := snap.Lookup(tt.host)
			got := ""
			if ok {
				got = site.Hosts[0]
			}
			if got != tt.wantHost {
				t.Errorf("Lookup(%q) = %q; want %q", tt.host, got, tt.wantHost)
			}
		})
	}
	if _, ok := (*Snapshot)(nil).Lookup("go.alpha.com"); ok {
		t.Errorf("nil Snapshot.Lookup found a site")
	}
}

// TestNewSnapshotIsolatedFromCaller: what the caller does with the
// spec's slices and maps afterwards does not reach the snapshot in force.
func TestNewSnapshotIsolatedFromCaller(t *testing.T) {
	spec := SnapshotSpec{
		Sites:          []Site{siteA()},
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.1.2.3/8")},
		Tokens:         []Token{NewToken("backend", "main", "tok-0123456789abcdef")},
		Programs:       map[string]attribution.Program{"main": {Type: partnero.Affiliate}},
	}
	snap := mustSnapshotOf(t, spec)
	spec.Sites[0].Hosts[0] = "changed.example"
	spec.Tokens[0] = NewToken("other", "other", "tok-other-0123456789")
	spec.Programs["main"] = attribution.Program{Type: partnero.ReferAFriend}
	delete(spec.Programs, "main")
	spec.Programs["new"] = attribution.Program{}
	if diff := cmp.Diff([]string{"go.alpha.com", "open.alpha.com"}, snap.Sites()[0].Hosts); diff != "" {
		t.Errorf("hosts changed with the caller's slice (-want +got):\n%s", diff)
	}
	if tok, ok := matchToken(snap.apiTokens(), "tok-0123456789abcdef"); !ok || tok.Name != "backend" {
		t.Errorf("token after the caller changed its slice = %+v, %v; want backend", tok, ok)
	}
	if p, ok := snap.Program("main"); !ok || p.Type != partnero.Affiliate {
		t.Errorf("Program(main) after the caller changed its map = %+v, %v; want the affiliate program", p, ok)
	}
	if _, ok := snap.Program("new"); ok {
		t.Errorf("Program(new) found a program added to the caller's map afterwards")
	}
	if got, want := snap.trusted[0], netip.MustParsePrefix("10.0.0.0/8"); got != want {
		t.Errorf("trusted[0] = %v; want masked %v", got, want)
	}
	// Sites hands out a copy of the list.
	snap.Sites()[0] = siteB()
	if got := snap.Sites()[0].Hosts[0]; got != "go.alpha.com" {
		t.Errorf("Sites()[0] after the caller replaced it = %s; want go.alpha.com", got)
	}
}
