package server

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html/template"
	"strconv"
	"strings"
)

// Rendering a page with html/template costs a reflective call per value,
// a few microseconds each, and a page has about thirty: more than the
// rest of the request put together. Yet nearly everything on a page comes
// from config. So each page shape is compiled once per site: html/template
// renders it with a sentinel in every request-dependent value, which
// splits the output into fixed text (escaped by html/template) and slots
// (each verified to be a whole double-quoted attribute value). A request
// then only fills its slots, escaped exactly as html/template escapes a
// value in that attribute, so the bytes are the same as a full render;
// TestCompiledPagesMatchTemplates holds the two to that.

// The request-dependent fields of pageData, in slot order.
const (
	fieldNonce = iota
	fieldURL
	fieldBanner
	fieldOpen
	fieldIntent
	fieldAppStore
	fieldPlay
	fieldWeb
	fieldCopy
	numFields
)

// dynamicFields reads the request-dependent fields of d. Every other field
// of pageData must depend only on the site, the presentation and the
// shape (see shapeOf), or a compiled page would show another request's.
func dynamicFields(d *pageData) [numFields]string {
	return [numFields]string{
		fieldNonce:    d.Nonce,
		fieldURL:      d.URL,
		fieldBanner:   d.SmartBanner,
		fieldOpen:     string(d.OpenInApp),
		fieldIntent:   string(d.Intent),
		fieldAppStore: d.AppStore,
		fieldPlay:     d.Play,
		fieldWeb:      d.Web,
		fieldCopy:     d.Copy,
	}
}

// setDynamicFields is the inverse of dynamicFields.
func setDynamicFields(d *pageData, v [numFields]string) {
	d.Nonce, d.URL, d.SmartBanner = v[fieldNonce], v[fieldURL], v[fieldBanner]
	d.OpenInApp, d.Intent = template.URL(v[fieldOpen]), template.URL(v[fieldIntent])
	d.AppStore, d.Play, d.Web, d.Copy = v[fieldAppStore], v[fieldPlay], v[fieldWeb], v[fieldCopy]
}

// shape is what selects a compiled page: the presentation, which dynamic
// fields are set (templates test them with if and with) and the two flags
// that change the markup.
type shape struct {
	name      string
	set       uint16
	inApp     bool
	maybeIPad bool
}

func shapeOf(name string, d *pageData, v *[numFields]string) shape {
	s := shape{name: name, inApp: d.InApp, maybeIPad: d.MaybeIPad}
	for i, f := range v {
		if f != "" {
			s.set |= 1 << i
		}
	}
	return s
}

// How a slot's value is escaped: as html/template escapes a string in a
// plain attribute, a string in a URL attribute (filtered, normalised),
// or a template.URL in a URL attribute (normalised only).
const (
	slotAttr = iota
	slotURL
	slotTypedURL
)

type slot struct {
	field int
	kind  int
}

// compiledPage is a page shape: text[0] slot[0] text[1] ... text[n].
type compiledPage struct {
	text  []string
	slots []slot
}

// write renders the page for the dynamic values v.
func (cp *compiledPage) write(buf *bytes.Buffer, v *[numFields]string) {
	for i, s := range cp.slots {
		buf.WriteString(cp.text[i])
		val := v[s.field]
		switch s.kind {
		case slotURL:
			if !isSafeURL(val) {
				val = "#ZgotmplZ"
			}
			val = normalizeURL(val)
		case slotTypedURL:
			val = normalizeURL(val)
		}
		escapeAttr(buf, val)
	}
	buf.WriteString(cp.text[len(cp.text)-1])
}

// newSentinel is a random marker no config text will contain.
func newSentinel() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return "dl" + hex.EncodeToString(b[:]) + "s"
}

