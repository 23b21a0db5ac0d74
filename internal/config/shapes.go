package config

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// The shapes identifiers must have. Apple's and Google's verifiers reject
// (or silently ignore) anything else, so catching them here saves a week
// of waiting for a CDN to show a file that can never match.
var (
	envNameRE     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	programNameRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)
	publicIDRE    = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	paramRE       = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,32}$`)
	// appIDRE is TEAMID.bundle.id: the 10-character prefix, then the
	// bundle ID (DEEPLINK-RULES.md 1.7).
	appIDRE      = regexp.MustCompile(`^[A-Z0-9]{10}\.[A-Za-z0-9.-]+$`)
	appStoreIDRE = regexp.MustCompile(`^[0-9]{1,12}$`)
	schemeRE     = regexp.MustCompile(`^[a-z][a-z0-9+.-]*$`)
	packageRE    = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]*(\.[a-zA-Z][a-zA-Z0-9_]*)+$`)
	// fingerprintRE is a SHA-256 as 32 colon-separated hex bytes
	// (DEEPLINK-RULES.md 3.1); lower case is accepted and upper-cased.
	fingerprintRE = regexp.MustCompile(`^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$`)
	dnsLabelRE    = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
)

// isLocalHost reports whether host is this machine, where plain http is
// acceptable (a local simulator, a dev server).
func isLocalHost(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// httpsURL checks an absolute https URL; http is allowed for local hosts.
func (v *validator) httpsURL(path, raw string) {
	u := v.absoluteURL(path, raw)
	if u == nil {
		return
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && isLocalHost(u.Hostname())) {
		v.add(path, fmt.Sprintf("%q must be an https:// URL", raw), "http:// is allowed only for localhost")
	}
}

// absoluteURL parses raw, reporting it when it is not an absolute URL
// with a host or when it carries a user name or password.
func (v *validator) absoluteURL(path, raw string) *url.URL {
	if raw == "" {
		v.add(path, "is required", "write an absolute URL starting with https://")
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		v.add(path, fmt.Sprintf("%q is not an absolute URL", raw), "write it in full, starting with https://")
		return nil
	}
	if u.User != nil {
		// Not quoted: the part before @ may be a password.
		v.add(path, "must not contain a user name or password", "remove the part before @")
		return nil
	}
	return u
}

// hostProblem says what keeps h (already lower case) from being a bare
// DNS host name, or returns "" when it is one.
func hostProblem(h string) (msg, fix string) {
	const example = "e.g. go.example.com"
	switch {
	case h == "":
		return "is empty", "write a host name, " + example
	case strings.Contains(h, "://"):
		return fmt.Sprintf("%q must be a bare host name, without a scheme", h), "write " + bareHost(h)
	case strings.Contains(h, "*"):
		return fmt.Sprintf("%q is a wildcard", h), "list each host: every one is verified by Apple and Google on its own"
	case strings.ContainsAny(h, "/?#"):
		return fmt.Sprintf("%q must be a bare host name, without a path", h), "write " + bareHost(h)
	case strings.Contains(h, ":"):
		return fmt.Sprintf("%q must be a bare host name, without a port", h), "the port is ignored when matching; write " + bareHost(h)
	}
	if len(h) > 253 {
		return fmt.Sprintf("%q is longer than 253 characters", h), "use a shorter host name"
	}
	for _, label := range strings.Split(h, ".") {
		if !dnsLabelRE.MatchString(label) {
			return fmt.Sprintf("%q is not a DNS name", h), "use letters, digits, - and dots, " + example
		}
	}
	return "", ""
}

// bareHost strips a scheme, path and port from s, for a suggestion.
func bareHost(s string) string {
	if _, rest, ok := strings.Cut(s, "://"); ok {
		s = rest
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndex(s, ":"); i >= 0 {
		s = s[:i]
	}
	return s
}
