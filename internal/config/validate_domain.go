package config

import (
	"fmt"
	"strings"

	"github.com/deeplinkd/deeplinkd/wellknown"
)

const appIDFix = "the team ID must be 10 upper-case letters or digits, then a dot and the bundle ID, e.g. ABCDE12345.com.example.app"

func (v *validator) domains(c *Config) {
	if len(c.Domains) == 0 {
		v.add("domains", "no domain is configured", "add one with host, program and web.fallback_url")
		return
	}
	hosts := map[string]string{} // host → the path that first named it
	for i := range c.Domains {
		d := &c.Domains[i]
		path := fmt.Sprintf("domains[%d]", i)
		before := len(v.problems)

		v.host(path+".host", &d.Host, hosts)
		for j := range d.Aliases {
			v.host(fmt.Sprintf("%s.aliases[%d]", path, j), &d.Aliases[j], hosts)
		}
		v.programRef(path+".program", d.Program, c)
		v.referral(path+".referral", &d.Referral)
		v.apple(path+".apple", &d.Apple)
		v.android(path+".android", &d.Android)
		v.web(path+".web", &d.Web)
		if d.Preview.Image != "" {
			if u := v.absoluteURL(path+".preview.image", d.Preview.Image); u != nil && u.Scheme != "https" && u.Scheme != "http" {
				v.add(path+".preview.image", fmt.Sprintf("%q must be an http:// or https:// URL", d.Preview.Image), "link-preview bots fetch the image over the web")
			}
		}

		// Building a broken domain would only repeat what is said above.
		if len(v.problems) == before {
			if _, err := wellknown.Build(d.Site()); err != nil {
				v.add(path, err.Error(), "")
			}
		}
	}
}

// host checks and lower-cases one host name, and reports a host served
// twice anywhere in the file.
func (v *validator) host(path string, h *string, seen map[string]string) {
	*h = strings.ToLower(*h)
	if msg, fix := hostProblem(*h); msg != "" {
		v.add(path, msg, fix)
		return
	}
	if first, dup := seen[*h]; dup {
		v.add(path, fmt.Sprintf("%s is already served by %s", *h, first), "serve each host from one place")
		return
	}
	seen[*h] = path
}

func (v *validator) referral(path string, r *Referral) {
	seen := map[string]int{}
	for i, p := range r.Params {
		pp := fmt.Sprintf("%s.params[%d]", path, i)
		if !paramRE.MatchString(p) {
			v.add(pp, fmt.Sprintf("%q is not a query parameter name", p), "use 1 to 32 letters, digits, _ . or -")
			continue
		}
		if j, dup := seen[p]; dup {
			v.add(pp, fmt.Sprintf("%q is already listed as params[%d]", p, j), "list it once")
			continue
		}
		seen[p] = i
	}
	if len(r.Params) == 0 && !r.PathKeysEnabled() {
		v.add(path, "reads the key from nowhere: params is empty and path_keys is false", "list a parameter such as ref, or set path_keys: true")
	}
}

func (v *validator) apple(path string, a *Apple) {
	ids := map[string]int{}
	for i := range a.Apps {
		app := &a.Apps[i]
		ap := fmt.Sprintf("%s.apps[%d]", path, i)
		switch {
		case app.AppID == "":
			v.add(ap+".app_id", "is required", appIDFix)
		case !appIDRE.MatchString(app.AppID):
			v.add(ap+".app_id", fmt.Sprintf("%q is not TEAMID.bundle.id", app.AppID), appIDFix)
		default:
			if j, dup := ids[app.AppID]; dup {
				v.add(ap+".app_id", fmt.Sprintf("%s is already listed as apps[%d]", app.AppID, j), "list each app once")
			} else {
				ids[app.AppID] = i
			}
		}
		const storeFix = "the digits of the app's App Store URL, apps.apple.com/app/id1234567890"
		switch {
		case app.AppStoreID == "":
			v.add(ap+".app_store_id", "is required", storeFix)
		case !appStoreIDRE.MatchString(app.AppStoreID):
			v.add(ap+".app_store_id", fmt.Sprintf("%q must be 1 to 12 digits", app.AppStoreID), storeFix)
		}
		v.scheme(ap+".scheme", app.Scheme)
		for j, comp := range app.Components {
			v.component(fmt.Sprintf("%s.components[%d]", ap, j), comp)
		}
	}
	for i, id := range a.WebCredentials {
		if !appIDRE.MatchString(id) {
			v.add(fmt.Sprintf("%s.webcredentials[%d]", path, i), fmt.Sprintf("%q is not TEAMID.bundle.id", id), appIDFix)
		}
	}
	for i, id := range a.AppClips {
		cp := fmt.Sprintf("%s.appclips[%d]", path, i)
		switch {
		case strings.Contains(id, "*"):
			v.add(cp, fmt.Sprintf("%q must not use a wildcard", id), "name one App Clip, e.g. ABCDE12345.com.example.app.Clip")
		case !appIDRE.MatchString(id):
			v.add(cp, fmt.Sprintf("%q is not TEAMID.bundle.id", id), appIDFix)
		}
	}
}

