package page

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/net/html"

	"github.com/deeplinkd/deeplinkd/internal/resolve"
	"github.com/deeplinkd/deeplinkd/internal/useragent"
	"github.com/deeplinkd/deeplinkd/templates"
)

const (
	testCSS = "/static/page.0123abcd.css"
	testJS  = "/static/page.4567cdef.js"
)

func newSet(t testing.TB) *Set {
	t.Helper()
	s, err := NewSet(templates.FS, testCSS, testJS)
	if err != nil {
		t.Fatalf("NewSet(templates.FS) = %v", err)
	}
	return s
}

// find returns the first element named tag under n whose attribute key
// is present, and that attribute's value.
func find(n *html.Node, tag, key string) (string, bool) {
	if n.Type == html.ElementNode && n.Data == tag {
		for _, a := range n.Attr {
			if a.Key == key {
				return a.Val, true
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if v, ok := find(c, tag, key); ok {
			return v, true
		}
	}
	return "", false
}

// TestRender renders every presentation of the shipped templates (the
// server's golden pages pin their bytes): each picks its own template
// and carries the set's stylesheet, and only pages load the script.
func TestRender(t *testing.T) {
	set := newSet(t)
	site := newSite(t, alpha())
	tests := []struct {
		name       string
		dec        resolve.Decision
		wantScript bool
	}{
		{IOS, pageFor(useragent.IOS, alphaLinks), true},
		{Android, pageFor(useragent.Android, alphaLinks), true},
		{Desktop, pageFor(useragent.Desktop, alphaLinks), true},
		{Preview, previewFor(alphaLinks), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buf, err := set.Render(site.Data(tt.dec, testNonce))
			if err != nil {
				t.Fatalf("Render(%s) = %v", tt.name, err)
			}
			defer set.Release(buf)
			doc, err := html.Parse(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatalf("html.Parse: %v", err)
			}
			if got, _ := find(doc, "body", "data-platform"); got != tt.name {
				t.Errorf("Render(%s): <body data-platform> = %q; want %q", tt.name, got, tt.name)
			}
			if got, _ := find(doc, "link", "href"); got != testCSS {
				t.Errorf("Render(%s): stylesheet = %q; want %q", tt.name, got, testCSS)
			}
			got, ok := find(doc, "script", "src")
			if ok != tt.wantScript || (ok && got != testJS) {
				t.Errorf("Render(%s): script src = %q (present %v); want %q (present %v)", tt.name, got, ok, testJS, tt.wantScript)
			}
		})
	}
}

func TestRenderErrors(t *testing.T) {
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		data    Data
		wantErr string
	}{
		{"unknown presentation", nil, Data{Platform: "tv"}, `render: no presentation "tv"`},
		{"template reads a field Data lacks", fstest.MapFS{
			"layout.html":  {Data: []byte(`{{define "layout"}}<p>{{.Missing}}</p>{{end}}`)},
			"ios.html":     {Data: []byte(`{{define "main"}}{{end}}`)},
			"android.html": {Data: []byte(`{{define "main"}}{{end}}`)},
			"desktop.html": {Data: []byte(`{{define "main"}}{{end}}`)},
			"preview.html": {Data: []byte(`{{define "main"}}{{end}}`)},
		}, Data{Platform: IOS}, "render ios: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := newSet(t)
			if tt.fsys != nil {
				var err error
				if set, err = NewSet(tt.fsys, testCSS, testJS); err != nil {
					t.Fatalf("NewSet() = %v", err)
				}
			}
			buf, err := set.Render(tt.data)
			if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) || buf != nil {
				t.Errorf("Render(%+v) = %v, %v; want nil and an error starting %q", tt.data, buf, err, tt.wantErr)
			}
		})
	}
}

func TestNewSetErrors(t *testing.T) {
	main := &fstest.MapFile{Data: []byte(`{{define "main"}}{{end}}`)}
	layout := &fstest.MapFile{Data: []byte(`{{define "layout"}}{{template "main" .}}{{end}}`)}
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		wantErr string
	}{
		{"no layout", fstest.MapFS{"ios.html": main}, "parse layout.html: "},
		{"a presentation missing", fstest.MapFS{
			"layout.html": layout, "ios.html": main, "android.html": main, "preview.html": main,
		}, "parse desktop.html: "},
		{"a presentation that does not parse", fstest.MapFS{
			"layout.html": layout, "ios.html": main, "android.html": {Data: []byte(`{{define "main"}}{{if}}{{end}}`)},
			"desktop.html": main, "preview.html": main,
		}, "parse android.html: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewSet(tt.fsys, testCSS, testJS)
			if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
				t.Errorf("NewSet() = %v; want an error starting %q", err, tt.wantErr)
			}
		})
	}
}

// TestReleaseDropsOversizedBuffers: a buffer over maxPooledBuf never
// comes back from the pool. (A pooled one may or may not: sync.Pool
// keeps no promise, so only the refusal can be tested.)
func TestReleaseDropsOversizedBuffers(t *testing.T) {
	set := newSet(t)
	big := bytes.NewBuffer(make([]byte, 0, maxPooledBuf+1))
	set.Release(big)
	if got := set.bufs.Get().(*bytes.Buffer); got == big {
		t.Errorf("Release kept a %d-byte buffer in the pool; want it dropped above %d", big.Cap(), maxPooledBuf)
	}
}