// compile renders the shape of d with html/template, a sentinel in every
// set dynamic field, and cuts the output at the sentinels.
func (p *pageSet) compile(name string, d pageData) (*compiledPage, error) {
	v := dynamicFields(&d)
	for i := range v {
		if v[i] != "" {
			v[i] = p.sentinel + strconv.Itoa(i) + "x"
		}
	}
	setDynamicFields(&d, v)
	var buf bytes.Buffer
	if err := p.execute(&buf, name, &d); err != nil {
		return nil, err
	}
	out := buf.String()
	cp := &compiledPage{}
	for {
		i := strings.Index(out, p.sentinel)
		if i < 0 {
			break
		}
		rest := out[i+len(p.sentinel):]
		end := strings.IndexByte(rest, 'x')
		field, err := strconv.Atoi(rest[:max(end, 0)])
		if end < 0 || err != nil || field < 0 || field >= numFields {
			return nil, fmt.Errorf("compile %s: malformed slot at %d", name, i)
		}
		after := rest[end+1:]
		// A slot must be a whole double-quoted attribute value, the one
		// context whose escaping write reproduces.
		if !strings.HasSuffix(out[:i], `="`) || !strings.HasPrefix(after, `"`) {
			return nil, fmt.Errorf("compile %s: field %d is not a whole attribute value", name, field)
		}
		attr := out[strings.LastIndexAny(out[:i-2], " \n\t")+1 : i-2]
		cp.text = append(cp.text, out[:i])
		cp.slots = append(cp.slots, slot{field: field, kind: slotKind(attr, field)})
		out = after
	}
	cp.text = append(cp.text, out)
	return cp, nil
}

// slotKind is how html/template escapes field in attribute attr: href and
// src (and data-* names with src, uri or url) are URLs; OpenInApp and
// Intent are template.URL, so they skip the scheme filter.
func slotKind(attr string, field int) int {
	name := strings.TrimPrefix(strings.ToLower(attr), "data-")
	url := name == "href" || name == "src" ||
		strings.Contains(name, "src") || strings.Contains(name, "uri") || strings.Contains(name, "url")
	switch {
	case !url:
		return slotAttr
	case field == fieldOpen || field == fieldIntent:
		return slotTypedURL
	}
	return slotURL
}

// isSafeURL is html/template's filter: a relative URL, or one whose
// scheme is http, https or mailto.
func isSafeURL(s string) bool {
	if scheme, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(scheme, "/") {
		return strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https") || strings.EqualFold(scheme, "mailto")
	}
	return true
}

// normalizeURL is html/template's URL normaliser: every byte outside
// RFC 3986's unreserved and reserved sets (quote and parentheses
// included), and every % not starting an escape, is percent-encoded.
func normalizeURL(s string) string {
	var b strings.Builder
	written := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			continue
		case strings.IndexByte("!#$&*+,/:;=?@[]-._~", c) >= 0:
			continue
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			continue
		}
		if written == 0 {
			b.Grow(len(s) + 16)
		}
		b.WriteString(s[written:i])
		fmt.Fprintf(&b, "%%%02x", c)
		written = i + 1
	}
	if written == 0 {
		return s
	}
	b.WriteString(s[written:])
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// escapeAttr writes s as html/template's attribute escaper does: NUL,
// quotes, &, + and angle brackets become references; everything else,
// invalid UTF-8 included, passes through. Every byte it replaces is ASCII,
// which never occurs inside a multi-byte UTF-8 sequence, so a byte loop
// sees what html/template's rune loop sees.
func escapeAttr(buf *bytes.Buffer, s string) {
	written := 0
	for i := 0; i < len(s); i++ {
		var repl string
		switch s[i] {
		case 0:
			repl = "\uFFFD"
		case '"':
			repl = "&#34;"
		case '&':
			repl = "&amp;"
		case '\'':
			repl = "&#39;"
		case '+':
			repl = "&#43;"
		case '<':
			repl = "&lt;"
		case '>':
			repl = "&gt;"
		default:
			continue
		}
		buf.WriteString(s[written:i])
		buf.WriteString(repl)
		written = i + 1
	}
	buf.WriteString(s[written:])
}
