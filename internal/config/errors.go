package config

import "strings"

// Problem is one fault in a config file: where it is (a YAML path such as
// domains[0].apple.apps[1].app_id, empty for the file as a whole), what is
// wrong, and how to fix it. Messages quote values from the file, never a
// secret: secrets are read from the environment and are never printed.
type Problem struct {
	Path    string
	Message string
	Fix     string
}

// String renders p as "path: message (fix)", leaving out what is empty.
func (p Problem) String() string {
	var b strings.Builder
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	if p.Fix != "" {
		b.WriteString(" (")
		b.WriteString(p.Fix)
		b.WriteString(")")
	}
	return b.String()
}

// Errors is every problem found in one file. Load returns it whole so an
// operator fixes the file in one pass instead of one fault per restart.
type Errors struct {
	File     string
	Problems []Problem
}

// Error lists the problems one per line as "FILE: yaml.path: what is
// wrong (how to fix)": decode problems in file order, then validation
// problems in schema order.
func (e *Errors) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = e.File + ": " + p.String()
	}
	return strings.Join(lines, "\n")
}
