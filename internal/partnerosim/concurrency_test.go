package partnerosim

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// TestConcurrentUse hammers the simulator from many goroutines through a
// real server while others read state and flip faults; run under -race.
func TestConcurrentUse(t *testing.T) {
	const workers, each = 8, 20
	s, _ := newSim(t, func(o *Options) { o.RatePerMinute = -1 })
	srv := newServer(t, s)

	var wg sync.WaitGroup
	errs := make(chan error, workers*each*2)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				ck := fmt.Sprintf("u%d_%d", w, i)
				if err := post(srv, "/v1/customers", `{"key":"`+ck+`","partner":{"key":"P1"}}`, http.StatusCreated); err != nil {
					errs <- err
					continue
				}
				body := fmt.Sprintf(`{"key":"t%d_%d","amount":%d.99,"customer":{"key":%q}}`, w, i, i, ck)
				if err := post(srv, "/v1/transactions", body, http.StatusCreated); err != nil {
					errs <- err
				}
			}
		})
	}
	// Readers and control calls race with the writers.
	stop := make(chan struct{})
	var readers sync.WaitGroup
	readers.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			_ = s.Requests()
			_ = s.Customers("aff")
			_ = s.State()
			_ = s.SetFault(Fault{Mode: FaultNone})
			_ = s.CurrentFault()
		}
	})
	wg.Wait()
	close(stop)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	if got, want := len(s.Customers("aff")), workers*each; got != want {
		t.Errorf("len(Customers) = %d; want %d", got, want)
	}
	if got, want := len(s.Transactions("aff")), workers*each; got != want {
		t.Errorf("len(Transactions) = %d; want %d", got, want)
	}
	if got, want := len(s.Requests()), workers*each*2; got != want {
		t.Errorf("len(Requests) = %d; want %d", got, want)
	}
}

// TestConcurrentDuplicates sends the same key from many goroutines: exactly
// one wins, the rest are told it is taken.
func TestConcurrentDuplicates(t *testing.T) {
	const n = 16
	s, _ := newSim(t, nil)
	srv := newServer(t, s)
	var wg sync.WaitGroup
	statuses := make(chan int, n)
	for range n {
		wg.Go(func() {
			resp, err := srv.do(http.MethodPost, "/v1/customers", `{"key":"same"}`)
			if err != nil {
				t.Error(err)
				return
			}
			statuses <- resp
		})
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for st := range statuses {
		count[st]++
	}
	if count[http.StatusCreated] != 1 || count[http.StatusUnprocessableEntity] != n-1 {
		t.Errorf("statuses = %v; want one 201 and %d 422s", count, n-1)
	}
}

func post(srv *server, path, body string, want int) error {
	got, err := srv.do(http.MethodPost, path, body)
	if err != nil {
		return err
	}
	if got != want {
		return fmt.Errorf("POST %s %s = %d; want %d", path, body, got, want)
	}
	return nil
}

// server is an httptest server around a Sim with the affiliate key.
type server struct {
	url    string
	client *http.Client
}

func newServer(t *testing.T, s *Sim) *server {
	t.Helper()
	ts := httptestServer(t, s)
	return &server{url: ts.URL, client: ts.Client()}
}

func (s *server) do(method, path, body string) (int, error) {
	req, err := http.NewRequest(method, s.url+path, strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+affKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	// Drain so the connection is reused.
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}
