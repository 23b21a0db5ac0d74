package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// discardWriter is the cheapest ResponseWriter, so the benchmark measures
// the server, not the recorder.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(int)             {}

// BenchmarkWellKnownHotPath serves the AASA through the whole public
// chain (middleware, access log formatted as JSON, metrics) next to a bare
// handler writing the same bytes: the in-process part of bench/wellknown.sh.
func BenchmarkWellKnownHotPath(b *testing.B) {
	req := httptest.NewRequest(http.MethodGet, "/.well-known/apple-app-site-association", nil)
	req.Host = "go.alpha.com"
	b.Run("deeplinkd", func(b *testing.B) {
		s := New(Options{Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)), AccessLog: io.Discard, Registry: prometheus.NewRegistry()},
			mustSnapshot(b, nil, siteA()))
		h := s.Public()
		b.ReportAllocs()
		for b.Loop() {
			h.ServeHTTP(&discardWriter{h: http.Header{}}, req)
		}
	})
	b.Run("bare", func(b *testing.B) {
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write(aasaA)
		})
		b.ReportAllocs()
		for b.Loop() {
			h.ServeHTTP(&discardWriter{h: http.Header{}}, req)
		}
	})
}
