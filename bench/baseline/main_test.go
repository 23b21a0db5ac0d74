package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHandler(t *testing.T) {
	body := []byte(`{"applinks":{"details":[]}}`)
	tests := []struct {
		name, method, path string
		wantStatus         int
		wantType           string
		wantBody           string
	}{
		{"well-known path", http.MethodGet, "/.well-known/apple-app-site-association", 200, "application/json", string(body)},
		{"root path", http.MethodGet, "/apple-app-site-association", 200, "application/json", string(body)},
		{"head has no body", http.MethodHead, "/.well-known/apple-app-site-association", 200, "application/json", ""},
		{"anything else", http.MethodGet, "/.well-known/assetlinks.json", 404, "text/plain; charset=utf-8", "404 page not found\n"},
	}
	h := newHandler(body, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			if rec.Code != tt.wantStatus {
				t.Errorf("%s %s: status = %d; want %d", tt.method, tt.path, rec.Code, tt.wantStatus)
			}
			if got := rec.Header().Get("Content-Type"); got != tt.wantType {
				t.Errorf("%s %s: Content-Type = %q; want %q", tt.method, tt.path, got, tt.wantType)
			}
			if got := rec.Body.String(); got != tt.wantBody {
				t.Errorf("%s %s: body = %q; want %q", tt.method, tt.path, got, tt.wantBody)
			}
		})
	}
}

func TestHandlerExtraHeaders(t *testing.T) {
	h := newHandler([]byte(`{}`), http.Header{"Etag": {`"x"`}, "Cache-Control": {"public, max-age=3600"}})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/.well-known/apple-app-site-association", nil))
	if rec.Header().Get("ETag") != `"x"` || rec.Header().Get("Cache-Control") != "public, max-age=3600" ||
		rec.Header().Get("Content-Type") != "application/json" || rec.Body.String() != "{}" {
		t.Errorf("answer = %v %q; want the extra headers with the file", rec.Header(), rec.Body)
	}
	if err := run(t.Context(), []string{"-file", "x", "-header", "no colon"}, io.Discard); err == nil || !strings.Contains(err.Error(), "Name: value") {
		t.Errorf("run with a malformed -header = %v; want an error naming the form", err)
	}
}
