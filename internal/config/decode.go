package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// maxNodes bounds the values one file may expand to. Aliases can make a
// small file describe an enormous tree; no real config comes near this.
const maxNodes = 1_000_000

// decoder fills a Go value from a yaml.Node tree the way yaml.v3 would,
// keyed by the same `yaml` tags, but it never stops at the first fault:
// every unknown key, wrong type and bad duration becomes a Problem with
// its YAML path, so one run of `deeplinkd check` lists them all.
type decoder struct {
	problems []Problem
	visited  int
	// limit is the most nodes decode visits; 0 means maxNodes.
	limit int
}

// exhausted reports whether the file expanded past the limit; its
// partial result is then not worth validating.
func (d *decoder) exhausted() bool { return d.visited > d.max() }

func (d *decoder) max() int {
	if d.limit > 0 {
		return d.limit
	}
	return maxNodes
}

func (d *decoder) add(path, msg, fix string) {
	d.problems = append(d.problems, Problem{Path: path, Message: msg, Fix: fix})
}

// decode fills v from n; path is n's YAML path.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	if d.visited++; d.visited > d.max() {
		if d.visited == d.max()+1 {
			d.add(path, fmt.Sprintf("the file expands to more than %d values", d.max()), "use fewer aliases")
		}
		return
	}
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if isNull(n) {
		// An empty value leaves the default in place, as yaml.v3 does.
		return
	}
	switch v.Type() {
	case reflect.TypeFor[time.Duration]():
		d.duration(n, v, path)
		return
	case reflect.TypeFor[Query]():
		d.query(n, v, path)
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(n, v.Elem(), path)
	case reflect.Struct:
		d.structure(n, v, path)
	case reflect.Slice:
		d.list(n, v, path)
	case reflect.Map:
		d.mapping(n, v, path)
	case reflect.String:
		d.str(n, v, path)
	case reflect.Bool:
		d.boolean(n, v, path)
	case reflect.Int:
		d.integer(n, v, path)
	default:
		// Only a schema change can get here; say so rather than panic.
		d.add(path, fmt.Sprintf("cannot decode into %s", v.Type()), "report this as a bug")
	}
}

// structure decodes a mapping into a struct, field by `yaml` tag.
func (d *decoder) structure(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.add(path, "must be a mapping, not "+describe(n), "write its keys on indented lines below it")
		return
	}
	fields, names := yamlFields(v.Type())
	d.pairs(n, path, func(key string, val *yaml.Node, keyPath string) {
		i, ok := fields[key]
		if !ok {
			d.add(keyPath, "unknown key", unknownKeyFix(key, names))
			return
		}
		d.decode(val, v.Field(i), keyPath)
	})
}

// mapping decodes a mapping into a map with string keys (programs).
func (d *decoder) mapping(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.add(path, "must be a mapping, not "+describe(n), "write one indented entry per name below it")
		return
	}
	m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
	d.pairs(n, path, func(key string, val *yaml.Node, keyPath string) {
		e := reflect.New(v.Type().Elem()).Elem()
		if e.Kind() == reflect.Pointer {
			// An entry with no body is still an entry; validation says
			// what it lacks.
			e.Set(reflect.New(e.Type().Elem()))
		}
		d.decode(val, e, keyPath)
		m.SetMapIndex(reflect.ValueOf(key), e)
	})
	v.Set(m)
}

// pairs calls fn for each key of mapping n, reporting keys that are not
// plain scalars, merge keys and keys given twice.
func (d *decoder) pairs(n *yaml.Node, path string, fn func(key string, val *yaml.Node, keyPath string)) {
	seen := make(map[string]int, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		for k.Kind == yaml.AliasNode {
			k = k.Alias
		}
		if k.Kind != yaml.ScalarNode {
			d.add(path, fmt.Sprintf("has a key on line %d that is %s, not a name", k.Line, describe(k)), "keys are plain names")
			continue
		}
		keyPath := joinPath(path, k.Value)
		if k.ShortTag() == "!!merge" {
			// Merged keys would make a path's origin hard to tell.
			d.add(keyPath, "merge keys are not supported", "write the keys out")
			continue
		}
		if line, dup := seen[k.Value]; dup {
			d.add(keyPath, fmt.Sprintf("is set twice, first on line %d", line), "keep one")
			continue
		}
		seen[k.Value] = k.Line
		fn(k.Value, val, keyPath)
	}
}

