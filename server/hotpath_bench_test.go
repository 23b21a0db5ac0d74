package server

import (
	"bufio"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// discardWriter is a cheap ResponseWriter that still pays for the headers
// what net/http pays per response: a clone of the handler's header map
// when the header is written, then every header sorted and written out.
// What a handler saves in headers shows here, not only under wrk.
type discardWriter struct {
	h      http.Header
	status int
}

// headerSink stands for net/http's pooled connection writer; benchmarks
// run on one goroutine.
var headerSink = bufio.NewWriterSize(io.Discard, 4096)

func newDiscardWriter() *discardWriter { return &discardWriter{h: http.Header{}} }

func (w *discardWriter) Header() http.Header { return w.h }

func (w *discardWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	return len(b), nil
}

func (w *discardWriter) WriteHeader(code int) {
	if w.status != 0 {
		return
	}
	w.status = code
	_ = w.h.Clone().Write(headerSink)
}

// BenchmarkWellKnownHotPath serves the AASA through the whole public
// chain (middleware, access log formatted as JSON, metrics) next to a bare
// handler writing the same bytes: the in-process part of bench/wellknown.sh.
func BenchmarkWellKnownHotPath(b *testing.B) {
	req := httptest.NewRequest(http.MethodGet, "/.well-known/apple-app-site-association", nil)
	req.Host = "go.alpha.com"
	b.Run("deeplinkd", func(b *testing.B) {
		s := newServer(Options{Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)), Registry: prometheus.NewRegistry()},
			mustSnapshot(b, nil, siteA()))
		h := s.Public()
		b.ReportAllocs()
		for b.Loop() {
			h.ServeHTTP(newDiscardWriter(), req)
		}
	})
	b.Run("bare", func(b *testing.B) {
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write(aasaA)
		})
		b.ReportAllocs()
		for b.Loop() {
			h.ServeHTTP(newDiscardWriter(), req)
		}
	})
}
