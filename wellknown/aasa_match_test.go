package wellknown

import (
	"net/url"
	"slices"
	"strings"
	"testing"
)

// A small model of iOS 13+ component matching, written from Apple's
// documentation and the swcutil-verified notes in DEEPLINK-RULES §1.5:
// `*` is any run of characters, `?` one character (`?*` one or more);
// components are tried in order and the first match decides, an exclude
// included; every specified component must match, an unspecified one is
// not checked; an absent query item reads as an empty value and every
// occurrence of a repeated item must match; trailing slashes are not
// significant and a pattern ending in "/*" also matches without that
// segment.

// globMatch matches s against pattern over characters, not bytes.
func globMatch(pattern, s string) bool {
	p, r := []rune(pattern), []rune(s)
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(r) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case pi < len(p) && (p[pi] == '?' || p[pi] == r[si]):
			pi++
			si++
		case star >= 0:
			// Let the last star swallow one more character and retry.
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

func matchPath(pattern, path string) bool {
	if path == "" {
		path = "/"
	}
	if !strings.HasPrefix(pattern, "/") {
		pattern = "/" + pattern
	}
	path = strings.TrimRight(path, "/")
	pattern = strings.TrimRight(pattern, "/")
	if globMatch(pattern, path) {
		return true
	}
	return strings.HasSuffix(pattern, "/*") && globMatch(strings.TrimSuffix(pattern, "/*"), path)
}

func (c appleComponent) matches(u *url.URL) bool {
	fold := c.CaseSensitive != nil && !*c.CaseSensitive
	decode := c.PercentEncoded != nil && !*c.PercentEncoded
	val := func(s string) string {
		if decode {
			if d, err := url.PathUnescape(s); err == nil {
				s = d
			}
		}
		if fold {
			s = strings.ToLower(s)
		}
		return s
	}
	pat := func(s string) string {
		if fold {
			return strings.ToLower(s)
		}
		return s
	}
	if c.Path != nil && !matchPath(pat(*c.Path), val(u.EscapedPath())) {
		return false
	}
	if c.Fragment != nil && !globMatch(pat(*c.Fragment), val(u.EscapedFragment())) {
		return false
	}
	if c.wholeQuery != nil && !globMatch(pat(*c.wholeQuery), val(u.RawQuery)) {
		return false
	}
	if c.queryItems != nil {
		items := map[string][]string{}
		for _, part := range strings.Split(u.RawQuery, "&") {
			if part == "" {
				continue
			}
			name, value, _ := strings.Cut(part, "=")
			items[val(name)] = append(items[val(name)], val(value))
		}
		for name, p := range c.queryItems {
			values := items[pat(name)]
			if len(values) == 0 {
				values = []string{""}
			}
			for _, v := range values {
				if !globMatch(pat(p), v) {
					return false
				}
			}
		}
	}
	return true
}

// appleClaims reports whether iOS 13+ opens link in appID. Legacy entries
// are not consulted: the components entry decides first (see aasa.go).
func appleClaims(t *testing.T, details []appleDetail, appID, link string) bool {
	t.Helper()
	u, err := url.Parse("https://go.example.com" + link)
	if err != nil {
		t.Fatalf("parse %q: %v", link, err)
	}
	for _, d := range details {
		if !slices.Contains(d.AppIDs, appID) {
			continue
		}
		for _, c := range d.Components {
			if c.matches(u) {
				return !c.Exclude
			}
		}
	}
	return false
}

// legacyClaims is iOS 9–12: path patterns only, NOT excludes, first match.
func legacyClaims(t *testing.T, details []appleDetail, appID, link string) bool {
	t.Helper()
	u, err := url.Parse("https://go.example.com" + link)
	if err != nil {
		t.Fatalf("parse %q: %v", link, err)
	}
	for _, d := range details {
		if d.AppID == nil || *d.AppID != appID {
			continue
		}
		for _, p := range d.Paths {
			pattern, not := strings.CutPrefix(p, "NOT ")
			if globMatch(pattern, u.EscapedPath()) {
				return !not
			}
		}
	}
	return false
}

func TestMatcherModel(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"/", "/", true},
		{"/", "/x", false},
		{"/*", "/", true},
		{"/*", "/promo/x", true},
		{"/?*", "/", false},
		{"/?*", "/K", true},
		{"/id/????", "/id/481", false},
		{"/id/????", "/id/4815", true},
		{"/buy/*", "/buy", true},
		{"/buy/", "/buy", true},
		{"abc", "/abc", true},
		{"/?/", "/é/", true},
		{"/a*b*c", "/aXbYbZc", true},
		{"/a*b*c", "/aXbYbZ", false},
	}
	for _, tt := range tests {
		if got := matchPath(tt.pattern, tt.path); got != tt.want {
			t.Errorf("matchPath(%q, %q) = %v; want %v", tt.pattern, tt.path, got, tt.want)
		}
	}

	items := func(m map[string]string) appleComponent { return appleComponent{queryItems: m} }
	queryTests := []struct {
		name  string
		c     appleComponent
		query string
		want  bool
	}{
		{"absent item is empty, * matches it", items(map[string]string{"b": "*"}), "a=1", true},
		{"absent item is empty, ?* does not", items(map[string]string{"b": "?*"}), "a=1", false},
		{"valueless item is empty", items(map[string]string{"b": "?*"}), "b", false},
		{"every repeat must match", items(map[string]string{"id": "42"}), "id=7&id=42", false},
		{"repeats that all match", items(map[string]string{"id": "7"}), "id=7&id=7", true},
		{"unnamed items ignored", items(map[string]string{"a": "1"}), "a=1&utm=x", true},
	}
	for _, tt := range queryTests {
		t.Run(tt.name, func(t *testing.T) {
			u := &url.URL{Path: "/", RawQuery: tt.query}
			if got := tt.c.matches(u); got != tt.want {
				t.Errorf("matches(?%s) = %v; want %v", tt.query, got, tt.want)
			}
		})
	}
}

