package page

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"sync"
)

// Set is the parsed presentations and a pool of render buffers. It is
// built once per process and is safe for concurrent use.
type Set struct {
	byName  map[string]*template.Template
	css, js string
	bufs    sync.Pool
}

// NewSet parses the page templates in fsys (templates.FS, or later an
// operator's template directory): layout.html cloned once per
// presentation, then that presentation's NAME.html, which defines "main",
// added to its clone. css and js are the URLs of the page's stylesheet
// and script.
func NewSet(fsys fs.FS, css, js string) (*Set, error) {
	base, err := template.ParseFS(fsys, "layout.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout.html: %w", err)
	}
	s := &Set{
		byName: make(map[string]*template.Template, len(presentations)),
		css:    css,
		js:     js,
		bufs:   sync.Pool{New: func() any { return new(bytes.Buffer) }},
	}
	for _, name := range presentations {
		t, err := base.Clone()
		if err != nil {
			return nil, fmt.Errorf("clone layout for %s: %w", name, err)
		}
		if _, err := t.ParseFS(fsys, name+".html"); err != nil {
			return nil, fmt.Errorf("parse %s.html: %w", name, err)
		}
		s.byName[name] = t
	}
	return s, nil
}

// Render executes the presentation d.Platform for d, with the set's
// stylesheet and script, into a pooled buffer. The caller hands the
// buffer back with Release once it has written it.
func (s *Set) Render(d Data) (*bytes.Buffer, error) {
	t, ok := s.byName[d.Platform]
	if !ok {
		return nil, fmt.Errorf("render: no presentation %q", d.Platform)
	}
	d.CSS, d.JS = s.css, s.js
	buf := s.bufs.Get().(*bytes.Buffer)
	buf.Reset()
	if err := t.ExecuteTemplate(buf, "layout", &d); err != nil {
		s.Release(buf)
		return nil, fmt.Errorf("render %s: %w", d.Platform, err)
	}
	return buf, nil
}

// maxPooledBuf keeps an unusually large page's buffer out of the pool, so
// one odd page does not pin its memory for every later one.
const maxPooledBuf = 64 << 10

// Release returns a buffer from Render to the pool. The buffer must not
// be used afterwards.
func (s *Set) Release(buf *bytes.Buffer) {
	if buf.Cap() <= maxPooledBuf {
		s.bufs.Put(buf)
	}
}
