package wellknown

import (
	"fmt"
	"mime"
	"net/http"
	"regexp"
	"slices"
	"strings"
)

// The checks behind `deeplinkd verify`: given what a live domain answered
// for a well-known file, report what Apple's and Google's verifiers would
// reject (errors) or what is likely a mistake (warnings). They are pure
// functions over the response, so the command does the fetching, without
// following redirects, and these stay testable with tables.

// Finding severities.
const (
	// SeverityError marks what makes a verifier reject the file.
	SeverityError = "error"
	// SeverityWarning marks what works today but is probably a mistake.
	SeverityWarning = "warning"
)

// Finding is one problem with a served well-known file. Message says what
// is wrong and where (a JSON path when inside the document) and how to
// fix it.
type Finding struct {
	Severity string // SeverityError or SeverityWarning
	Message  string
}

var (
	// appIDShape is TEAMID.bundle.id: Apple's 10-character prefix, then
	// the bundle ID's letters, digits, dots and hyphens.
	appIDShape = regexp.MustCompile(`^[A-Z0-9]{10}\.[A-Za-z0-9.-]+$`)
	// fingerprintShape is a SHA-256 as Android expects it: 32 upper-case
	// hex pairs joined by colons.
	fingerprintShape = regexp.MustCompile(`^([0-9A-F]{2}:){31}[0-9A-F]{2}$`)
	// relationShape is the Digital Asset Links relation grammar.
	relationShape = regexp.MustCompile(`^[a-z0-9_.]+/[a-z0-9_.]+$`)
	// packageShape is an Android applicationId.
	packageShape = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$`)
)

// checker collects findings in the order they are found.
type checker struct {
	findings []Finding
}

func (c *checker) errorf(format string, args ...any) {
	c.findings = append(c.findings, Finding{Severity: SeverityError, Message: fmt.Sprintf(format, args...)})
}

func (c *checker) warnf(format string, args ...any) {
	c.findings = append(c.findings, Finding{Severity: SeverityWarning, Message: fmt.Sprintf(format, args...)})
}

// response checks the HTTP exchange itself and reports whether the body
// is the file at all (a redirect's or an error page's body is not).
func (c *checker) response(status int, header http.Header, redirected bool) bool {
	if redirected {
		c.errorf("the request was redirected; Apple and Google do not follow redirects (not even http→https or apex→www): serve the file at this exact URL")
	}
	switch {
	case status >= 300 && status < 400:
		c.errorf("HTTP %d redirect to %q; verifiers do not follow redirects: answer 200 with the file at this URL", status, header.Get("Location"))
		return false
	case status != http.StatusOK:
		c.errorf("HTTP %d; verifiers need 200 (check for a WAF, bot challenge, geo-block or auth in front of /.well-known/)", status)
		return false
	}
	c.contentType(header.Get("Content-Type"))
	return true
}

func (c *checker) contentType(ct string) {
	if ct == "" {
		c.warnf("no Content-Type; serve the file as application/json")
		return
	}
	mt, _, err := mime.ParseMediaType(ct)
	switch {
	case err != nil:
		c.warnf("Content-Type %q does not parse; serve the file as application/json", ct)
	case mt == "application/json":
	case mt == "text/html":
		c.errorf("served as text/html, which usually means a web app's catch-all page answered instead of the file; serve the JSON file as application/json")
	default:
		c.warnf("served as %s; Apple and Google document application/json, and a tolerant verifier today is no promise for tomorrow", mt)
	}
}

// keyCase flags keys that differ from a known key only by case: iOS
// reads keys case-sensitively, so "appIds" or "AppLinks" are silently
// ignored.
func (c *checker) keyCase(path string, obj map[string]any, known ...string) {
	for _, k := range sortedKeys(obj) {
		if slices.Contains(known, k) {
			continue
		}
		for _, want := range known {
			if strings.EqualFold(k, want) {
				c.errorf("%s%q should be %q: keys are case-sensitive and a misspelt one is ignored", path, k, want)
			}
		}
	}
}

// appID checks one app ID; seen, when not nil, detects an app listed in
// more than one entry of the same format.
func (c *checker) appID(path, id string, seen map[string]string) {
	if !appIDShape.MatchString(id) {
		c.errorf("%s: %q is not an app ID; want TEAMID.bundle.id: the 10-character upper-case Team ID (App ID prefix), a dot, the bundle ID", path, id)
		return
	}
	switch prefix := id[:10]; {
	case prefix == "ABCDE12345" || prefix == "ABCED12345":
		c.warnf("%s: %q uses the Team ID from Apple's documentation example; use your own (Membership details in the developer account)", path, id)
	case strings.Trim(prefix, "0123456789") == "":
		c.warnf("%s: %q has an all-digit prefix, which looks like an App Store ID rather than a Team ID", path, id)
	}
	if seen == nil {
		return
	}
	if first, dup := seen[id]; dup {
		c.warnf("%s: %s is already listed at %s; how iOS combines several entries for one app is undocumented, list it once", path, id, first)
		return
	}
	seen[id] = path
}

// stringList returns v as strings, reporting what is not one.
func (c *checker) stringList(path string, v any) ([]string, bool) {
	arr, ok := v.([]any)
	if !ok {
		c.errorf("%s is %s; want an array of strings", path, typeName(v))
		return nil, false
	}
	out := make([]string, 0, len(arr))
	good := true
	for i, e := range arr {
		s, ok := e.(string)
		if !ok {
			c.errorf("%s[%d] is %s; want a string", path, i, typeName(e))
			good = false
			continue
		}
		out = append(out, s)
	}
	return out, good
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// typeName names a decoded JSON value's type for a message.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	default:
		return "a number"
	}
}
