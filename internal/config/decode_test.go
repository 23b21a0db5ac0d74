package config

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// decodeString runs the strict decoder alone (no defaults, no
// validation) over src.
func decodeString(t *testing.T, src string, limit int) (*Config, []string) {
	t.Helper()
	root, p := parseDocument([]byte(src))
	if root == nil {
		t.Fatalf("parseDocument(%q) = %v", src, p)
	}
	var c Config
	d := decoder{limit: limit}
	d.decode(root, reflect.ValueOf(&c).Elem(), "")
	var got []string
	for _, p := range d.problems {
		got = append(got, p.String())
	}
	return &c, got
}

func TestDecodeProblems(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{
			name: "clean",
			src:  "server: {listen: \":8080\", trusted_proxies: [10.0.0.0/8]}\n",
		},
		{
			name: "every fault in one mapping is reported",
			src:  "server:\n  listen: [a]\n  admin_listen: {a: b}\n  trusted_proxies: {a: b}\n  shutdown_timeout: 15\n  bogus: 1\n",
			want: []string{
				"server.listen: must be a single value, not a list (write it on the same line as its key)",
				"server.admin_listen: must be a single value, not a mapping (write it on the same line as its key)",
				`server.trusted_proxies: must be a list, not a mapping (write [a, b] or one "- item" per line)`,
				`server.shutdown_timeout: "15" is not a duration (write a Go duration such as 15s, 2m or 1h30m)`,
				"server.bogus: unknown key (allowed here: listen, admin_listen, trusted_proxies, shutdown_timeout)",
			},
		},
		{
			name: "YAML 1.1 booleans are not booleans",
			src:  "deferred: {enabled: on}\n",
			want: []string{`deferred.enabled: must be true or false, not the string "on" (write true or false)`},
		},
		{
			name: "a key that is not a name",
			src:  "server:\n  ? [a, b]\n  : x\n",
			want: []string{"server: has a key on line 2 that is a list, not a name (keys are plain names)"},
		},
		{
			name: "a list item of the wrong kind",
			src:  "domains:\n  - go.example.com\n",
			want: []string{`domains[0]: must be a mapping, not the string "go.example.com" (write its keys on indented lines below it)`},
		},
		{
			name: "programs must be a mapping",
			src:  "programs: [main]\n",
			want: []string{"programs: must be a mapping, not a list (write one indented entry per name below it)"},
		},
		{
			name: "a query item that is empty",
			src:  "domains:\n  - apple:\n      apps:\n        - components:\n            - \"?\": {ref: }\n",
			want: []string{`domains[0].apple.apps[0].components[0].?.ref: must be a pattern string, not empty (quote it; iOS ignores the whole "?" dictionary when one value is not a string)`},
		},
		{
			name: "a whole-query pattern that is a number",
			src:  "domains:\n  - apple:\n      apps:\n        - components:\n            - \"?\": 1\n",
			want: []string{`domains[0].apple.apps[0].components[0].?: must be a pattern string, not the number 1 (quote it: "1")`},
		},
		{
			name: "a misspelt camel-case key",
			src:  "domains:\n  - apple:\n      apps:\n        - components:\n            - casesensitive: true\n",
			want: []string{"domains[0].apple.apps[0].components[0].casesensitive: unknown key (did you mean caseSensitive?)"},
		},
		{
			name: "a token written into the file",
			src:  "api_tokens:\n  - token: abc\n",
			want: []string{"api_tokens[0].token: unknown key (secrets never go in the file: export the value in an environment variable and name that variable in token_env)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := decodeString(t, tt.src, 0)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("decode(%q) problems mismatch (-want +got):\n%s", tt.src, diff)
			}
		})
	}
}

