package server

import (
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"
)

// page is a parsed HTML answer.
type page struct {
	res  *http.Response
	body string
	doc  *html.Node
}

// parsePage reads and parses an HTML answer, failing unless it is one.
func parsePage(t testing.TB, res *http.Response) *page {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=UTF-8" {
		t.Fatalf("Content-Type = %q; want text/html; charset=UTF-8\n%s", ct, b)
	}
	doc, err := html.Parse(strings.NewReader(string(b)))
	if err != nil {
		t.Fatalf("html.Parse: %v", err)
	}
	return &page{res: res, body: string(b), doc: doc}
}

// walk calls fn for every element node under n.
func walk(n *html.Node, fn func(*html.Node)) {
	if n.Type == html.ElementNode {
		fn(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

// attr returns n's attribute key and whether it is present.
func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// elements returns every element named tag.
func (p *page) elements(tag string) []*html.Node {
	var out []*html.Node
	walk(p.doc, func(n *html.Node) {
		if n.Data == tag {
			out = append(out, n)
		}
	})
	return out
}

// byID returns the element with id, or nil.
func (p *page) byID(id string) *html.Node {
	var found *html.Node
	walk(p.doc, func(n *html.Node) {
		if v, ok := attr(n, "id"); ok && v == id && found == nil {
			found = n
		}
	})
	return found
}

// meta returns the content of the <meta> whose key attribute ("name" or
// "property") is value, and whether there is one.
func (p *page) meta(key, value string) (string, bool) {
	for _, n := range p.elements("meta") {
		if v, _ := attr(n, key); v == value {
			c, _ := attr(n, "content")
			return c, true
		}
	}
	return "", false
}

// href returns the href of the element with id ("" if either is missing).
func (p *page) href(id string) string {
	n := p.byID(id)
	if n == nil {
		return ""
	}
	v, _ := attr(n, "href")
	return v
}

// text returns the text inside n.
func text(n *html.Node) string {
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	rec(n)
	return b.String()
}

var cspNonceRE = regexp.MustCompile(`'nonce-([A-Za-z0-9_-]+)'`)

// cspNonce returns the nonce of the answer's Content-Security-Policy.
func (p *page) cspNonce() string {
	m := cspNonceRE.FindStringSubmatch(p.res.Header.Get("Content-Security-Policy"))
	if m == nil {
		return ""
	}
	return m[1]
}

// allowedSchemes are the link schemes a page may carry: the web, Chrome
// intents and the fixtures' configured app schemes.
var allowedSchemes = map[string]bool{"https": true, "intent": true, "alphaapp": true, "betaapp": true}

// checkSafe asserts what every page must hold whatever the request: no
// script but the nonce'd loader and page.js from 'self', no event-handler
// attribute, every link to a configured host or app, no "#ZgotmplZ".
func checkSafe(t testing.TB, p *page) {
	t.Helper()
	nonce := p.cspNonce()
	for _, s := range p.elements("script") {
		src, hasSrc := attr(s, "src")
		n, hasNonce := attr(s, "nonce")
		switch {
		case hasSrc && strings.HasPrefix(src, "/static/page.") && strings.HasSuffix(src, ".js"):
		case !hasSrc && hasNonce && n == nonce && nonce != "":
		default:
			t.Errorf("unexpected script element %v", s.Attr)
		}
	}
	walk(p.doc, func(n *html.Node) {
		for _, a := range n.Attr {
			if strings.HasPrefix(strings.ToLower(a.Key), "on") {
				t.Errorf("<%s> has event handler attribute %s=%q", n.Data, a.Key, a.Val)
			}
			if a.Key != "href" && a.Key != "src" && a.Key != "data-copy" {
				continue
			}
			if a.Val == "" || strings.HasPrefix(a.Val, "/static/") {
				continue
			}
			u, err := url.Parse(a.Val)
			if err != nil {
				t.Errorf("<%s %s=%q>: %v", n.Data, a.Key, a.Val, err)
				continue
			}
			if !allowedSchemes[u.Scheme] {
				t.Errorf("<%s %s=%q>: scheme %q not from config", n.Data, a.Key, a.Val, u.Scheme)
			}
			if (u.Scheme == "https" || u.Scheme == "intent") && u.Host != "" && !configuredHost(u.Hostname()) && u.Hostname() != "cdn.alpha.com" {
				t.Errorf("<%s %s=%q>: host %q not from config", n.Data, a.Key, a.Val, u.Hostname())
			}
		}
	})
	if strings.Contains(p.body, "ZgotmplZ") {
		t.Errorf("page holds a link html/template refused (#ZgotmplZ)")
	}
	for _, tok := range []string{tokenMain, tokenBeta} {
		if strings.Contains(p.body, tok) {
			t.Errorf("page contains an API token")
		}
	}
}

func configuredHost(h string) bool {
	for _, c := range configuredHosts {
		if strings.EqualFold(h, c) {
			return true
		}
	}
	return false
}

// checkGoldenPage compares a page, its nonce replaced by NONCE, with
// testdata/pages/NAME.html, or rewrites it under -update.
func checkGoldenPage(t *testing.T, name string, p *page) {
	t.Helper()
	got := p.body
	if n := p.cspNonce(); n != "" {
		got = strings.ReplaceAll(got, n, "NONCE")
	}
	path := filepath.Join("testdata", "pages", name+".html")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatalf("update %s: %v", path, err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden: %v (run go test ./server -run %s -update)", err, t.Name())
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("page differs from %s (-want +got):\n%s", path, diff)
	}
}