// component checks one AASA component. An entry with none of "/", "?"
// or "#" matches every URL, which is what the default already claims.
func (v *validator) component(path string, c Component) {
	if c.Path == "" && c.Query.IsZero() && c.Fragment == "" {
		v.add(path, `sets none of "/", "?" or "#"`, `give at least one, e.g. "/": "/promo/*"`)
	}
	if c.Path != "" && !strings.HasPrefix(c.Path, "/") && !strings.HasPrefix(c.Path, "*") {
		v.add(path+"./", fmt.Sprintf("%q must start with / or *", c.Path), "write /"+c.Path)
	}
}

// scheme checks an app's optional custom URL scheme.
func (v *validator) scheme(path, s string) {
	switch {
	case s == "":
	case s == "http" || s == "https":
		v.add(path, fmt.Sprintf("%q cannot be the app's own scheme", s), "use the scheme the app registers, e.g. exampleapp, or leave it empty")
	case !schemeRE.MatchString(s):
		v.add(path, fmt.Sprintf("%q is not a URL scheme", s), "lower-case letters, digits, + . or -, starting with a letter, without ://")
	}
}

func (v *validator) android(path string, a *Android) {
	packages := map[string]int{}
	for i := range a.Apps {
		app := &a.Apps[i]
		ap := fmt.Sprintf("%s.apps[%d]", path, i)
		const pkgFix = "the app's applicationId, e.g. com.example.app"
		switch {
		case app.Package == "":
			v.add(ap+".package", "is required", pkgFix)
		case !packageRE.MatchString(app.Package):
			v.add(ap+".package", fmt.Sprintf("%q is not an Android package name", app.Package), pkgFix)
		default:
			if j, dup := packages[app.Package]; dup {
				v.add(ap+".package", fmt.Sprintf("%s is already listed as apps[%d]", app.Package, j), "list each app once, with all its fingerprints")
			} else {
				packages[app.Package] = i
			}
		}
		v.fingerprints(ap+".sha256_cert_fingerprints", app.SHA256CertFingerprints)
		v.scheme(ap+".scheme", app.Scheme)
	}
}

// fingerprints checks and upper-cases a package's signing fingerprints.
func (v *validator) fingerprints(path string, fps []string) {
	const fix = "32 hex bytes separated by colons; copy it from Play Console, App signing"
	if len(fps) == 0 {
		v.add(path, "is empty", "add the SHA-256 certificate fingerprint; copy it from Play Console, App signing")
		return
	}
	seen := map[string]int{}
	for i, fp := range fps {
		fpPath := fmt.Sprintf("%s[%d]", path, i)
		if !fingerprintRE.MatchString(fp) {
			v.add(fpPath, fmt.Sprintf("%q is not a SHA-256 fingerprint", fp), fix)
			continue
		}
		fps[i] = strings.ToUpper(fp)
		if j, dup := seen[fps[i]]; dup {
			v.add(fpPath, fmt.Sprintf("is the same fingerprint as sha256_cert_fingerprints[%d]", j), "list it once")
			continue
		}
		seen[fps[i]] = i
	}
}

func (v *validator) web(path string, w *Web) {
	if w.FallbackURL == "" {
		v.add(path+".fallback_url", "is required", "where visitors without the app go, e.g. https://example.com/signup")
	} else {
		v.httpsURL(path+".fallback_url", w.FallbackURL)
	}
	switch w.Desktop {
	case DesktopPage, DesktopRedirect:
	default:
		v.add(path+".desktop", fmt.Sprintf("%q is not a desktop mode", w.Desktop), "use page or redirect")
	}
}
