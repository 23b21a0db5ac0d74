package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// secretsByValue lets cmp compare Secrets without reaching into them.
var secretsByValue = cmp.Comparer(func(a, b Secret) bool { return a.Reveal() == b.Reveal() })

func ptr[T any](v T) *T { return &v }

func TestLoadDefaults(t *testing.T) {
	const file = "testdata/good/minimal.yaml"
	got, err := Load(file, envFunc(testEnv))
	if err != nil {
		t.Fatalf("Load(%q) = %v", file, err)
	}
	want := &Config{
		Path: file,
		Server: Server{
			Listen:          ":8080",
			AdminListen:     "127.0.0.1:9090",
			ShutdownTimeout: 15 * time.Second,
		},
		Storage: Storage{Driver: "sqlite", DSN: "data/deeplinkd.db"},
		Partnero: Partnero{
			APIURL:  "https://api.partnero.com",
			JSURL:   "https://app.partnero.com/js/universal.js",
			Timeout: 10 * time.Second,
		},
		Delivery: Delivery{Workers: 4, Lease: 2 * time.Minute, BaseDelay: 2 * time.Second, MaxDelay: time.Hour},
		Programs: map[string]*Program{
			"main": {Name: "main", Type: "affiliate", APIKeyEnv: "PARTNERO_API_KEY", PublicID: "P1234567", APIKey: NewSecret("pk_test_abcdef")},
		},
		Domains: []Domain{{
			Host:     "go.example.com",
			Program:  "main",
			Referral: Referral{Params: []string{"ref"}, PathKeys: ptr(true)},
			Web:      Web{FallbackURL: "https://example.com/signup", Desktop: "page"},
		}},
		Clicks:   Clicks{Retention: 720 * time.Hour},
		Deferred: Deferred{Window: time.Hour},
	}
	if diff := cmp.Diff(want, got, secretsByValue); diff != "" {
		t.Errorf("Load(%q) mismatch (-want +got):\n%s", file, diff)
	}
}

