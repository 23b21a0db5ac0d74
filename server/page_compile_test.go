package server

import (
	"bytes"
	"html/template"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/deeplinkd/deeplinkd/internal/resolve"
)

// checkCompiled renders data both ways, the compiled page and the full
// html/template execution, and requires the same bytes.
func checkCompiled(t *testing.T, ps *pageSet, site *sitePage, name string, data pageData) {
	t.Helper()
	var want bytes.Buffer
	if err := ps.execute(&want, name, &data); err != nil {
		t.Fatalf("execute %s: %v", name, err)
	}
	got, err := ps.render(site, name, &data)
	if err != nil {
		t.Fatalf("render %s: %v", name, err)
	}
	defer ps.release(got)
	if diff := cmp.Diff(want.String(), got.String()); diff != "" {
		t.Errorf("compiled %s page differs from html/template (-want +got):\n%s", name, diff)
	}
}

// TestCompiledPagesMatchTemplates renders every site, request and visitor
// of the router tests, the hostile ones included, both ways.
func TestCompiledPagesMatchTemplates(t *testing.T) {
	ts := newLinkServer(t, Options{})
	ps := ts.links.pages
	targets := append([]string{"/", "/?ref=ABC123", "/ABC123/promo?utm_source=mail&x=a+b", "/?via=K&next=x"}, hostileTargets...)
	uas := append([]string{uaIPad, uaAndroidFB, uaMacChrome, uaTwitterBot}, hostileUAs...)
	for _, site := range ts.Snapshot().Sites() {
		for _, target := range targets {
			path, query, _ := strings.Cut(target, "?")
			link := resolve.Extract(site.Domain, path, query)
			for _, ua := range uas {
				dec := resolve.Decide(site.Domain, link, ts.links.ua.Classify(ua))
				if dec.Action == resolve.ActionRedirect {
					continue
				}
				name := presentation(dec)
				data := site.page.data(dec, name, newNonce())
				data.CSS, data.JS = ps.css, ps.js
				checkCompiled(t, ps, site.page, name, data)
			}
		}
	}
}

// hostileValues are strings no resolve-built link holds, to prove the
// slot escaping matches html/template's for any value at all.
var hostileValues = []string{
	`"><script>alert(1)</script>`, `' onmouseover='x`, "a&b+c<d>e", "\x00nul", "javascript:alert(1)",
	"JavaScript:alert(1)", "data:text/html,<b>", "mailto:a@b.c", "//evil.example/x", "https://ok.example/a b(c)'d",
	"%zz%4g%41", "héllo wörld", "\xff\xfe invalid utf-8", "\ufdd0\uffff nonchars", "intent://x#Intent;end",
	"alphaapp:///?ref=K", "/relative?q=1", "https://x/%", "a:b/c", "http://[::1]:80/",
}

// TestCompiledEscapingMatches fills every slot of every presentation with
// hostile values: the compiled page must still be byte for byte what
// html/template would write.
func TestCompiledEscapingMatches(t *testing.T) {
	ts := newLinkServer(t, Options{})
	ps := ts.links.pages
	site := ts.Snapshot().Sites()[0].page
	for _, name := range []string{pageIOS, pageAndroid, pageDesktop, pagePreview} {
		for _, val := range hostileValues {
			for _, flags := range [][2]bool{{false, false}, {true, true}} {
				t.Run(name+" "+val, func(t *testing.T) {
					d := pageData{
						Platform: name, Title: "T", SiteName: "s", CSS: ps.css, JS: ps.js, Script: name != pagePreview,
						Loader: &loaderData{Src: "https://app.partnero.com/js/universal.js", AssetsHost: partneroAssetsHost, PublicID: "P1"},
						InApp:  flags[0], MaybeIPad: flags[1], ContinueMS: continueAfterMS,
					}
					setDynamicFields(&d, [numFields]string{val, val, val, val, val, val, val, val, val})
					checkCompiled(t, ps, site, name, d)
				})
			}
		}
	}
}

func TestCompileRejectsSlotsOutsideAttributes(t *testing.T) {
	ts := newLinkServer(t, Options{})
	ps := ts.links.pages
	bad := template.Must(template.New("layout").Parse(`{{define "layout"}}<p>{{.URL}}</p><a href="{{.Web}}">x</a>{{end}}`))
	saved := ps.byName[pageDesktop]
	ps.byName[pageDesktop] = bad
	defer func() { ps.byName[pageDesktop] = saved }()
	_, err := ps.compile(pageDesktop, pageData{URL: "https://go.alpha.com/", Web: "https://alpha.com/"})
	if err == nil || !strings.Contains(err.Error(), "not a whole attribute value") {
		t.Errorf("compile with a slot in text = %v; want an error", err)
	}
}

func TestNormalizeURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://a.example/p?q=1&r=2#f", "https://a.example/p?q=1&r=2#f"},
		{"https://a.example/a b", "https://a.example/a%20b"},
		{"x'(y)", "x%27%28y%29"},
		{"%41%zz%", "%41%25zz%25"},
		{"é", "%c3%a9"},
	}
	for _, tt := range tests {
		if got := normalizeURL(tt.in); got != tt.want {
			t.Errorf("normalizeURL(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzCompiledPage fills the slots with arbitrary values: the compiled
// page must match html/template whatever they hold.
func FuzzCompiledPage(f *testing.F) {
	for _, v := range hostileValues {
		f.Add(v, "https://go.alpha.com/?ref=K", uint8(0))
	}
	ts := newLinkServer(f, Options{})
	ps := ts.links.pages
	site := ts.Snapshot().Sites()[1].page
	names := []string{pageIOS, pageAndroid, pageDesktop, pagePreview}
	f.Fuzz(func(t *testing.T, a, b string, pick uint8) {
		name := names[int(pick)%len(names)]
		d := pageData{Platform: name, Title: "T", CSS: ps.css, JS: ps.js, Script: true, InApp: pick&4 != 0, MaybeIPad: pick&8 != 0}
		var v [numFields]string
		for i := range v {
			if i%2 == 0 {
				v[i] = a
			} else {
				v[i] = b
			}
		}
		setDynamicFields(&d, v)
		checkCompiled(t, ps, site, name, d)
	})
}
