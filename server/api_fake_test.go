package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/deeplinkd/deeplinkd/internal/apperr"
	"github.com/deeplinkd/deeplinkd/internal/attribution"
)

// API tokens of the API tests: one per program.
const (
	apiTokenMain    = "api-main-token-3b9f0d7e2c41"
	apiTokenFriends = "api-friends-token-8e2a6c1f"
)

// apiCall is one call the fake services saw.
type apiCall struct {
	Method  string
	Program string
	Body    string
	ID      string
	Status  string
	Cursor  string
	Limit   int
}

// fakeEvents is an EventService that records its calls and answers with
// what the test set.
type fakeEvents struct {
	mu    sync.Mutex
	calls []apiCall

	view    attribution.EventView
	created bool
	list    []attribution.EventView
	next    string
	err     error
}

func (f *fakeEvents) record(c apiCall) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, c)
}

func (f *fakeEvents) Calls() []apiCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]apiCall(nil), f.calls...)
}

func (f *fakeEvents) accept(method, program string, body []byte) (attribution.EventView, bool, error) {
	f.record(apiCall{Method: method, Program: program, Body: string(body)})
	if f.err != nil {
		return attribution.EventView{}, false, f.err
	}
	return f.view, f.created, nil
}

func (f *fakeEvents) Signup(_ context.Context, program string, body []byte) (attribution.EventView, bool, error) {
	return f.accept("Signup", program, body)
}

func (f *fakeEvents) Purchase(_ context.Context, program string, body []byte) (attribution.EventView, bool, error) {
	return f.accept("Purchase", program, body)
}

func (f *fakeEvents) Refund(_ context.Context, program string, body []byte) (attribution.EventView, bool, error) {
	return f.accept("Refund", program, body)
}

func (f *fakeEvents) Event(_ context.Context, program, id string) (attribution.EventView, error) {
	f.record(apiCall{Method: "Event", Program: program, ID: id})
	return f.view, f.err
}

func (f *fakeEvents) Events(_ context.Context, program, status, cursor string, limit int) ([]attribution.EventView, string, error) {
	f.record(apiCall{Method: "Events", Program: program, Status: status, Cursor: cursor, Limit: limit})
	return f.list, f.next, f.err
}

func (f *fakeEvents) Retry(_ context.Context, program, id string) (attribution.EventView, error) {
	f.record(apiCall{Method: "Retry", Program: program, ID: id})
	return f.view, f.err
}

// fakeCustomers is a CustomerReader answering data or err.
type fakeCustomers struct {
	mu    sync.Mutex
	calls []apiCall
	data  json.RawMessage
	err   error
}

func (f *fakeCustomers) read(method, program, key string) (json.RawMessage, error) {
	f.mu.Lock()
	f.calls = append(f.calls, apiCall{Method: method, Program: program, ID: key})
	f.mu.Unlock()
	return f.data, f.err
}

func (f *fakeCustomers) Stats(_ context.Context, program, key string) (json.RawMessage, error) {
	return f.read("Stats", program, key)
}

func (f *fakeCustomers) Balance(_ context.Context, program, key string) (json.RawMessage, error) {
	return f.read("Balance", program, key)
}

func (f *fakeCustomers) Referrals(_ context.Context, program, key string) (json.RawMessage, error) {
	return f.read("Referrals", program, key)
}

// newAPIServer is a Server over siteA (program main) and siteB (program
// friends), with one token per program and the given API services.
func newAPIServer(t testing.TB, events EventService, customers CustomerReader) *testServer {
	t.Helper()
	logs := &syncBuffer{}
	reg := prometheus.NewRegistry()
	a, b := siteA(), siteB()
	a.Program, b.Program = "main", "friends"
	snap := mustSnapshotOf(t, SnapshotSpec{
		Sites:          []Site{a, b},
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
		Tokens: []Token{
			NewToken("backend", "main", apiTokenMain),
			NewToken("friends-backend", "friends", apiTokenFriends),
		},
	})
	srv := newServer(Options{
		Logger:    slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Registry:  reg,
		Events:    events,
		Customers: customers,
	}, snap)
	return &testServer{Server: srv, logs: logs, reg: reg}
}

// apiRequest sends method target with body to the public handler as the
// holder of token (none when ""), with a JSON content type when the body
// is not empty.
func apiRequest(h http.Handler, method, target, token, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Host = "go.alpha.com"
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// errNotFoundEvent is what the service says about another program's id.
var errNotFoundEvent = &apperr.Error{Code: apperr.NotFound, Message: "event not found"}
