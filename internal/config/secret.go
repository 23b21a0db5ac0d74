package config

import (
	"fmt"
	"io"
	"log/slog"
)

const redacted = "<secret>"

// Secret holds a credential read from the environment. Every way of
// printing, logging or marshalling it yields "<secret>"; only Reveal
// gives the value, and only the code that sends it calls Reveal.
//
// The value sits behind a pointer: fmt falls back to reflection, skipping
// every method above, when a verb does not suit an enclosing value (%s of
// a map of *Program, say), and reflection prints a nested pointer as an
// address, never what it points to.
type Secret struct{ v *string }

// NewSecret wraps v.
func NewSecret(v string) Secret {
	if v == "" {
		return Secret{}
	}
	return Secret{v: &v}
}

// Reveal returns the value, for the one place that must send it.
func (s Secret) Reveal() string {
	if s.v == nil {
		return ""
	}
	return *s.v
}

// IsSet reports whether a value is present.
func (s Secret) IsSet() bool { return s.v != nil }

// String implements fmt.Stringer.
func (s Secret) String() string { return redacted }

// GoString implements fmt.GoStringer, so %#v hides it too.
func (s Secret) GoString() string { return redacted }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalText implements encoding.TextMarshaler (JSON, YAML, slog).
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// Format implements fmt.Formatter, so no verb (%d and %x included) can
// reach the value through reflection.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }
