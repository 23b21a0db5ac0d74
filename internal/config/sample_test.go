package config

import (
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

// samplePath is the documented sample shipped at the repository root.
const samplePath = "../../config.yaml"

func TestSampleLoads(t *testing.T) {
	env := map[string]string{"DEEPLINKD_API_TOKEN": "sample-token-0123456789"}
	c, err := Load(samplePath, envFunc(env))
	if err != nil {
		t.Fatalf("Load(%q) = %v", samplePath, err)
	}
	wantWarn := []string{samplePath + `: programs.main.api_key_env: environment variable PARTNERO_API_KEY is not set; deliveries to Partnero for program "main" wait until it is`}
	if diff := cmp.Diff(wantWarn, c.Warnings); diff != "" {
		t.Errorf("Load(%q).Warnings mismatch (-want +got):\n%s", samplePath, diff)
	}
	// The sample is DESIGN.md section 2's example, plus an alias so the
	// Open-in-app host differs from the link's.
	if got, want := c.Domains[0].Hosts(), []string{"go.example.com", "open.go.example.com"}; !slices.Equal(got, want) {
		t.Errorf("Load(%q): hosts %q; want %q", samplePath, got, want)
	}
	if c.Storage.Driver != "sqlite" || c.Storage.DSN != "data/deeplinkd.db" || c.Server.ShutdownTimeout != 15*time.Second {
		t.Errorf("Load(%q): storage %+v, shutdown %v; want the defaults", samplePath, c.Storage, c.Server.ShutdownTimeout)
	}
}

func TestSampleDocumentsEveryField(t *testing.T) {
	data, err := os.ReadFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range sampleOmissions(t, data) {
		t.Errorf("%s: %s", samplePath, p)
	}
}

// TestSampleOmissionsAreCaught proves the check above can fail: each case
// takes something out of the sample and expects it to be reported.
func TestSampleOmissionsAreCaught(t *testing.T) {
	data, err := os.ReadFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		remove string // lines matching this are deleted
		want   string
	}{
		{"a live key", `^  shutdown_timeout:`, "server.shutdown_timeout is missing"},
		{"a key in a list item", `^\s+share_credentials:`, "domains[].android.apps[].share_credentials is missing"},
		{"a field described only in a comment", `^\s+#\s+"#":`, "domains[].apple.apps[].components[].# is missing"},
		{"the comment of a key", `^  # (Admin listener|keep it off)`, "server.admin_listen has no comment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			re := regexp.MustCompile(tt.remove)
			var kept []string
			for _, line := range strings.Split(string(data), "\n") {
				if !re.MatchString(line) {
					kept = append(kept, line)
				}
			}
			got := sampleOmissions(t, []byte(strings.Join(kept, "\n")))
			if !slices.Contains(got, tt.want) {
				t.Errorf("sampleOmissions(sample without %s) = %q; want it to contain %q", tt.remove, got, tt.want)
			}
		})
	}
}

// sampleOmissions lists every schema field that the sample neither sets
// nor describes, and every key it sets without a comment. A field may be
// described in comments only (components' keys, whose live default is
// []): its key must then appear as `key:` in the comments around its
// parent, from the comment block above the parent to the next key.
func sampleOmissions(t *testing.T, data []byte) []string {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		t.Fatalf("sample does not parse: %v", err)
	}
	lines := strings.Split(string(data), "\n")
	live := map[string]*yaml.Node{}
	samplePaths(doc.Content[0], reflect.TypeFor[Config](), "", live)
	var keyLines []int
	for _, k := range live {
		keyLines = append(keyLines, k.Line)
	}
	slices.Sort(keyLines)

	var out []string
	for _, path := range schemaPaths(reflect.TypeFor[Config](), "") {
		if k, ok := live[path]; ok {
			if !hasComment(lines, k.Line) {
				out = append(out, path+" has no comment")
			}
			continue
		}
		i := strings.LastIndex(path, ".")
		parent, leaf := strings.TrimSuffix(path[:i], "[]"), path[i+1:]
		pk, ok := live[parent]
		if !ok || !describedAround(lines, pk.Line, keyLines, leaf) {
			out = append(out, path+" is missing")
		}
	}
	return out
}

// schemaPaths lists the YAML paths of t: lists as name[], map entries as
// name.*, a Query or a duration as a leaf.
func schemaPaths(t reflect.Type, prefix string) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == reflect.TypeFor[Query]() || t == reflect.TypeFor[time.Duration]() {
		return nil
	}
	var out []string
	switch t.Kind() {
	case reflect.Struct:
		fields, names := yamlFields(t)
		for _, name := range names {
			p := joinPath(prefix, name)
			out = append(out, p)
			out = append(out, schemaPaths(t.Field(fields[name]).Type, p)...)
		}
	case reflect.Slice:
		out = schemaPaths(t.Elem(), prefix+"[]")
	case reflect.Map:
		out = schemaPaths(t.Elem(), prefix+".*")
	}
	return out
}

// samplePaths records the key node of every schema path set in n.
func samplePaths(n *yaml.Node, t reflect.Type, prefix string, out map[string]*yaml.Node) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == reflect.TypeFor[Query]() {
		return
	}
	switch {
	case t.Kind() == reflect.Struct && n.Kind == yaml.MappingNode:
		fields, _ := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			f, ok := fields[k.Value]
			if !ok {
				continue
			}
			p := joinPath(prefix, k.Value)
			out[p] = k
			samplePaths(n.Content[i+1], t.Field(f).Type, p, out)
		}
	case t.Kind() == reflect.Slice && n.Kind == yaml.SequenceNode:
		for _, item := range n.Content {
			samplePaths(item, t.Elem(), prefix+"[]", out)
		}
	case t.Kind() == reflect.Map && n.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			out[prefix+".*"] = n.Content[i]
			samplePaths(n.Content[i+1], t.Elem(), prefix+".*", out)
		}
	}
}

// hasComment reports whether the key on line (1-based) has a comment on
// the line above it or at the end of its own line.
func hasComment(lines []string, line int) bool {
	if line >= 2 && strings.HasPrefix(strings.TrimSpace(lines[line-2]), "#") {
		return true
	}
	return strings.Contains(lines[line-1], " # ")
}

// describedAround reports whether key appears as `key:` in a comment
// from the comment block above line (1-based) up to the next key.
func describedAround(lines []string, line int, keyLines []int, key string) bool {
	start := line - 1
	for start > 0 && strings.HasPrefix(strings.TrimSpace(lines[start-1]), "#") {
		start--
	}
	end := len(lines)
	if i, _ := slices.BinarySearch(keyLines, line+1); i < len(keyLines) {
		end = keyLines[i] - 1
	}
	re := regexp.MustCompile(`#.*(^|[\s{,])"?` + regexp.QuoteMeta(key) + `"?:`)
	for _, l := range lines[start:end] {
		if re.MatchString(l) {
			return true
		}
	}
	return false
}