func TestDefaultComponentsClaim(t *testing.T) {
	sites := map[string]Site{
		"ref+via, path keys": {Params: []string{"ref", "via"}, PathKeys: true, AppleApps: []AppleApp{
			{AppID: appMain},
			{AppID: appShop, Components: []Component{{Path: "/shop/*"}}},
		}},
		"ref, no path keys": {Params: []string{"ref"}, AppleApps: []AppleApp{{AppID: appMain}}},
		"path keys only":    {PathKeys: true, AppleApps: []AppleApp{{AppID: appMain}}},
	}
	tests := []struct {
		site, app, link string
		want            bool
	}{
		{"ref+via, path keys", appMain, "/?ref=abc", true},
		{"ref+via, path keys", appMain, "/", false},
		{"ref+via, path keys", appMain, "/?ref=", false},
		{"ref+via, path keys", appMain, "/?ref", false},
		{"ref+via, path keys", appMain, "/KEY", true},
		{"ref+via, path keys", appMain, "/KEY/", true},
		{"ref+via, path keys", appMain, "/KEY/route/deeper?x=1", true},
		{"ref+via, path keys", appMain, "/.well-known/assetlinks.json", false},
		{"ref+via, path keys", appMain, "/.well-known/apple-app-site-association", false},
		{"ref+via, path keys", appMain, "/apple-app-site-association", false},
		{"ref+via, path keys", appMain, "/api/v1/signups", false},
		{"ref+via, path keys", appMain, "/api/v1/signups?ref=abc", false},
		{"ref+via, path keys", appMain, "/api", false},
		{"ref+via, path keys", appMain, "/static/app.css", false},
		{"ref+via, path keys", appMain, "/robots.txt", false},
		{"ref+via, path keys", appMain, "/favicon.ico", false},
		{"ref+via, path keys", appMain, "/?ref=abc&no_app=1", false},
		{"ref+via, path keys", appMain, "/KEY?no_app=1", false},
		{"ref+via, path keys", appMain, "/?via=x", true},
		{"ref+via, path keys", appMain, "/?utm_source=x&via=x", true},
		{"ref+via, path keys", appMain, "/promo?ref=abc", true},
		{"ref+via, path keys", appMain, "/?other=1", false},
		{"ref+via, path keys", appMain, "/?ref=abc&ref=", false},
		{"ref+via, path keys", appShop, "/shop/item", true},
		{"ref+via, path keys", appShop, "/?ref=abc", false},
		{"ref+via, path keys", appMain, "/shop/item", true},
		{"ref, no path keys", appMain, "/?ref=abc", true},
		{"ref, no path keys", appMain, "/promo?ref=abc", true},
		{"ref, no path keys", appMain, "/KEY", false},
		{"ref, no path keys", appMain, "/?via=x", false},
		{"path keys only", appMain, "/KEY", true},
		{"path keys only", appMain, "/?ref=abc", false},
		{"path keys only", appMain, "/static/x.js", false},
	}
	decoded := map[string][]appleDetail{}
	for name, site := range sites {
		files, err := Build(site)
		if err != nil {
			t.Fatalf("Build(%s) error: %v", name, err)
		}
		_, decoded[name] = decodeApple(t, files.AASA.Body)
	}
	for _, tt := range tests {
		t.Run(tt.site+" "+tt.link, func(t *testing.T) {
			if got := appleClaims(t, decoded[tt.site], tt.app, tt.link); got != tt.want {
				t.Errorf("iOS 13+ claims(%s, %q) = %v; want %v", tt.app, tt.link, got, tt.want)
			}
		})
	}
}

func TestLegacyPathsClaim(t *testing.T) {
	sites := map[string]Site{
		"params":         {Params: []string{"ref"}, PathKeys: true, AppleApps: []AppleApp{{AppID: appMain}}},
		"path keys only": {PathKeys: true, AppleApps: []AppleApp{{AppID: appMain}}},
	}
	tests := []struct {
		site, link string
		want       bool
	}{
		// Paths cannot see the query: the root must be claimed for ?ref= links.
		{"params", "/?ref=abc", true},
		{"params", "/KEY", true},
		{"params", "/.well-known/assetlinks.json", false},
		{"params", "/apple-app-site-association", false},
		{"params", "/api/v1/signups", false},
		{"params", "/static/app.css", false},
		{"params", "/robots.txt", false},
		{"params", "/favicon.ico", false},
		{"path keys only", "/KEY", true},
		{"path keys only", "/", false},
		{"path keys only", "/api/v1/x", false},
	}
	decoded := map[string][]appleDetail{}
	for name, site := range sites {
		files, err := Build(site)
		if err != nil {
			t.Fatalf("Build(%s) error: %v", name, err)
		}
		_, decoded[name] = decodeApple(t, files.AASA.Body)
	}
	for _, tt := range tests {
		t.Run(tt.site+" "+tt.link, func(t *testing.T) {
			if got := legacyClaims(t, decoded[tt.site], appMain, tt.link); got != tt.want {
				t.Errorf("iOS 12 claims(%q) = %v; want %v", tt.link, got, tt.want)
			}
		})
	}
}
