package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fixture is the part of a test config that tests vary.
type fixture struct {
	// AlphaTeam is the team id of alpha's iOS app; changing it changes
	// alpha's AASA bytes.
	AlphaTeam string
	// Listen and AdminListen default to 127.0.0.1:0.
	Listen, AdminListen string
}

// configYAML is a valid config with two domains: go.alpha.test (alias
// open.alpha.test) and links.beta.test.
func configYAML(f fixture) string {
	if f.AlphaTeam == "" {
		f.AlphaTeam = "ABCDE12345"
	}
	if f.Listen == "" {
		f.Listen = "127.0.0.1:0"
	}
	if f.AdminListen == "" {
		f.AdminListen = "127.0.0.1:0"
	}
	return fmt.Sprintf(`server:
  listen: %q
  admin_listen: %q
  shutdown_timeout: 5s
programs:
  main:
    type: affiliate
    api_key_env: TEST_PARTNERO_KEY
    public_id: "P1234567"
domains:
  - host: go.alpha.test
    aliases: [open.alpha.test]
    program: main
    apple:
      apps:
        - app_id: "%s.com.alpha.app"
          app_store_id: "1234567890"
    android:
      apps:
        - package: com.alpha.app
          sha256_cert_fingerprints: ["%s"]
    web:
      fallback_url: "https://alpha.test/signup"
  - host: links.beta.test
    program: main
    apple:
      apps:
        - app_id: "ZYXWV98765.org.beta.app"
          app_store_id: "987654321"
    web:
      fallback_url: "https://beta.test/join"
`, f.Listen, f.AdminListen, f.AlphaTeam, strings.Repeat("AB:", 31)+"AB")
}

// brokenYAML has several independent faults; check must list each.
const brokenYAML = `server:
  listen: ":8080"
  shutdown_timeout: fast
  bogus_key: 1
programs:
  main:
    type: affiliate
    api_key_env: TEST_PARTNERO_KEY
    public_id: "P1234567"
domains:
  - host: go.alpha.test
    program: nosuchprogram
    apple:
      apps:
        - app_id: "not-an-app-id"
          app_store_id: "1234567890"
    web:
      fallback_url: "https://alpha.test/signup"
`

// brokenPaths are the YAML paths brokenYAML's problems must name.
var brokenPaths = []string{
	"server.shutdown_timeout",
	"server.bogus_key",
	"domains[0].program",
	"domains[0].apple.apps[0].app_id",
}

func writeConfig(t *testing.T, dir, yaml string) string {
	t.Helper()
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// testEnv is the only environment the daemon gets: nothing leaks in
// from the developer's shell.
func testEnv(extra ...string) map[string]string {
	env := map[string]string{"TEST_PARTNERO_KEY": "pk_test_secret_value"}
	for _, kv := range extra {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	return env
}

func getenvOf(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}
