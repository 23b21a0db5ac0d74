package config

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Environment variables that override a value from the file (DESIGN.md
// section 1), so one file can serve several deployments.
const (
	EnvStorageDSN     = "DEEPLINKD_STORAGE_DSN"
	EnvPartneroAPIURL = "PARTNERO_API_URL"
)

// Load reads the config file at path, decodes it strictly, applies the
// defaults and the environment overrides, reads the secrets the file
// names from getenv, and validates the result. Any problem, including an
// unreadable file, comes back as *Errors listing every problem found.
func Load(path string, getenv func(string) string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		msg, fix := err.Error(), "check the path given with -config or DEEPLINKD_CONFIG"
		var pe *fs.PathError
		if errors.As(err, &pe) {
			// The path is already at the start of the line.
			msg = pe.Err.Error()
		}
		if errors.Is(err, fs.ErrNotExist) {
			fix = "create it from the sample config.yaml, or pass another file with -config or DEEPLINKD_CONFIG"
		}
		return nil, &Errors{File: path, Problems: []Problem{{Message: "cannot read the file: " + msg, Fix: fix}}}
	}
	return Parse(path, data, getenv)
}

// Parse is Load on a file already in memory; path only names the file in
// messages. A nil getenv is an empty environment.
func Parse(path string, data []byte, getenv func(string) string) (*Config, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	root, problem := parseDocument(data)
	if root == nil {
		return nil, &Errors{File: path, Problems: []Problem{problem}}
	}

	c := &Config{Path: path}
	var d decoder
	d.decode(root, reflect.ValueOf(c).Elem(), "")
	for name, p := range c.Programs {
		p.Name = name
	}
	if d.exhausted() {
		return nil, &Errors{File: path, Problems: d.problems}
	}
	overridden := applyEnvOverrides(c, getenv)
	applyDefaults(c)

	v := validator{file: path, getenv: getenv, overridden: overridden, programOrder: mappingKeys(root, "programs")}
	v.validate(c)

	problems := append(d.problems, withoutCascades(v.problems, d.problems)...)
	if len(problems) > 0 {
		return nil, &Errors{File: path, Problems: problems}
	}
	c.Warnings = v.warnings
	return c, nil
}

// parseDocument returns the top-level mapping of data, or the problem
// that stops anything else from being checked.
func parseDocument(data []byte) (*yaml.Node, Problem) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	err := dec.Decode(&doc)
	if errors.Is(err, io.EOF) || (err == nil && (len(doc.Content) == 0 || isNull(doc.Content[0]))) {
		return nil, Problem{Message: "the file is empty", Fix: "start from the sample config.yaml"}
	}
	if err != nil {
		return nil, syntaxProblem(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, syntaxProblem(err)
		}
		return nil, Problem{Message: "the file holds more than one YAML document", Fix: "remove the --- line and what follows it"}
	}
	root := doc.Content[0]
	for root.Kind == yaml.AliasNode {
		root = root.Alias
	}
	if root.Kind != yaml.MappingNode {
		return nil, Problem{
			Message: "the top level must be a mapping of sections, not " + describe(root),
			Fix:     "start each section, such as server: or domains:, at the beginning of a line",
		}
	}
	return root, Problem{}
}

func syntaxProblem(err error) Problem {
	return Problem{Message: "invalid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
}

// mappingKeys lists the keys of root's mapping at key, in file order, so
// validation reports programs in the order the operator wrote them.
func mappingKeys(root *yaml.Node, key string) []string {
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != key {
			continue
		}
		m := root.Content[i+1]
		for m.Kind == yaml.AliasNode {
			m = m.Alias
		}
		var keys []string
		for j := 0; j+1 < len(m.Content); j += 2 {
			keys = append(keys, m.Content[j].Value)
		}
		return keys
	}
	return nil
}

// applyEnvOverrides replaces values from the file with those of the
// environment variables DESIGN.md names, and returns which paths each
// variable set so messages can point at the variable, not the file.
func applyEnvOverrides(c *Config, getenv func(string) string) map[string]string {
	set := map[string]string{}
	if dsn := getenv(EnvStorageDSN); dsn != "" {
		c.Storage.DSN = dsn
		set["storage.dsn"] = EnvStorageDSN
	}
	if u := getenv(EnvPartneroAPIURL); u != "" {
		c.Partnero.APIURL = u
		set["partnero.api_url"] = EnvPartneroAPIURL
	}
	return set
}

// withoutCascades drops validation problems at or below a path whose
// decoding already failed: `shutdown_timeout: fast` needs one message,
// not a second one about the zero value left behind.
func withoutCascades(validation, decode []Problem) []Problem {
	var out []Problem
	for _, p := range validation {
		if !isUnderAny(p.Path, decode) {
			out = append(out, p)
		}
	}
	return out
}

func isUnderAny(path string, decode []Problem) bool {
	for _, d := range decode {
		if d.Path != "" && (path == d.Path || strings.HasPrefix(path, d.Path+".") || strings.HasPrefix(path, d.Path+"[")) {
			return true
		}
	}
	return false
}