// TestLoadFull reads every field of the schema and checks what Load
// normalises: host case, fingerprint case, proxy prefixes.
func TestLoadFull(t *testing.T) {
	const file = "testdata/good/full.yaml"
	env := map[string]string{
		"DEEPLINKD_API_TOKEN": "test-token-0123456789",
		"FRIENDS_TOKEN":       "friends-token-0123456789",
		"PARTNERO_API_KEY":    "pk_test_abcdef",
	}
	got, err := Load(file, envFunc(env))
	if err != nil {
		t.Fatalf("Load(%q) = %v", file, err)
	}
	fp := "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"
	on, off := true, false
	want := &Config{
		Path:     file,
		Warnings: []string{file + `: programs.friends.api_key_env: environment variable FRIENDS_API_KEY is not set; deliveries to Partnero for program "friends" wait until it is`},
		Server: Server{
			Listen:          "0.0.0.0:8443",
			AdminListen:     "127.0.0.1:0",
			TrustedProxies:  []string{"10.0.0.0/8", "192.0.2.1/32", "2001:db8::1/128", "2001:db8::/32"},
			ShutdownTimeout: 30 * time.Second,
		},
		Storage: Storage{Driver: "postgres", DSN: "postgres://deeplinkd@db:5432/deeplinkd?sslmode=disable"},
		Partnero: Partnero{
			APIURL:  "http://localhost:8090",
			JSURL:   "https://cdn.example.com/universal.js",
			Timeout: 3 * time.Second,
		},
		Delivery: Delivery{Workers: 8, Lease: 30 * time.Second, BaseDelay: 500 * time.Millisecond, MaxDelay: 5 * time.Minute},
		Programs: map[string]*Program{
			"main":    {Name: "main", Type: "affiliate", APIKeyEnv: "PARTNERO_API_KEY", PublicID: "P1234567", APIKey: NewSecret("pk_test_abcdef")},
			"friends": {Name: "friends", Type: "refer_a_friend", APIKeyEnv: "FRIENDS_API_KEY", PublicID: "friends_01"},
		},
		APITokens: []APIToken{
			{Name: "backend", TokenEnv: "DEEPLINKD_API_TOKEN", Program: "main", Token: NewSecret("test-token-0123456789")},
			{Name: "friends-backend", TokenEnv: "FRIENDS_TOKEN", Program: "friends", Token: NewSecret("friends-token-0123456789")},
		},
		Domains: []Domain{
			{
				Host:     "go.example.com",
				Aliases:  []string{"open.go.example.com"},
				Program:  "main",
				Referral: Referral{Params: []string{"ref", "via"}, PathKeys: ptr(false)},
				Apple: Apple{
					Apps: []AppleApp{{
						AppID:      "ABCDE12345.com.example.app",
						AppStoreID: "1234567890",
						Scheme:     "exampleapp",
						Components: []Component{
							{
								Path:           "/promo/*",
								Query:          Query{Items: map[string]string{"ref": "?*", "utm_source": "*"}},
								Fragment:       "top",
								Comment:        "promo links with a key",
								CaseSensitive:  ptr(false),
								PercentEncoded: ptr(false),
							},
							{Path: "*", Query: Query{Whole: "no_app=1"}, Exclude: true},
						},
					}},
					WebCredentials: []string{"ABCDE12345.com.example.app"},
					AppClips:       []string{"ABCDE12345.com.example.app.Clip"},
				},
				Android: Android{Apps: []AndroidApp{{
					Package:                "com.example.app",
					SHA256CertFingerprints: []string{fp},
					Scheme:                 "exampleapp",
					ShareCredentials:       true,
				}}},
				Web: Web{FallbackURL: "http://127.0.0.1:3000/signup?src=link", Desktop: "redirect"},
				Preview: Preview{
					Title:       "Join Example",
					Description: "Get a reward when you sign up.",
					Image:       "http://example.com/og.png",
				},
			},
			{
				Host:     "friends.example.com",
				Program:  "friends",
				Referral: Referral{Params: []string{}, PathKeys: ptr(true)},
				Web:      Web{FallbackURL: "https://example.com/friends", Desktop: "page"},
			},
		},
		Clicks:   Clicks{Record: &on, Retention: 48 * time.Hour},
		Deferred: Deferred{Enabled: true, Window: 30 * time.Minute, IPMatch: true, Clipboard: &off},
	}
	if diff := cmp.Diff(want, got, secretsByValue); diff != "" {
		t.Errorf("Load(%q) mismatch (-want +got):\n%s", file, diff)
	}
}

func TestLoadUnreadable(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		path string
		want string
	}{
		{
			name: "missing",
			path: filepath.Join(dir, "nope.yaml"),
			want: filepath.Join(dir, "nope.yaml") + ": cannot read the file: no such file or directory (create it from the sample config.yaml, or pass another file with -config or DEEPLINKD_CONFIG)",
		},
		{
			name: "a directory",
			path: dir,
			want: dir + ": cannot read the file: is a directory (check the path given with -config or DEEPLINKD_CONFIG)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.path, envFunc(testEnv))
			var errs *Errors
			if !errors.As(err, &errs) {
				t.Fatalf("Load(%q) = %v; want *Errors", tt.path, err)
			}
			if err.Error() != tt.want {
				t.Errorf("Load(%q) = %q; want %q", tt.path, err, tt.want)
			}
		})
	}
}

// TestEnvOverrides checks that DEEPLINKD_STORAGE_DSN and PARTNERO_API_URL
// replace the file's values and that a bad override names its variable.
func TestEnvOverrides(t *testing.T) {
	data, err := os.ReadFile("testdata/good/minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		env     map[string]string
		wantDSN string
		wantURL string
		wantErr string
	}{
		{
			name:    "none",
			wantDSN: "data/deeplinkd.db",
			wantURL: "https://api.partnero.com",
		},
		{
			name:    "both",
			env:     map[string]string{"DEEPLINKD_STORAGE_DSN": "/var/lib/deeplinkd/events.db", "PARTNERO_API_URL": "http://127.0.0.1:8090"},
			wantDSN: "/var/lib/deeplinkd/events.db",
			wantURL: "http://127.0.0.1:8090",
		},
		{
			name:    "bad api url",
			env:     map[string]string{"PARTNERO_API_URL": "http://partnero.internal"},
			wantErr: `c.yaml: partnero.api_url: PARTNERO_API_URL overrides it: "http://partnero.internal" must be an https:// URL (http:// is allowed only for localhost)`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("c.yaml", data, func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("Parse = %v; want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse = %v", err)
			}
			if c.Storage.DSN != tt.wantDSN || c.Partnero.APIURL != tt.wantURL {
				t.Errorf("Parse: dsn %q, api_url %q; want %q, %q", c.Storage.DSN, c.Partnero.APIURL, tt.wantDSN, tt.wantURL)
			}
		})
	}
}

