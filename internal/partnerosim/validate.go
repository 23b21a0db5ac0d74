package partnerosim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
)

// maxString is Laravel's usual string column limit.
const maxString = 255

// fieldErrors is a 422's "errors" object, keyed by dotted field path.
type fieldErrors map[string][]string

func (e fieldErrors) add(field, format string, args ...any) {
	msg := fmt.Sprintf(format, append([]any{attr(field)}, args...)...)
	e[field] = append(e[field], msg)
}

// attr is how Laravel names a field inside a message: underscores become
// spaces ("The selected referring customer.key is invalid.").
func attr(field string) string { return strings.ReplaceAll(field, "_", " ") }

var (
	errNotObject = errors.New("the request body must be a JSON object")
	errTrailing  = errors.New("the request body has data after the JSON object")
)

// decodeObject parses a request body as one JSON object, keeping numbers as
// their exact text. An empty body is an empty object, as Laravel reads it.
func decodeObject(raw []byte) (map[string]any, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return map[string]any{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("decode body: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errTrailing
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errNotObject
	}
	return m, nil
}

// field walks a dotted path through nested objects.
func field(b map[string]any, path string) (any, bool) {
	var cur any = b
	for part := range strings.SplitSeq(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[part]; !ok {
			return nil, false
		}
	}
	return cur, cur != nil
}

// object checks that an optional nested object is one; present reports
// whether it was given at all.
func object(b map[string]any, path string, errs fieldErrors) (present bool) {
	v, ok := field(b, path)
	if !ok {
		return false
	}
	if _, isObj := v.(map[string]any); !isObj {
		// Laravel calls a JSON object an array.
		errs.add(path, "The %s must be an array.")
		return false
	}
	return true
}

// str reads a string field, trimmed as Laravel's TrimStrings middleware
// does; blank counts as absent.
func str(b map[string]any, path string, required bool, errs fieldErrors) string {
	v, ok := field(b, path)
	if !ok {
		if required {
			errs.add(path, "The %s field is required.")
		}
		return ""
	}
	s, isStr := v.(string)
	if !isStr {
		errs.add(path, "The %s must be a string.")
		return ""
	}
	s = strings.TrimSpace(s)
	switch {
	case s == "" && required:
		errs.add(path, "The %s field is required.")
	case len(s) > maxString:
		errs.add(path, "The %s must not be greater than %d characters.", maxString)
		return ""
	}
	return s
}

// email reads an email address.
func email(b map[string]any, path string, required bool, errs fieldErrors) string {
	n := len(errs[path])
	s := str(b, path, required, errs)
	if s == "" || len(errs[path]) > n {
		return s
	}
	if a, err := mail.ParseAddress(s); err != nil || a.Address != s || a.Name != "" {
		errs.add(path, "The %s must be a valid email address.")
		return ""
	}
	return s
}

// number reads a JSON number, kept as its exact text. A number sent as a
// string is refused: API.md §3 says amount is a JSON number.
func number(b map[string]any, path string, required bool, errs fieldErrors) json.Number {
	v, ok := field(b, path)
	if !ok {
		if required {
			errs.add(path, "The %s field is required.")
		}
		return ""
	}
	n, isNum := v.(json.Number)
	if !isNum {
		errs.add(path, "The %s must be a number.")
		return ""
	}
	return n
}

// boolean reads an optional flag the way Laravel's boolean rule accepts it:
// true, false, 1, 0, "1", "0".
func boolean(b map[string]any, path string, errs fieldErrors) *bool {
	v, ok := field(b, path)
	if !ok {
		return nil
	}
	var t bool
	switch x := v.(type) {
	case bool:
		t = x
	case json.Number:
		if x != "0" && x != "1" {
			errs.add(path, "The %s field must be true or false.")
			return nil
		}
		t = x == "1"
	case string:
		if x != "0" && x != "1" {
			errs.add(path, "The %s field must be true or false.")
			return nil
		}
		t = x == "1"
	default:
		errs.add(path, "The %s field must be true or false.")
		return nil
	}
	return &t
}

// pageMeta is Laravel's paginator metadata; From and To are null on an
// empty page.
type pageMeta struct {
	CurrentPage int  `json:"current_page"`
	From        *int `json:"from"`
	LastPage    int  `json:"last_page"`
	PerPage     int  `json:"per_page"`
	To          *int `json:"to"`
	Total       int  `json:"total"`
}

// Page sizes for list endpoints.
const (
	defaultLimit = 10
	maxLimit     = 100
)

// pageParams reads ?limit= and ?page=.
func pageParams(q url.Values, errs fieldErrors) (limit, pg int) {
	limit = intParam(q, "limit", defaultLimit, 1, maxLimit, errs)
	pg = intParam(q, "page", 1, 1, 1<<30, errs)
	return limit, pg
}

func intParam(q url.Values, name string, def, lo, hi int, errs fieldErrors) int {
	s := q.Get(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		errs.add(name, "The %s must be an integer.")
		return def
	}
	if n < lo || n > hi {
		errs.add(name, "The %s must be between %d and %d.", lo, hi)
		return def
	}
	return n
}

// paginate cuts one page out of all.
func paginate[T any](all []T, limit, pg int) ([]T, pageMeta) {
	m := pageMeta{CurrentPage: pg, PerPage: limit, Total: len(all), LastPage: max(1, (len(all)+limit-1)/limit)}
	start := (pg - 1) * limit
	if start >= len(all) {
		return []T{}, m
	}
	end := min(start+limit, len(all))
	from, to := start+1, end
	m.From, m.To = &from, &to
	return all[start:end], m
}
