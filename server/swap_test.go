package server

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/deeplinkd/deeplinkd/wellknown"
)

func versionedSite(v int) Site {
	body := fmt.Sprintf(`{"applinks":{"version":%d}}`, v)
	return Site{
		Hosts: []string{"go.alpha.com"},
		WellKnown: wellknown.Files{
			AASA: wellknown.Document{Body: []byte(body), ETag: fmt.Sprintf(`"v%d"`, v)},
		},
	}
}

// TestSwapUnderLoad swaps between two configurations while requests run;
// every answer must be whole: the body and ETag of one snapshot. Run it
// with -race.
func TestSwapUnderLoad(t *testing.T) {
	snaps := []*Snapshot{mustSnapshot(t, nil, versionedSite(1)), mustSnapshot(t, nil, versionedSite(2))}
	valid := map[string]string{
		`"v1"`: `{"applinks":{"version":1}}`,
		`"v2"`: `{"applinks":{"version":2}}`,
	}
	s := newServer(Options{}, snaps[0])
	h := s.Public()

	const workers, perWorker = 8, 200
	var wg sync.WaitGroup
	errs := make(chan string, workers*perWorker)
	for range workers {
		wg.Go(func() {
			for range perWorker {
				rec := do(h, http.MethodGet, "go.alpha.com", pathAASA, nil)
				etag := rec.Header().Get("ETag")
				if rec.Code != http.StatusOK || valid[etag] != rec.Body.String() {
					errs <- fmt.Sprintf("%d ETag %s body %q", rec.Code, etag, rec.Body.String())
				}
			}
		})
	}
	for i := range 500 {
		s.snap.Store(snaps[i%2])
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("torn answer during swap: %s", e)
	}
}

// TestRequestPinsSnapshot holds a request open across a reload: it must
// keep the site and the configuration it started with, while a new
// request sees the new configuration.
func TestRequestPinsSnapshot(t *testing.T) {
	oldSnap := mustSnapshot(t, nil, versionedSite(1))
	newSnap := mustSnapshot(t, nil, versionedSite(2))
	s := newServer(Options{}, oldSnap)

	started, swapped := make(chan struct{}), make(chan struct{})
	s.public.GET("/hold", func(c echo.Context) error {
		close(started)
		<-swapped
		return c.String(http.StatusOK, fmt.Sprintf("%s %v", siteOf(c).WellKnown.AASA.ETag, snapshotOf(c) == oldSnap))
	})

	done := make(chan string)
	go func() {
		req := httptest.NewRequest(http.MethodGet, "/hold", nil)
		req.Host = "go.alpha.com"
		done <- serve(s.Public(), req).Body.String()
	}()
	<-started
	s.snap.Store(newSnap)
	if got := do(s.Public(), http.MethodGet, "go.alpha.com", pathAASA, nil).Header().Get("ETag"); got != `"v2"` {
		t.Errorf("new request after the reload: ETag %s; want \"v2\"", got)
	}
	close(swapped)
	if got, want := <-done, `"v1" true`; got != want {
		t.Errorf("request open across the reload = %q; want %q", got, want)
	}
}
