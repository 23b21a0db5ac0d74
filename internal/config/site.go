package config

import (
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/deeplinkd/deeplinkd/wellknown"
)

// Program returns the program named name, or nil when there is none.
func (c *Config) Program(name string) *Program {
	return c.Programs[name]
}

// TrustedProxyPrefixes returns server.trusted_proxies as prefixes; a
// single address is its /32 or /128. Entries that do not parse are
// skipped: Load has already refused them.
func (c *Config) TrustedProxyPrefixes() []netip.Prefix {
	out := make([]netip.Prefix, 0, len(c.Server.TrustedProxies))
	for _, raw := range c.Server.TrustedProxies {
		if p, err := parseProxy(raw); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// Hosts returns the host names the domain answers on, lower case: the
// host first, then the aliases in order (the first alias is the "open"
// host of the fallback page's Open-in-app button).
func (d *Domain) Hosts() []string {
	out := make([]string, 0, 1+len(d.Aliases))
	out = append(out, strings.ToLower(d.Host))
	for _, a := range d.Aliases {
		out = append(out, strings.ToLower(a))
	}
	return out
}

// Site converts the domain into what its well-known files are built
// from. It copies every slice and map, so the caller may keep the result
// after the config is replaced by a reload.
func (d *Domain) Site() wellknown.Site {
	s := wellknown.Site{
		Params:         slices.Clone(d.Referral.Params),
		PathKeys:       d.Referral.PathKeysEnabled(),
		WebCredentials: slices.Clone(d.Apple.WebCredentials),
		AppClips:       slices.Clone(d.Apple.AppClips),
	}
	for _, a := range d.Apple.Apps {
		app := wellknown.AppleApp{AppID: a.AppID}
		for _, c := range a.Components {
			app.Components = append(app.Components, wellknown.Component{
				Path:           c.Path,
				Query:          wellknown.Query{Whole: c.Query.Whole, Items: maps.Clone(c.Query.Items)},
				Fragment:       c.Fragment,
				Exclude:        c.Exclude,
				Comment:        c.Comment,
				CaseSensitive:  clonePtr(c.CaseSensitive),
				PercentEncoded: clonePtr(c.PercentEncoded),
			})
		}
		s.AppleApps = append(s.AppleApps, app)
	}
	for _, a := range d.Android.Apps {
		fps := make([]string, len(a.SHA256CertFingerprints))
		for i, fp := range a.SHA256CertFingerprints {
			// Google compares upper case; Load normalises, a Config
			// built in code may not have.
			fps[i] = strings.ToUpper(fp)
		}
		s.AndroidApps = append(s.AndroidApps, wellknown.AndroidApp{
			Package:          a.Package,
			Fingerprints:     fps,
			ShareCredentials: a.ShareCredentials,
		})
	}
	return s
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// IsZero reports whether q constrains nothing; yaml's omitempty uses it.
func (q Query) IsZero() bool { return q.Whole == "" && len(q.Items) == 0 }

// MarshalYAML writes q in the shape Load reads: a pattern string or a
// mapping of query item to pattern.
func (q Query) MarshalYAML() (any, error) {
	if q.Items != nil {
		return q.Items, nil
	}
	return q.Whole, nil
}