func TestWarnings(t *testing.T) {
	const file = "testdata/good/minimal.yaml"
	tests := []struct {
		name       string
		env        map[string]string
		wantWarn   []string
		wantAPIKey string
	}{
		{name: "key set", env: testEnv, wantAPIKey: "pk_test_abcdef"},
		{
			name:     "key unset",
			env:      map[string]string{},
			wantWarn: []string{file + `: programs.main.api_key_env: environment variable PARTNERO_API_KEY is not set; deliveries to Partnero for program "main" wait until it is`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(file, envFunc(tt.env))
			if err != nil {
				t.Fatalf("Load(%q) = %v", file, err)
			}
			if diff := cmp.Diff(tt.wantWarn, c.Warnings); diff != "" {
				t.Errorf("Load(%q).Warnings mismatch (-want +got):\n%s", file, diff)
			}
			if got := c.Program("main").APIKey.Reveal(); got != tt.wantAPIKey {
				t.Errorf("Load(%q): main API key %q; want %q", file, got, tt.wantAPIKey)
			}
		})
	}
}

// TestSeveralFaults checks that one file with many faults lists every one,
// decoding problems first in file order, then validation in schema order.
func TestSeveralFaults(t *testing.T) {
	const file = "testdata/several_faults.yaml"
	env := map[string]string{"DEEPLINKD_API_TOKEN": "hunter2"}
	_, err := Load(file, envFunc(env))
	var errs *Errors
	if !errors.As(err, &errs) {
		t.Fatalf("Load(%q) = %v; want *Errors", file, err)
	}
	var paths []string
	for _, p := range errs.Problems {
		paths = append(paths, p.Path)
	}
	wantPaths := []string{
		// decoding, in file order
		"server.shutdown_timeout",
		"storage.drivr",
		"domains[0].referral.path_keys",
		"domains[0].apple.apps[0].components[0].?.page",
		// validation, in schema order
		"server.admin_listen",
		"server.trusted_proxies[0]",
		"partnero.api_url",
		"programs.main.type",
		"programs.main.public_id",
		"api_tokens[0].token_env",
		"api_tokens[0].program",
		"domains[0].host",
		"domains[0].apple.apps[0].app_id",
		"domains[0].android.apps[0].sha256_cert_fingerprints[0]",
		"domains[0].web.fallback_url",
		"domains[1].host",
		"deferred.window",
	}
	if diff := cmp.Diff(wantPaths, paths); diff != "" {
		t.Errorf("Load(%q) problem paths mismatch (-want +got):\n%s", file, diff)
	}
	got := err.Error() + "\n"
	if strings.Contains(got, "hunter2") {
		t.Errorf("Load(%q) error shows the token", file)
	}
	checkGolden(t, "Load("+file+")", "testdata/several_faults.want", got)
}

func TestParseNilGetenv(t *testing.T) {
	data := []byte("programs:\n  main: {type: affiliate, api_key_env: K, public_id: P1}\ndomains:\n  - {host: a.example.com, program: main, web: {fallback_url: \"https://example.com/\"}}\n")
	c, err := Parse("c.yaml", data, nil)
	if err != nil {
		t.Fatalf("Parse(nil getenv) = %v", err)
	}
	if c.Program("main").APIKey.IsSet() || len(c.Warnings) != 1 {
		t.Errorf("Parse(nil getenv): key set %v, warnings %q; want an unset key and one warning", c.Program("main").APIKey.IsSet(), c.Warnings)
	}
}
