package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/deeplinkd/deeplinkd/internal/partnerosim"
)

// keyFlags collects -key KEY=PROGRAM[:TYPE].
type keyFlags struct {
	keys  map[string]string
	kinds map[string]partnerosim.ProgramKind
}

// String implements flag.Value. It lists programs only: keys are secrets
// even in a simulator, as a habit.
func (k *keyFlags) String() string {
	if k == nil {
		return ""
	}
	return strings.Join(programNames(k.kinds), ",")
}

// Set implements flag.Value.
func (k *keyFlags) Set(v string) error {
	key, rest, ok := strings.Cut(v, "=")
	if !ok || key == "" || rest == "" {
		return fmt.Errorf("want KEY=PROGRAM:TYPE")
	}
	prog, kindText, _ := strings.Cut(rest, ":")
	kind := partnerosim.Affiliate
	if kindText != "" {
		kind = partnerosim.ProgramKind(kindText)
	}
	switch {
	case prog == "":
		return fmt.Errorf("want KEY=PROGRAM:TYPE; the program is empty")
	case !kind.Valid():
		return fmt.Errorf("program %s: type %q is not affiliate or refer_a_friend", prog, kindText)
	}
	if k.keys == nil {
		k.keys = make(map[string]string)
		k.kinds = make(map[string]partnerosim.ProgramKind)
	}
	if _, dup := k.keys[key]; dup {
		return fmt.Errorf("program %s: the same key is given twice", prog)
	}
	if old, seen := k.kinds[prog]; seen && old != kind {
		return fmt.Errorf("program %s: type %s conflicts with an earlier %s", prog, kind, old)
	}
	k.keys[key] = prog
	k.kinds[prog] = kind
	return nil
}

// seedFlags collects -partner / -customer PROGRAM:KEY.
type seedFlags struct {
	m map[string][]string
}

// String implements flag.Value.
func (s *seedFlags) String() string {
	if s == nil {
		return ""
	}
	var parts []string
	for prog, keys := range s.m {
		for _, k := range keys {
			parts = append(parts, prog+":"+k)
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// Set implements flag.Value.
func (s *seedFlags) Set(v string) error {
	prog, key, ok := strings.Cut(v, ":")
	if !ok || prog == "" || key == "" {
		return fmt.Errorf("want PROGRAM:KEY")
	}
	s.add(prog, key)
	return nil
}

func (s *seedFlags) add(prog, key string) {
	if s.m == nil {
		s.m = make(map[string][]string)
	}
	s.m[prog] = append(s.m[prog], key)
}
