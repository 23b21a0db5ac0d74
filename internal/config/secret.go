package config

import "log/slog"

const redacted = "<secret>"

// Secret holds a credential read from the environment. Every way of
// printing, logging or marshalling it yields "<secret>"; only Reveal
// gives the value, and only the code that sends it calls Reveal.
type Secret struct{ v string }

// NewSecret wraps v.
func NewSecret(v string) Secret { return Secret{v: v} }

// Reveal returns the value, for the one place that must send it.
func (s Secret) Reveal() string { return s.v }

// IsSet reports whether a value is present.
func (s Secret) IsSet() bool { return s.v != "" }

// String implements fmt.Stringer.
func (s Secret) String() string { return redacted }

// GoString implements fmt.GoStringer, so %#v hides it too.
func (s Secret) GoString() string { return redacted }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalText implements encoding.TextMarshaler (JSON, YAML, slog).
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
