package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// rules are the import edges STYLE.md forbids. One line per rule: the
// packages it restricts, the ones exempt, the dependency they may not have.
var rules = []importRule{
	{From: "...", Except: []string{"cmd/...", "internal/config/..."}, To: "internal/config/...", Why: "only cmd reads the config; other packages take plain structs"},
	{From: "...", Except: []string{"cmd/...", "internal/store/sqlite/..."}, To: "internal/store/sqlite/...", Why: "only cmd picks a concrete store driver"},
	{From: "...", Except: []string{"cmd/...", "internal/store/postgres/..."}, To: "internal/store/postgres/...", Why: "only cmd picks a concrete store driver"},
	{From: "wellknown/...", To: "github.com/labstack/echo/...", Why: "wellknown knows nothing of HTTP frameworks"},
	{From: "internal/resolve/...", To: "github.com/labstack/echo/...", Why: "resolve is pure functions over plain structs"},
	{From: "internal/useragent/...", To: "github.com/labstack/echo/...", Why: "useragent classifies strings, not echo requests"},
	{From: "internal/attribution/...", To: "std:net/http", Direct: true, Why: "attribution speaks apperr codes; the server maps them to HTTP (the Partnero client owns the wire)"},
	{From: "internal/apperr/...", To: "std:net/http", Why: "apperr holds codes only; the server maps them to HTTP statuses"},
	{From: "internal/page/...", To: "github.com/labstack/echo/...", Why: "page is the fallback page's model over plain structs; server's handler does the HTTP"},
	{From: "internal/page/...", To: "std:net/http", Why: "page builds the model and the bytes; server's handler does the HTTP"},
	{From: "internal/partnerosim/...", To: "internal/partnero/...", Why: "the simulator re-derives the wire format so a client bug cannot hide in its fake"},
	{From: "internal/...", To: "server/...", Why: "dependencies point one way: server imports internal, never the reverse"},
	{From: "internal/...", To: "cmd/...", Why: "nothing imports the binaries"},
	{From: "wellknown/...", To: "server/...", Why: "dependencies point one way: server imports wellknown, never the reverse"},
	{From: "wellknown/...", To: "cmd/...", Why: "nothing imports the binaries"},
	{From: "server/...", To: "cmd/...", Why: "nothing imports the binaries"},
}

// TestImportPolicy checks the live tree: every package of the module and
// everything it imports, as `go list` sees them for this platform. Test
// files are not part of the graph: the rules are about what ships.
func TestImportPolicy(t *testing.T) {
	mod, root := goModule(t)
	pkgs := goListDeps(t, root)

	self := mod + "/internal/policy"
	found := false
	for _, p := range pkgs {
		found = found || p.ImportPath == self
		if p.Error != nil && matchPattern(mod, "...", p.ImportPath) {
			// A package that does not load is the compiler's and vet's
			// to report; its imports may be partial here.
			t.Logf("go list: %s: %s", p.ImportPath, p.Error.Err)
		}
	}
	if !found {
		t.Fatalf("go list -deps ./... in %s did not list %s; the graph is not the module's", root, self)
	}
	for _, r := range rules {
		if !anyRestricted(mod, r, pkgs) {
			t.Logf("rule %s -/-> %s restricts no package yet", r.From, r.To)
		}
	}

	for _, v := range checkImports(mod, pkgs, rules) {
		t.Errorf("forbidden import %s", v)
	}
}

func anyRestricted(mod string, r importRule, pkgs []goPackage) bool {
	for _, p := range pkgs {
		if r.restricts(mod, p.ImportPath) {
			return true
		}
	}
	return false
}

// goModule returns the main module's path and directory.
func goModule(t *testing.T) (path, dir string) {
	t.Helper()
	var m struct{ Path, Dir string }
	out := goCmd(t, "", "list", "-m", "-json")
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatalf("go list -m -json: %v", err)
	}
	return m.Path, m.Dir
}

