package policy

import (
	"fmt"
	"strings"
)

// goPackage is the part of one `go list -json` record the checker reads.
type goPackage struct {
	ImportPath string
	Imports    []string
	Standard   bool
	Module     *struct{ Path string }
	Error      *struct{ Err string }
}

// importRule forbids every package matching From, except those matching one
// of Except, from depending on a package matching To, directly or through
// any chain of imports; with Direct, only a direct import counts (a
// package may still reach To through a dependency whose job it is).
// Patterns are module-relative ("server/...") unless their first element
// holds a dot ("github.com/labstack/echo/...") or they start with "std:"
// ("std:net/http", a standard library package); "x/..." matches x and
// everything below it, and "..." alone matches every package of the module.
type importRule struct {
	From   string
	Except []string
	To     string
	Direct bool
	Why    string
}

// violation is one forbidden dependency: Chain runs from the importer to
// the forbidden package, one import edge per step.
type violation struct {
	Chain []string
	Why   string
}

func (v violation) String() string {
	return fmt.Sprintf("%s: %s", strings.Join(v.Chain, " -> "), v.Why)
}

// matchPattern reports whether the import path p matches pattern, read
// relative to the module path mod (see importRule).
func matchPattern(mod, pattern, p string) bool {
	if pattern == "..." {
		return p == mod || strings.HasPrefix(p, mod+"/")
	}
	if std, ok := strings.CutPrefix(pattern, "std:"); ok {
		pattern = std
	} else if first, _, _ := strings.Cut(pattern, "/"); !strings.Contains(first, ".") {
		pattern = mod + "/" + pattern
	}
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		// Match whole path elements: internal/partnero/... must not
		// match internal/partnerosim.
		return p == base || strings.HasPrefix(p, base+"/")
	}
	return p == pattern
}

// checkImports applies rules to the import graph in pkgs (the output of
// `go list -deps`, so every package an import names has its own record)
// and returns every violation. A dependency reached only through another
// package the same rule already forbids is reported once, at the edge
// where it enters, so one bad import yields one line.
func checkImports(mod string, pkgs []goPackage, rules []importRule) []violation {
	imports := make(map[string][]string, len(pkgs))
	for _, p := range pkgs {
		imports[p.ImportPath] = p.Imports
	}
	var out []violation
	for _, r := range rules {
		for _, p := range pkgs {
			if !r.restricts(mod, p.ImportPath) {
				continue
			}
			if r.Direct {
				for _, q := range p.Imports {
					if matchPattern(mod, r.To, q) {
						out = append(out, violation{Chain: trimModule(mod, []string{p.ImportPath, q}), Why: r.Why})
					}
				}
				continue
			}
			chain := shortestChain(imports, p.ImportPath, func(q string) bool {
				return matchPattern(mod, r.To, q)
			})
			if chain == nil || enteredEarlier(mod, r, chain) {
				continue
			}
			out = append(out, violation{Chain: trimModule(mod, chain), Why: r.Why})
		}
	}
	return out
}

// restricts reports whether the rule applies to the package at path p.
func (r importRule) restricts(mod, p string) bool {
	if !matchPattern(mod, "...", p) || !matchPattern(mod, r.From, p) {
		return false
	}
	for _, e := range r.Except {
		if matchPattern(mod, e, p) {
			return false
		}
	}
	return true
}

// enteredEarlier reports whether a package after the first in chain (but
// before the forbidden one) is itself restricted by r, so that package's
// own violation already names the offending edge.
func enteredEarlier(mod string, r importRule, chain []string) bool {
	for _, q := range chain[1 : len(chain)-1] {
		if r.restricts(mod, q) {
			return true
		}
	}
	return false
}

// shortestChain walks the import graph breadth-first from start and
// returns the shortest path to a package for which target is true, or nil.
// The start itself never counts: a package does not import itself.
func shortestChain(imports map[string][]string, start string, target func(string) bool) []string {
	prev := map[string]string{start: ""}
	queue := []string{start}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, next := range imports[cur] {
			if _, seen := prev[next]; seen {
				continue
			}
			prev[next] = cur
			if target(next) {
				var chain []string
				for n := next; n != ""; n = prev[n] {
					chain = append(chain, n)
				}
				for i, j := 0, len(chain)-1; i < j; i, j = i+1, j-1 {
					chain[i], chain[j] = chain[j], chain[i]
				}
				return chain
			}
			queue = append(queue, next)
		}
	}
	return nil
}

// trimModule shortens the module's own import paths to module-relative
// ones, the way STYLE.md names packages, so a failure reads like the rule.
func trimModule(mod string, chain []string) []string {
	out := make([]string, len(chain))
	for i, p := range chain {
		if rel, ok := strings.CutPrefix(p, mod+"/"); ok {
			p = rel
		}
		out[i] = p
	}
	return out
}