func TestDecodeValues(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want Config
	}{
		{
			name: "empty values leave zero values",
			src:  "server:\n  listen:\n  trusted_proxies: ~\nprograms:\n  main:\n",
			want: Config{Programs: map[string]*Program{"main": {}}},
		},
		{
			name: "numbers are kept as written where text is expected",
			src:  "domains:\n  - apple:\n      apps:\n        - app_store_id: 0123456789\n",
			want: Config{Domains: []Domain{{Apple: Apple{Apps: []AppleApp{{AppStoreID: "0123456789"}}}}}},
		},
		{
			name: "an empty list stays an empty list",
			src:  "domains:\n  - referral: {params: [], path_keys: false}\n",
			want: Config{Domains: []Domain{{Referral: Referral{Params: []string{}, PathKeys: ptr(false)}}}},
		},
		{
			name: "aliases are followed",
			src:  "x: &d 5s\nserver: {shutdown_timeout: *d}\n",
			want: Config{Server: Server{ShutdownTimeout: 5 * time.Second}},
		},
		{
			name: "query as a whole pattern and as items",
			src:  "domains:\n  - apple:\n      apps:\n        - components:\n            - {\"?\": \"a=*\"}\n            - {\"?\": {ref: \"?*\"}}\n",
			want: Config{Domains: []Domain{{Apple: Apple{Apps: []AppleApp{{Components: []Component{
				{Query: Query{Whole: "a=*"}},
				{Query: Query{Items: map[string]string{"ref": "?*"}}},
			}}}}}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := decodeString(t, tt.src, 0)
			if strings.HasPrefix(tt.src, "x:") {
				// The anchor's holder is itself an unknown key.
				problems = problems[1:]
			}
			if len(problems) > 0 {
				t.Fatalf("decode(%q) problems: %q", tt.src, problems)
			}
			if diff := cmp.Diff(&tt.want, got, secretsByValue); diff != "" {
				t.Errorf("decode(%q) mismatch (-want +got):\n%s", tt.src, diff)
			}
		})
	}
}

// TestDecodeLimit checks that aliases cannot make a small file expand
// without bound: decoding stops at the limit with one problem.
func TestDecodeLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("domains:\n  - &d\n    apple:\n      apps:\n        - &a\n          components:\n            - &c {\"/\": \"/x\"}\n")
	for range 20 {
		b.WriteString("            - *c\n")
	}
	for range 20 {
		b.WriteString("        - *a\n")
	}
	for range 20 {
		b.WriteString("  - *d\n")
	}
	src := b.String()

	_, got := decodeString(t, src, 1000)
	// 2 (root, domains) + 927 (domains[0]) + 3 + 44 + 2 + 11×2 = 1000 nodes.
	want := []string{"domains[1].apple.apps[1].components[11]: the file expands to more than 1000 values (use fewer aliases)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decode with limit 1000 mismatch (-want +got):\n%s", diff)
	}
	if _, got := decodeString(t, src, 0); len(got) != 0 {
		t.Errorf("decode with the default limit = %q; want no problem", got)
	}
}

func TestUnknownKeyFix(t *testing.T) {
	names := []string{"name", "token_env", "program"}
	tests := []struct {
		key  string
		want string
	}{
		{"nmae", "did you mean name?"},
		{"Program", "did you mean program?"},
		{"token_evn", "did you mean token_env?"},
		{"secret", "secrets never go in the file: export the value in an environment variable and name that variable in token_env"},
		{"colour", "allowed here: name, token_env, program"},
	}
	for _, tt := range tests {
		if got := unknownKeyFix(tt.key, names); got != tt.want {
			t.Errorf("unknownKeyFix(%q) = %q; want %q", tt.key, got, tt.want)
		}
	}
	if got := unknownKeyFix("api_key", []string{"type", "public_id"}); !strings.HasPrefix(got, "allowed here") {
		t.Errorf("unknownKeyFix(%q) without an _env field = %q; want the allowed keys", "api_key", got)
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"listen", "listen", 0},
		{"listn", "listen", 1},
		{"", "abc", 3},
		{"kitten", "sitting", 3},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s-%s", tt.a, tt.b), func(t *testing.T) {
			if got := editDistance(tt.a, tt.b); got != tt.want {
				t.Errorf("editDistance(%q, %q) = %d; want %d", tt.a, tt.b, got, tt.want)
			}
		})
	}
}