// goListDeps lists every package of the module under root together with
// all of their dependencies, so a chain of imports can be followed.
func goListDeps(t *testing.T, root string) []goPackage {
	t.Helper()
	out := goCmd(t, root, "list", "-e", "-deps", "-json=ImportPath,Imports,Standard,Module,Error", "./...")
	var pkgs []goPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p goPackage
		err := dec.Decode(&p)
		if errors.Is(err, io.EOF) {
			return pkgs
		}
		if err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
}

func goCmd(t *testing.T, dir string, args ...string) []byte {
	t.Helper()
	// go test puts its own GOROOT/bin first on PATH, so this is the same
	// toolchain that is running the test.
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}

const testMod = "example.com/m"

// graph builds a synthetic `go list -deps` result from "pkg: imp imp"
// lines; module-relative names get the test module's path, and "std:"
// names are standard library packages.
func graph(lines ...string) []goPackage {
	abs := func(p string) string {
		if std, ok := strings.CutPrefix(p, "std:"); ok {
			return std
		}
		if first, _, _ := strings.Cut(p, "/"); strings.Contains(first, ".") {
			return p
		}
		return testMod + "/" + p
	}
	var pkgs []goPackage
	for _, l := range lines {
		name, imps, _ := strings.Cut(l, ":")
		p := goPackage{ImportPath: abs(strings.TrimSpace(name))}
		for _, imp := range strings.Fields(imps) {
			p.Imports = append(p.Imports, abs(imp))
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func TestCheckImports(t *testing.T) {
	tests := []struct {
		name  string
		pkgs  []goPackage
		rules []importRule
		want  []string
	}{
		{
			name: "live rules accept the intended layout",
			pkgs: graph(
				"cmd/deeplinkd: internal/config internal/store/sqlite internal/store/postgres server internal/partnerosim",
				"internal/config: wellknown",
				"server: wellknown internal/resolve internal/useragent github.com/labstack/echo/v4 internal/store",
				"wellknown: encoding/json",
				"internal/resolve: internal/useragent",
				"internal/useragent: github.com/mssola/useragent",
				"internal/partnerosim: net/http",
				"internal/partnero: net/http",
				"internal/store/sqlite: internal/store",
				"internal/store/postgres: internal/store",
				"internal/store:",
				"github.com/labstack/echo/v4: net/http",
				"github.com/mssola/useragent:",
				"encoding/json:", "net/http:",
			),
			rules: rules,
			want:  nil,
		},
		{
			name: "direct forbidden edge is named",
			pkgs: graph(
				"server: internal/config",
				"internal/config:",
			),
			rules: rules,
			want: []string{
				"server -> internal/config: only cmd reads the config; other packages take plain structs",
			},
		},
		{
			name: "transitive edge names the whole chain",
			pkgs: graph(
				"wellknown: wellknown/internal/render",
				"wellknown/internal/render: github.com/labstack/echo/v4/middleware",
				"github.com/labstack/echo/v4/middleware: github.com/labstack/echo/v4",
				"github.com/labstack/echo/v4:",
			),
			rules: []importRule{{From: "wellknown", To: "github.com/labstack/echo/...", Why: "no echo"}},
			want: []string{
				"wellknown -> wellknown/internal/render -> github.com/labstack/echo/v4/middleware: no echo",
			},
		},
		{
			name: "one bad edge is reported once, where it enters",
			pkgs: graph(
				"server: internal/attribution",
				"internal/attribution: internal/store/sqlite",
				"internal/store/sqlite: internal/store",
				"internal/store:",
			),
			rules: rules,
			want: []string{
				"internal/attribution -> internal/store/sqlite: only cmd picks a concrete store driver",
			},
		},
		{
			name: "simulator importing the client",
			pkgs: graph(
				"internal/partnerosim: internal/partnerosim/wire",
				"internal/partnerosim/wire: internal/partnero",
				"internal/partnero:",
			),
			rules: rules,
			want: []string{
				"internal/partnerosim/wire -> internal/partnero: the simulator re-derives the wire format so a client bug cannot hide in its fake",
			},
		},
		{
			name: "a direct rule ignores what a dependency imports",
			pkgs: graph(
				"internal/attribution: internal/partnero internal/apperr",
				"internal/partnero: std:net/http",
				"internal/apperr:",
				"std:net/http:",
			),
			rules: rules,
			want:  nil,
		},
		{
			name: "attribution importing net/http itself",
			pkgs: graph(
				"internal/attribution: internal/attribution/web",
				"internal/attribution/web: std:net/http",
				"std:net/http:",
			),
			rules: rules,
			want: []string{
				"internal/attribution/web -> net/http: attribution speaks apperr codes; the server maps them to HTTP (the Partnero client owns the wire)",
			},
		},
		{
			name: "apperr reaching net/http through anything",
			pkgs: graph(
				"internal/apperr: internal/apperr/status",
				"internal/apperr/status: std:net/http",
				"std:net/http:",
			),
			rules: rules,
			want: []string{
				"internal/apperr/status -> net/http: apperr holds codes only; the server maps them to HTTP statuses",
			},
		},
		{
			name: "a prefix that is not a path element does not match",
			pkgs: graph(
				"internal/partneroextra: internal/partnerosim",
				"internal/partnerosim:",
			),
			rules: []importRule{{From: "internal/partneroextra", To: "internal/partnero/...", Why: "x"}},
			want:  nil,
		},
		{
			name: "exempt importer and packages outside the module are not restricted",
			pkgs: graph(
				"cmd/deeplinkd: internal/config",
				"internal/config: wellknown",
				"wellknown:",
				"other.org/x: example.com/m/internal/config",
			),
			rules: rules,
			want:  nil,
		},
		{
			name: "internal and wellknown never import server or cmd",
			pkgs: graph(
				"internal/outbox: server",
				"wellknown: cmd/deeplinkd",
				"server: cmd/partnerosim",
				"cmd/deeplinkd:",
				"cmd/partnerosim:",
			),
			rules: rules,
			want: []string{
				"internal/outbox -> server: dependencies point one way: server imports internal, never the reverse",
				"internal/outbox -> server -> cmd/partnerosim: nothing imports the binaries",
				"wellknown -> cmd/deeplinkd: nothing imports the binaries",
				"server -> cmd/partnerosim: nothing imports the binaries",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, v := range checkImports(testMod, tt.pkgs, tt.rules) {
				got = append(got, v.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("checkImports() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMatchPattern(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"...", testMod + "/server", true},
		{"...", testMod, true},
		{"...", "example.com/mother/x", false},
		{"server", testMod + "/server", true},
		{"server", testMod + "/server/sub", false},
		{"server/...", testMod + "/server/sub", true},
		{"server/...", testMod + "/serverless", false},
		{"internal/partnero/...", testMod + "/internal/partnerosim", false},
		{"internal/partnero/...", testMod + "/internal/partnero", true},
		{"github.com/labstack/echo/...", "github.com/labstack/echo/v4", true},
		{"github.com/labstack/echo/...", "github.com/labstack/echox", false},
		{"github.com/labstack/echo/...", testMod + "/github.com/labstack/echo/v4", false},
		{"std:net/http", "net/http", true},
		{"std:net/http", testMod + "/net/http", false},
		{"std:net/http", "net/http/httptest", false},
		{"std:net/...", "net/http/httptest", true},
		{"net/http", "net/http", false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%s", tt.pattern, tt.path), func(t *testing.T) {
			if got := matchPattern(testMod, tt.pattern, tt.path); got != tt.want {
				t.Errorf("matchPattern(%q, %q) = %v; want %v", tt.pattern, tt.path, got, tt.want)
			}
		})
	}
}
