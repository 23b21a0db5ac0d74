package server

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/deeplinkd/deeplinkd/wellknown"
)

// TestDocumentLength checks on a real connection that every well-known
// answer carries its length and is never chunked, on both paths: for a
// body net/http buffers whole (it sets the length), one just past that
// (writeDocument sets it) and a large one, by GET and by HEAD.
func TestDocumentLength(t *testing.T) {
	sizes := []int{66, autoLengthMax, autoLengthMax + 1, 100 << 10}
	var sites []Site
	for i, n := range sizes {
		body := append([]byte(`{"applinks":{"details":[]},"pad":"`), bytes.Repeat([]byte("x"), n)...)
		body = append(body[:n-2], '"', '}')
		sites = append(sites, Site{
			Hosts:     []string{"size" + strconv.Itoa(i) + ".example"},
			WellKnown: wellknown.Files{AASA: wellknown.Document{Body: body, ETag: `"e` + strconv.Itoa(i) + `"`}},
		})
	}
	s := newServer(Options{Registry: prometheus.NewRegistry()}, mustSnapshot(t, nil, sites...))
	srv := httptest.NewServer(s.Public())
	defer srv.Close()
	for i, n := range sizes {
		for _, method := range []string{http.MethodGet, http.MethodHead} {
			req, err := http.NewRequest(method, srv.URL+pathAASAWellKnown, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Host = sites[i].Hosts[0]
			res, err := srv.Client().Do(req)
			if err != nil {
				t.Fatalf("%s %d bytes: %v", method, n, err)
			}
			got, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK || res.ContentLength != int64(n) || len(res.TransferEncoding) != 0 {
				t.Errorf("%s of a %d-byte document: status %d, length %d, transfer encoding %v; want 200, %d, none",
					method, n, res.StatusCode, res.ContentLength, res.TransferEncoding, n)
			}
			if method == http.MethodGet && !bytes.Equal(got, sites[i].WellKnown.AASA.Body) {
				t.Errorf("GET of a %d-byte document: body differs", n)
			}
		}
	}
}