func (d *decoder) list(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.SequenceNode {
		d.add(path, "must be a list, not "+describe(n), `write [a, b] or one "- item" per line`)
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		d.decode(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
	}
	v.Set(s)
}

// str accepts any scalar but a boolean: a number is kept exactly as
// written (app_store_id: 1234567890), while `scheme: true` is a mistake.
func (d *decoder) str(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.ScalarNode {
		d.add(path, "must be a single value, not "+describe(n), "write it on the same line as its key")
		return
	}
	if n.ShortTag() == "!!bool" {
		d.add(path, "must be text, not "+describe(n), fmt.Sprintf("quote it if you mean the text: %q", n.Value))
		return
	}
	v.SetString(n.Value)
}

// boolean accepts only YAML 1.2 booleans: `yes` and `on` are not.
func (d *decoder) boolean(n *yaml.Node, v reflect.Value, path string) {
	b, err := strconv.ParseBool(n.Value)
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || err != nil {
		d.add(path, "must be true or false, not "+describe(n), "write true or false")
		return
	}
	v.SetBool(b)
}

// integer accepts a whole number written as one (`workers: 4`); a
// quoted "4" or 4.0 is a mistake worth pointing out.
func (d *decoder) integer(n *yaml.Node, v reflect.Value, path string) {
	i, err := strconv.ParseInt(n.Value, 10, 32)
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || err != nil {
		d.add(path, "must be a whole number, not "+describe(n), "write digits only, e.g. 4")
		return
	}
	v.SetInt(i)
}

func (d *decoder) duration(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.ScalarNode {
		d.add(path, "must be a duration, not "+describe(n), "write a Go duration such as 15s, 2m or 1h30m")
		return
	}
	dur, err := time.ParseDuration(n.Value)
	if err != nil {
		d.add(path, fmt.Sprintf("%q is not a duration", n.Value), "write a Go duration such as 15s, 2m or 1h30m")
		return
	}
	v.SetInt(int64(dur))
}

// query decodes a component's "?": a pattern string, or a mapping of
// query item to pattern. Every pattern must be a YAML string: iOS drops
// the whole dictionary when one value is not a JSON string, and the rule
// then matches any query.
func (d *decoder) query(n *yaml.Node, v reflect.Value, path string) {
	const fix = `quote it; iOS ignores the whole "?" dictionary when one value is not a string`
	switch n.Kind {
	case yaml.ScalarNode:
		if n.ShortTag() != "!!str" {
			d.add(path, "must be a pattern string, not "+describe(n), fmt.Sprintf("quote it: %q", n.Value))
			return
		}
		v.Set(reflect.ValueOf(Query{Whole: n.Value}))
	case yaml.MappingNode:
		items := make(map[string]string, len(n.Content)/2)
		d.pairs(n, path, func(key string, val *yaml.Node, keyPath string) {
			for val.Kind == yaml.AliasNode {
				val = val.Alias
			}
			if val.Kind != yaml.ScalarNode || val.ShortTag() != "!!str" {
				d.add(keyPath, "must be a pattern string, not "+describe(val), fix)
				return
			}
			items[key] = val.Value
		})
		v.Set(reflect.ValueOf(Query{Items: items}))
	default:
		d.add(path, "must be a pattern string or a mapping of query item to pattern, not "+describe(n), `write "?": "*" or "?": {ref: "?*"}`)
	}
}

// yamlFields maps each `yaml` tag of struct type t to its field index,
// and lists the tags in declaration order for messages.
func yamlFields(t reflect.Type) (map[string]int, []string) {
	fields := make(map[string]int, t.NumField())
	var names []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		fields[name] = i
		names = append(names, name)
	}
	return fields, names
}

// unknownKeyFix suggests the key that was probably meant, or lists the
// allowed ones. A key that looks like a credential gets the reminder that
// secrets live only in the environment.
func unknownKeyFix(key string, names []string) string {
	lower := strings.ToLower(key)
	best, bestDist := "", 3
	for _, n := range names {
		if dist := editDistance(lower, strings.ToLower(n)); dist < bestDist {
			best, bestDist = n, dist
		}
	}
	if best != "" {
		return "did you mean " + best + "?"
	}
	for _, n := range names {
		if strings.HasSuffix(n, "_env") && containsAny(lower, "key", "token", "secret", "password") {
			return "secrets never go in the file: export the value in an environment variable and name that variable in " + n
		}
	}
	return "allowed here: " + strings.Join(names, ", ")
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describe names what n is, with its value when it is a scalar, for
// messages such as "must be a list, not the string "10.0.0.0/8"".
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "empty"
		case "!!bool":
			return "the boolean " + n.Value
		case "!!int", "!!float":
			return "the number " + n.Value
		default:
			return "the string " + strconv.Quote(n.Value)
		}
	}
	return "an alias"
}

// joinPath appends a mapping key to a YAML path.
func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
