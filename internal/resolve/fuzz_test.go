package resolve

import (
	"github.com/google/go-cmp/cmp"
	"strings"
	"testing"

	"github.com/deeplinkd/deeplinkd/internal/useragent"
)

// seed is a path (or route) and a query that try to break out of the key
// or the route.
type seed struct{ path, query string }

// hostile returns the seeds both fuzzers start from.
func hostile() []seed {
	return []seed{
		{"/", "ref=ABC123"},
		{"/ABC123/promo/summer", "utm_source=mail&via=x"},
		{"/" + strings.Repeat("k", 65), "ref=" + strings.Repeat("k", 65)},
		{"/<script>alert(1)</script>", "ref=<script>"},
		{"/%ZZ", "ref=%ZZ&via=%"},
		{"/..", "ref=.."},
		{"/%2E%2E/%2E%2E/etc/passwd", ""},
		{"/%D0%BA%D0%BB%D1%8E%D1%87", "ref=ключ"},
		{"/" + strings.Repeat("a", 2<<10), "ref=" + strings.Repeat("a", 2<<10)}, // over both bounds; 20 KB is in TestExtract
		{"//evil.com", "next=//evil.com"},
		{"/ABC123//evil.com/x", "redirect=https://evil.com&url=x&to=x&return=x&continue=x&dest=x&goto=x"},
		{"/javascript:alert(1)", "next=javascript:alert(1)"},
		{`/\evil.com`, `x=\\evil.com`},
		{"/%5C%5Cevil.com", "ref=a%5Cb"},
		{"/ABC123/%0D%0ALocation:%20x", "x=%00&y=%0D%0A"},
		{"/@evil.com", "ref=a@evil.com&ref=ok"},
		{"https://evil.com/x", "ref=ABC123#frag"},
		{"/ABC123/%23%3F", "a=%23&b=%3F&c=%26"},
		{"/\xff\xfe", "ref=\xff"},
		{"", ";ref=x;"},
	}
}

// fuzzDomains are checked for every input: with an alias, with custom
// schemes and no alias, and with no apps at all.
func fuzzDomains() []*Domain { return []*Domain{fullDomain(), schemeDomain(), bareDomain()} }

func FuzzExtract(f *testing.F) {
	for _, s := range hostile() {
		f.Add(s.path, s.query)
	}
	f.Fuzz(func(t *testing.T, path, query string) {
		for _, d := range fuzzDomains() {
			l := Extract(d, path, query)
			if l.Key != "" && !ValidKey(l.Key) {
				t.Fatalf("Extract(%q, %q).Key = %q; want a valid key or empty", path, query, l.Key)
			}
			checkRoute(t, d, l.Route)
			for _, v := range visitors() {
				dec := Decide(d, l, v)
				if dec.Key != l.Key || dec.Route != l.Route || dec.ClickID != l.ClickID {
					t.Fatalf("Decide(Extract(%q, %q)) changed the link: key %q route %q; want %q %q",
						path, query, dec.Key, dec.Route, l.Key, l.Route)
				}
				checkDecision(t, d, dec)
				// The server's one-step path must decide exactly the same.
				if got := Resolve(d, path, query, v, l.ClickID); !cmp.Equal(got, dec) {
					t.Fatalf("Resolve(%q, %q) differs from Decide(Extract):\n%s", path, query, cmp.Diff(dec, got))
				}
				// With the server's own click id, whatever the request said.
				checkDecision(t, d, Resolve(d, path, query, v, "clk2345abcdefghijklmnopqr"))
			}
		}
	})
}

func FuzzDecide(f *testing.F) {
	for _, s := range hostile() {
		f.Add("ABC123", s.path+"?"+s.query, "desktop", false)
		f.Add(s.query, s.path, "ios", true)
	}
	f.Add("..", "//evil.com", "android", false)
	f.Add("<script>", `/\evil.com`, "bot", false)
	f.Add(strings.Repeat("k", 65), "javascript:alert(1)", "", true)
	f.Fuzz(func(t *testing.T, key, route, platform string, maybeIPad bool) {
		v := useragent.Visitor{Platform: useragent.Platform(platform), MaybeIPad: maybeIPad}
		for _, d := range fuzzDomains() {
			checkDecision(t, d, Decide(d, Link{Key: key, Route: route}, v))
		}
	})
}
