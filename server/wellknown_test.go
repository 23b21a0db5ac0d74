package server

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

func TestNoneMatch(t *testing.T) {
	const etag = `"abc123"`
	tests := []struct {
		name    string
		headers []string
		want    bool
	}{
		{"absent", nil, false},
		{"exact", []string{`"abc123"`}, true},
		{"other tag", []string{`"abc124"`}, false},
		{"weak form of ours", []string{`W/"abc123"`}, true},
		{"star", []string{`*`}, true},
		{"list with ours last", []string{`"x", W/"y", "abc123"`}, true},
		{"list without ours", []string{`"x", "y"`}, false},
		{"list over two header lines", []string{`"x"`, `"abc123"`}, true},
		{"unquoted", []string{`abc123`}, false},
		{"garbage before ours stops the list", []string{`zzz, "abc123"`}, false},
		{"unterminated", []string{`"abc123`}, false},
		{"prefix of ours", []string{`"abc12"`}, false},
		{"ours without quotes inside others", []string{`"xabc123x"`}, false},
		{"extra spaces and commas", []string{` , ,"abc123" ,`}, true},
		{"empty", []string{""}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := noneMatch(tt.headers, etag); got != tt.want {
				t.Errorf("noneMatch(%q, %s) = %v; want %v", tt.headers, etag, got, tt.want)
			}
		})
	}
}

// TestWellKnownHandler calls the handler alone, with the site the
// middleware would have found already in the exchange.
func TestWellKnownHandler(t *testing.T) {
	s := newTestServer(t, Options{})
	site := siteA()
	empty := Site{Hosts: []string{"bare.example"}}
	tests := []struct {
		name        string
		site        *Site
		method      string
		ifNoneMatch string
		wantStatus  int
		wantBody    string
		wantHeaders map[string]string
	}{
		{
			name: "get", site: &site, method: http.MethodGet, wantStatus: http.StatusOK, wantBody: string(aasaA),
			wantHeaders: map[string]string{
				"Content-Type":   "application/json",
				"Content-Length": "", // net/http's own for a small body (TestDocumentLength)
				"ETag":           `"aasa-alpha"`,
				"Cache-Control":  "public, max-age=3600",
			},
		},
		{
			name: "head", site: &site, method: http.MethodHead, wantStatus: http.StatusOK, wantBody: "",
			wantHeaders: map[string]string{"Content-Length": strconv.Itoa(len(aasaA)), "ETag": `"aasa-alpha"`},
		},
		{
			name: "not modified", site: &site, method: http.MethodGet, ifNoneMatch: `"aasa-alpha"`,
			wantStatus: http.StatusNotModified, wantBody: "",
			wantHeaders: map[string]string{"ETag": `"aasa-alpha"`, "Content-Type": "", "Cache-Control": "public, max-age=3600"},
		},
		{
			name: "modified", site: &site, method: http.MethodGet, ifNoneMatch: `"aasa-beta"`,
			wantStatus: http.StatusOK, wantBody: string(aasaA),
		},
		{name: "no site", site: nil, method: http.MethodGet, wantStatus: http.StatusNotFound},
		{name: "site without the file", site: &empty, method: http.MethodGet, wantStatus: http.StatusNotFound},
		{name: "post", site: &site, method: http.MethodPost, wantStatus: http.StatusMethodNotAllowed},
		{
			name: "options", site: &site, method: http.MethodOptions, wantStatus: http.StatusNoContent,
			wantHeaders: map[string]string{"Allow": "OPTIONS, GET, HEAD", "ETag": ""},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, "/.well-known/apple-app-site-association", nil)
			if tt.ifNoneMatch != "" {
				req.Header.Set("If-None-Match", tt.ifNoneMatch)
			}
			rec := httptest.NewRecorder()
			err := s.wellKnown(&exchange{ResponseWriter: rec, site: tt.site}, req, pickAASA)
			status := rec.Code
			if err != nil {
				status = classify(err).status
			}
			if status != tt.wantStatus {
				t.Fatalf("status = %d (err %v); want %d", status, err, tt.wantStatus)
			}
			if err != nil {
				return
			}
			if got := rec.Body.String(); got != tt.wantBody {
				t.Errorf("body = %q; want %q", got, tt.wantBody)
			}
			for k, want := range tt.wantHeaders {
				if got := rec.Header().Get(k); got != want {
					t.Errorf("header %s = %q; want %q", k, got, want)
				}
			}
		})
	}
}
