package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestSecretsNeverPrinted dumps a loaded config every way a program might
// print, log or marshal it, and checks that no token or API key shows.
func TestSecretsNeverPrinted(t *testing.T) {
	const file = "testdata/good/full.yaml"
	env := map[string]string{
		"DEEPLINKD_API_TOKEN": "tok-backend-7f3a9c1e5b",
		"FRIENDS_TOKEN":       "tok-friends-2d8e4f6a0c",
		"PARTNERO_API_KEY":    "pk-live-91b2c3d4e5f6",
	}
	c, err := Load(file, envFunc(env))
	if err != nil {
		t.Fatalf("Load(%q) = %v", file, err)
	}
	if c.APITokens[0].Token.Reveal() != env["DEEPLINKD_API_TOKEN"] || c.Program("main").APIKey.Reveal() != env["PARTNERO_API_KEY"] {
		t.Fatalf("Load(%q) did not read the secrets; the test would prove nothing", file)
	}

	marshal := func(f func(any) ([]byte, error)) func(any) string {
		return func(v any) string {
			b, err := f(v)
			if err != nil {
				t.Fatalf("marshal %T: %v", v, err)
			}
			return string(b)
		}
	}
	logWith := func(newHandler func(*bytes.Buffer) slog.Handler) func(any) string {
		return func(v any) string {
			var buf bytes.Buffer
			slog.New(newHandler(&buf)).Info("config", "value", v)
			return buf.String()
		}
	}
	dumps := []struct {
		name string
		dump func(any) string
		// hidden is true when the format leaves the secret fields out
		// altogether (yaml honours their `yaml:"-"`), so no "<secret>".
		hidden bool
	}{
		{name: "%v", dump: func(v any) string { return fmt.Sprintf("%v", v) }},
		{name: "%+v", dump: func(v any) string { return fmt.Sprintf("%+v", v) }},
		{name: "%#v", dump: func(v any) string { return fmt.Sprintf("%#v", v) }},
		{name: "%s", dump: func(v any) string { return fmt.Sprintf("%s", v) }},
		{name: "%d", dump: func(v any) string { return fmt.Sprintf("%d", v) }},
		{name: "%x", dump: func(v any) string { return fmt.Sprintf("%x", v) }},
		{name: "%q", dump: func(v any) string { return fmt.Sprintf("%q", v) }},
		{name: "json", dump: marshal(func(v any) ([]byte, error) {
			// Unescaped, so "<secret>" reads as itself.
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			err := enc.Encode(v)
			return buf.Bytes(), err
		})},
		{name: "yaml", dump: marshal(yaml.Marshal), hidden: true},
		{name: "slog json", dump: logWith(func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) })},
		{name: "slog text", dump: logWith(func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) })},
	}
	values := []struct {
		name string
		v    any
	}{
		{"config", c},
		{"program", *c.Program("main")},
		{"api tokens", c.APITokens},
		{"a token", c.APITokens[0]},
		{"a secret", c.APITokens[0].Token},
	}
	for _, d := range dumps {
		for _, v := range values {
			t.Run(d.name+"/"+v.name, func(t *testing.T) {
				out := d.dump(v.v)
				for name, secret := range env {
					if strings.Contains(out, secret) {
						t.Errorf("%s of the %s shows %s:\n%s", d.name, v.name, name, out)
					}
				}
				if d.hidden && v.name != "a secret" {
					return
				}
				if !strings.Contains(out, "<secret>") {
					t.Errorf("%s of the %s does not show <secret>:\n%s", d.name, v.name, out)
				}
			})
		}
	}
}

func TestSecret(t *testing.T) {
	tests := []struct {
		name      string
		s         Secret
		wantSet   bool
		wantValue string
	}{
		{"empty", Secret{}, false, ""},
		{"set", NewSecret("v"), true, "v"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.IsSet(); got != tt.wantSet {
				t.Errorf("IsSet() = %v; want %v", got, tt.wantSet)
			}
			if got := tt.s.Reveal(); got != tt.wantValue {
				t.Errorf("Reveal() = %q; want %q", got, tt.wantValue)
			}
			if got := tt.s.String(); got != "<secret>" {
				t.Errorf("String() = %q; want <secret>", got)
			}
		})
	}
}
