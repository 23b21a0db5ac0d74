package resolve

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestExtract(t *testing.T) {
	long := strings.Repeat("a", 20<<10)
	k64, k65 := strings.Repeat("k", 64), strings.Repeat("k", 65)
	noPathKeys := fullDomain()
	noPathKeys.PathKeys = false
	noParams := fullDomain()
	noParams.Params = nil

	tests := []struct {
		name  string
		d     *Domain // fullDomain (ref, via, path keys) when nil
		path  string
		query string
		want  Link
	}{
		// Query keys.
		{name: "ref", path: "/", query: "ref=ABC123", want: Link{Key: "ABC123", Route: "/"}},
		{name: "second param when first absent", path: "/", query: "via=v1", want: Link{Key: "v1", Route: "/"}},
		{name: "params in config order, not query order", path: "/", query: "via=v1&ref=r1", want: Link{Key: "r1", Route: "/"}},
		{name: "first occurrence wins", path: "/", query: "ref=a1&ref=b2", want: Link{Key: "a1", Route: "/"}},
		{name: "empty value is absent", path: "/", query: "ref=&via=v1", want: Link{Key: "v1", Route: "/"}},
		{name: "bare name is absent", path: "/", query: "ref&via=v1", want: Link{Key: "v1", Route: "/"}},
		{name: "all empty falls to path", path: "/P1", query: "ref=&via=", want: Link{Key: "P1", Route: "/"}},
		{name: "invalid first param does not fall through", path: "/", query: "ref=%3Cscript%3E&via=good", want: Link{Key: "", Route: "/"}},
		{name: "invalid query key does not fall to path", path: "/pathkey", query: "ref=bad!", want: Link{Key: "", Route: "/pathkey"}},
		{name: "query key beats path key", path: "/pathkey", query: "ref=q1", want: Link{Key: "q1", Route: "/pathkey"}},
		{name: "decoded once", path: "/", query: "ref=ab%2Dc", want: Link{Key: "ab-c", Route: "/"}},
		{name: "64-char key", path: "/", query: "ref=" + k64, want: Link{Key: k64, Route: "/"}},
		{name: "semicolon is not a separator", path: "/", query: "ref=abc;via=x", want: Link{Key: "", Route: "/"}},
		{name: "param names are case-sensitive", path: "/", query: "REF=abc", want: Link{Key: "", Route: "/?REF=abc"}},
		{name: "custom via only", d: bareDomain(), path: "/", query: "ref=abc&via=v1", want: Link{Key: "v1", Route: "/?ref=abc"}},
		// params: [] in the config means keys come from the path only
		// (the AASA claims no query then); ref is still dropped from the
		// route, since links carry the key under it.
		{name: "empty params read no query key", d: noParams, path: "/", query: "ref=abc&via=x", want: Link{Key: "", Route: "/?via=x"}},

		// Path keys.
		{name: "path key", path: "/ABC123", want: Link{Key: "ABC123", Route: "/"}},
		{name: "path key trailing slash", path: "/ABC123/", want: Link{Key: "ABC123", Route: "/"}},
		{name: "path key with route", path: "/ABC123/promo/summer", query: "utm_source=x", want: Link{Key: "ABC123", Route: "/promo/summer?utm_source=x"}},
		{name: "route keeps trailing slash", path: "/ABC123/promo/", want: Link{Key: "ABC123", Route: "/promo/"}},
		{name: "path key percent-decoded", path: "/ab%2Dc", want: Link{Key: "ab-c", Route: "/"}},
		{name: "path key decoded only once", path: "/ab%252Dc", want: Link{Key: "", Route: "/ab%252Dc"}},
		{name: "path without leading slash", path: "ABC123", want: Link{Key: "ABC123", Route: "/"}},
		{name: "path keys off", d: noPathKeys, path: "/ABC123", want: Link{Key: "", Route: "/ABC123"}},
		{name: "root has no key", path: "/", want: Link{Key: "", Route: "/"}},
		{name: "empty path", path: "", want: Link{Key: "", Route: "/"}},

		// Reserved paths.
		{name: "well-known", path: "/.well-known/assetlinks.json", want: Link{Key: "", Route: "/.well-known/assetlinks.json"}},
		{name: "encoded well-known", path: "/%2Ewell-known/x", want: Link{Key: "", Route: "/.well-known/x"}},
		{name: "root AASA", path: "/apple-app-site-association", want: Link{Key: "", Route: "/apple-app-site-association"}},
		{name: "api", path: "/api/v1/resolve", want: Link{Key: "", Route: "/api/v1/resolve"}},
		{name: "static", path: "/static/app.css", want: Link{Key: "", Route: "/static/app.css"}},
		{name: "robots", path: "/robots.txt", want: Link{Key: "", Route: "/robots.txt"}},
		{name: "favicon", path: "/favicon.ico", want: Link{Key: "", Route: "/favicon.ico"}},

		// Route.
		{name: "referral params removed, others kept in order", path: "/", query: "a=1&ref=k1&b=2&via=z&ref=k2&c=3", want: Link{Key: "k1", Route: "/?a=1&b=2&c=3"}},
		{name: "query re-escaped", path: "/", query: "q=a%20b&r=x+y&s=%41", want: Link{Key: "", Route: "/?q=a+b&r=x+y&s=A"}},
		{name: "bare query item kept", path: "/", query: "flag&x=1", want: Link{Key: "", Route: "/?flag&x=1"}},
		{name: "nameless items dropped", path: "/", query: "=x&&y=1", want: Link{Key: "", Route: "/?y=1"}},
		{name: "redirect params carried as plain items", path: "/ABC123", query: "next=https%3A%2F%2Fevil.com&redirect=//evil.com&url=x",
			want: Link{Key: "ABC123", Route: "/?next=https%3A%2F%2Fevil.com&redirect=%2F%2Fevil.com&url=x"}},
		{name: "dot segments resolved", path: "/ABC123/a/../b/./c", want: Link{Key: "ABC123", Route: "/b/c"}},
		{name: "encoded dot segments cannot climb", path: "/ABC123/%2E%2E/%2E%2E/etc", want: Link{Key: "ABC123", Route: "/etc"}},
		{name: "encoded slash stays inside its segment", path: "/ABC123/a%2Fb", want: Link{Key: "ABC123", Route: "/a%2Fb"}},
		{name: "route of 1 KiB is dropped", path: "/ABC123/" + strings.Repeat("x", MaxRouteLen), want: Link{Key: "ABC123", Route: "/"}},

		// The click id.
		{name: "click id read, never carried", path: "/ABC123/promo", query: "x=1&dl_click=abcdefghijklmnop2345&y=2",
			want: Link{Key: "ABC123", Route: "/promo?x=1&y=2", ClickID: "abcdefghijklmnop2345"}},
		{name: "first click id counts", path: "/", query: "ref=K1&dl_click=abcdefghijklmnop2345&dl_click=qrstuvwxyzabcdef2345",
			want: Link{Key: "K1", Route: "/", ClickID: "abcdefghijklmnop2345"}},
		{name: "short click id", path: "/", query: "ref=K1&dl_click=abc", want: Link{Key: "K1", Route: "/"}},
		{name: "hostile click id", path: "/", query: "ref=K1&dl_click=%3Cscript%3Eabcdefghijklmnop", want: Link{Key: "K1", Route: "/"}},

		// Hostile input.
		{name: "65-char query key", path: "/", query: "ref=" + k65, want: Link{Key: "", Route: "/"}},
		{name: "65-char path key", path: "/" + k65, want: Link{Key: "", Route: "/" + k65}},
		{name: "script query key", path: "/", query: "ref=<script>alert(1)</script>", want: Link{Key: "", Route: "/"}},
		{name: "script path key", path: "/<script>", want: Link{Key: "", Route: "/%3Cscript%3E"}},
		{name: "broken escape in query key", path: "/", query: "ref=%ZZ&via=ok", want: Link{Key: "", Route: "/"}},
		{name: "broken escape in path key", path: "/%ZZ", want: Link{Key: "", Route: "/"}},
		{name: "broken escape after path key", path: "/ABC123/%ZZ", want: Link{Key: "ABC123", Route: "/"}},
		{name: "broken escape in other query item", path: "/", query: "x=%G1&y=2", want: Link{Key: "", Route: "/?y=2"}},
		{name: "dot-dot query key", path: "/", query: "ref=..", want: Link{Key: "", Route: "/"}},
		{name: "dot-dot path key", path: "/..", want: Link{Key: "", Route: "/"}},
		{name: "unicode path key", path: "/%D0%BA%D0%BB%D1%8E%D1%87", want: Link{Key: "", Route: "/%D0%BA%D0%BB%D1%8E%D1%87"}},
		{name: "unicode query key", path: "/", query: "ref=%D0%BA%D0%BB", want: Link{Key: "", Route: "/"}},
		{name: "invalid UTF-8 path", path: "/ABC123/%FF", want: Link{Key: "ABC123", Route: "/"}},
		{name: "20 KB query key", path: "/", query: "ref=" + long, want: Link{Key: "", Route: "/"}},
		{name: "20 KB path key", path: "/" + long, want: Link{Key: "", Route: "/"}},
		{name: "scheme-relative path", path: "//evil.com", want: Link{Key: "", Route: "/evil.com"}},
		{name: "scheme-relative after key", path: "/ABC123//evil.com/x", want: Link{Key: "ABC123", Route: "/evil.com/x"}},
		{name: "many slashes", path: "///evil.com", want: Link{Key: "", Route: "/evil.com"}},
		{name: "javascript in route path", path: "/ABC123/javascript:alert(1)", want: Link{Key: "ABC123", Route: "/javascript:alert%281%29"}},
		{name: "javascript as first segment", path: "/javascript:alert(1)", want: Link{Key: "", Route: "/javascript:alert%281%29"}},
		{name: "javascript in route query", path: "/", query: "next=javascript:alert(1)", want: Link{Key: "", Route: "/?next=javascript%3Aalert%281%29"}},
		{name: "backslash path", path: `/\evil.com`, want: Link{Key: "", Route: "/"}},
		{name: "encoded backslash path", path: "/%5Cevil.com", want: Link{Key: "", Route: "/"}},
		{name: "backslashes after key", path: "/ABC123/%5C%5Cevil.com", want: Link{Key: "ABC123", Route: "/"}},
		{name: "slash-backslash", path: `/ABC123/\/evil.com`, want: Link{Key: "ABC123", Route: "/"}},
		{name: "backslash in query value is only data", path: "/", query: `x=%5C%5Cevil.com`, want: Link{Key: "", Route: "/?x=%5C%5Cevil.com"}},
		{name: "control char in path", path: "/ABC123/a%0Ab", want: Link{Key: "ABC123", Route: "/"}},
		{name: "raw control char in path", path: "/ABC123/a\x7fb", want: Link{Key: "ABC123", Route: "/"}},
		{name: "control char in query item", path: "/", query: "x=%00&y=%0D%0ASet-Cookie:1&z=1", want: Link{Key: "", Route: "/?z=1"}},
		{name: "control char in key", path: "/", query: "ref=ab%0A", want: Link{Key: "", Route: "/"}},
		{name: "fragment-looking path", path: "/ABC123/%23frag", want: Link{Key: "ABC123", Route: "/%23frag"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.d
			if d == nil {
				d = fullDomain()
			}
			got := Extract(d, tt.path, tt.query)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Extract(%q, %q) mismatch (-want +got):\n%s", tt.path, tt.query, diff)
			}
			checkRoute(t, d, got.Route)
		})
	}
}
