package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkResolver measures one link request through the whole public
// handler (middleware, classifier, decision, page), the access log
// written as JSON to a discarding writer, as bench/resolver.sh does
// through the real binary.
func BenchmarkResolver(b *testing.B) {
	ts := newLinkServer(b, Options{Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	h := ts.Public()
	tests := []struct {
		name, host, ua string
		wantStatus     int
	}{
		{"redirect", "links.beta.org", uaWindows, http.StatusFound},
		{"ios page", "go.alpha.com", uaIPhone, http.StatusOK},
		{"preview", "go.alpha.com", uaFacebookBot, http.StatusOK},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, "/?ref=BENCHKEY42", nil)
			req.Host = tt.host
			req.Header.Set("User-Agent", tt.ua)
			b.ReportAllocs()
			for b.Loop() {
				w := newDiscardWriter()
				h.ServeHTTP(w, req)
				if w.status != tt.wantStatus {
					b.Fatalf("status %d; want %d", w.status, tt.wantStatus)
				}
			}
		})
	}
}
