package server

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/deeplinkd/deeplinkd/wellknown"
)

// Two domains whose files differ in every byte that matters, so a test
// can tell whose data an answer carries.
var (
	aasaA  = []byte(`{"applinks":{"details":[{"appIDs":["ABCDE12345.com.alpha.app"]}]}}`)
	linksA = []byte(`[{"target":{"package_name":"com.alpha.app"}}]`)
	aasaB  = []byte(`{"applinks":{"details":[{"appIDs":["ZYXWV98765.org.beta.app"]}]}}`)
	linksB = []byte(`[{"target":{"package_name":"org.beta.app"}}]`)
)

func siteA() Site {
	return Site{
		Hosts: []string{"go.alpha.com", "open.alpha.com"},
		WellKnown: wellknown.Files{
			AASA:       wellknown.Document{Body: aasaA, ETag: `"aasa-alpha"`},
			AssetLinks: wellknown.Document{Body: linksA, ETag: `"links-alpha"`},
		},
	}
}

func siteB() Site {
	return Site{
		Hosts: []string{"links.beta.org"},
		WellKnown: wellknown.Files{
			AASA:       wellknown.Document{Body: aasaB, ETag: `"aasa-beta"`},
			AssetLinks: wellknown.Document{Body: linksB, ETag: `"links-beta"`},
		},
	}
}

func mustSnapshot(t testing.TB, trusted []netip.Prefix, sites ...Site) *Snapshot {
	t.Helper()
	return mustSnapshotOf(t, SnapshotSpec{Sites: sites, TrustedProxies: trusted})
}

func mustSnapshotOf(t testing.TB, spec SnapshotSpec) *Snapshot {
	t.Helper()
	snap, err := NewSnapshot(spec)
	if err != nil {
		t.Fatalf("NewSnapshot: %v", err)
	}
	return snap
}

// newServer is New with snap in force.
func newServer(opts Options, snap *Snapshot) *Server {
	if opts.Config == nil {
		opts.Config = new(atomic.Pointer[Snapshot])
	}
	opts.Config.Store(snap)
	return New(opts)
}

// syncBuffer is a log sink safe for the concurrent writes of a server.
type syncBuffer struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	grew *sync.Cond
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.grew != nil {
		b.grew.Broadcast()
	}
	return b.buf.Write(p)
}

// Len is the number of bytes written so far.
func (b *syncBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Len()
}

// WaitFor waits until what was written after the first from bytes
// contains substr, and returns all of that. Only a line that never comes
// makes it wait for good; the test's own timeout ends that.
func (b *syncBuffer) WaitFor(from int, substr string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.grew == nil {
		b.grew = sync.NewCond(&b.mu)
	}
	for !strings.Contains(b.buf.String()[from:], substr) {
		b.grew.Wait()
	}
	return b.buf.String()[from:]
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testServer is a Server over sites A and B with a captured debug log and
// its own registry.
type testServer struct {
	*Server
	logs *syncBuffer
	reg  *prometheus.Registry
}

func newTestServer(t testing.TB, opts Options) *testServer {
	t.Helper()
	logs := &syncBuffer{}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if opts.Registry == nil {
		opts.Registry = prometheus.NewRegistry()
	}
	snap := mustSnapshot(t, []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, siteA(), siteB())
	return &testServer{Server: newServer(opts, snap), logs: logs, reg: opts.Registry}
}

// do sends a request to h and returns the recorded answer.
func do(h http.Handler, method, host, target string, header http.Header) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, nil)
	req.Host = host
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// withExchange is r as the middleware hands it on, with x as its
// exchange: for handler tests that skip the chain.
func withExchange(r *http.Request, x *exchange) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), exchangeKey{}, x))
}
