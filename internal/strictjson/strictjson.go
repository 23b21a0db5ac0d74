// Package strictjson decodes a request body the API's strict way: one JSON
// object whose keys are exactly the fields named, each of its field's
// type, and every fault an *apperr.Error (Malformed) that names the field.
package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/deeplinkd/deeplinkd/internal/apperr"
)

// Decode decodes raw, one JSON object, into dst strictly: every key must
// be one of fields, spelled exactly, and every value of its field's type.
// path is the object's JSON path ("" for the body, "customer" for a
// nested object) and prefixes the field named by an error. The caller
// handles an absent or null nested object before calling (see IsNull).
func Decode(raw []byte, path string, dst any, fields ...string) error {
	trimmed := bytes.TrimLeft(raw, " \t\r\n")
	if len(trimmed) == 0 {
		return apperr.Field(apperr.Malformed, path, "%s is empty", describePath(path))
	}
	if trimmed[0] != '{' {
		return apperr.Field(apperr.Malformed, path, "%s must be a JSON object", describePath(path))
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err, path)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return apperr.Field(apperr.Malformed, "", "unexpected data after the JSON object")
	}
	// encoding/json matches names case-insensitively, so "KEY" would pass
	// DisallowUnknownFields as "key"; the API's names are exact.
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(raw, &keys); err != nil {
		return decodeError(err, path)
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		if !slices.Contains(fields, k) {
			return unknownField(path, k)
		}
	}
	return nil
}

// decodeError turns encoding/json's error into a 400 naming the field.
func decodeError(err error, path string) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return &apperr.Error{Code: apperr.Malformed,
			Message: "malformed JSON at byte " + strconv.FormatInt(syn.Offset, 10) + ": " + strings.TrimPrefix(syn.Error(), "json: "), Err: err}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &apperr.Error{Code: apperr.Malformed, Message: "malformed JSON: unexpected end of input", Err: err}
	case errors.As(err, &typ):
		field := joinPath(path, typ.Field)
		if typ.Field == "" {
			return apperr.Field(apperr.Malformed, field, "%s must be a JSON object", describePath(field))
		}
		return apperr.Field(apperr.Malformed, field, "%s must be %s", field, describeType(typ.Type))
	}
	// DisallowUnknownFields reports `json: unknown field "x"` without a
	// type of its own.
	if q, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if name, uerr := strconv.Unquote(q); uerr == nil {
			return unknownField(path, name)
		}
	}
	return &apperr.Error{Code: apperr.Malformed, Message: "malformed JSON", Err: err}
}

func unknownField(path, name string) error {
	return apperr.Field(apperr.Malformed, joinPath(path, name), "unknown field %q", name)
}

// joinPath appends a field name to an object's JSON path.
func joinPath(path, name string) string {
	switch {
	case path == "":
		return name
	case name == "":
		return path
	}
	return path + "." + name
}

// describePath names an object in a message.
func describePath(path string) string {
	if path == "" {
		return "request body"
	}
	return path
}

// describeType names the JSON type a Go field wants.
func describeType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "a JSON object"
}

// IsNull reports whether a raw value is absent or JSON null: both mean
// "not given".
func IsNull(raw json.RawMessage) bool {
	s := bytes.TrimSpace(raw)
	return len(s) == 0 || string(s) == "null"
}
