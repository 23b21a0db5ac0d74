package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/deeplinkd/deeplinkd/internal/apperr"
	"github.com/deeplinkd/deeplinkd/internal/attribution"
)

var queuedView = attribution.EventView{ID: "evt_one", Type: "signup", Status: "queued", CreatedAt: "2026-03-04T05:06:07Z"}

// TestAPIAccept covers the three accepting routes: the status for a new
// and a repeated event, the body and program handed to the service, and
// the Location of a new event.
func TestAPIAccept(t *testing.T) {
	tests := []struct {
		name         string
		path         string
		token        string
		created      bool
		wantMethod   string
		wantProgram  string
		wantStatus   int
		wantLocation string
	}{
		{"signup created", "/api/v1/signups", apiTokenMain, true, "Signup", "main", 202, "/api/v1/events/evt_one"},
		{"signup repeated", "/api/v1/signups", apiTokenMain, false, "Signup", "main", 200, ""},
		{"purchase created", "/api/v1/purchases", apiTokenMain, true, "Purchase", "main", 202, "/api/v1/events/evt_one"},
		{"refund repeated", "/api/v1/refunds", apiTokenMain, false, "Refund", "main", 200, ""},
		{"other program's token", "/api/v1/signups", apiTokenFriends, true, "Signup", "friends", 202, "/api/v1/events/evt_one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events := &fakeEvents{view: queuedView, created: tt.created}
			h := newAPIServer(t, events, nil).Public()
			body := `{"any":"body the service judges"}`
			rec := apiRequest(h, http.MethodPost, tt.path, tt.token, body)
			if rec.Code != tt.wantStatus {
				t.Fatalf("POST %s = %d %s; want %d", tt.path, rec.Code, rec.Body, tt.wantStatus)
			}
			if got, want := rec.Body.String(), `{"id":"evt_one","status":"queued"}`+"\n"; got != want {
				t.Errorf("POST %s body = %q; want %q", tt.path, got, want)
			}
			if got := rec.Header().Get("Location"); got != tt.wantLocation {
				t.Errorf("POST %s Location = %q; want %q", tt.path, got, tt.wantLocation)
			}
			if got := rec.Header().Get("Cache-Control"); got != "no-store" {
				t.Errorf("POST %s Cache-Control = %q; want no-store", tt.path, got)
			}
			want := []apiCall{{Method: tt.wantMethod, Program: tt.wantProgram, Body: body}}
			if diff := cmp.Diff(want, events.Calls()); diff != "" {
				t.Errorf("POST %s service calls (-want +got):\n%s", tt.path, diff)
			}
		})
	}
}

// TestAPIErrors checks the status and exact JSON body of each way a
// request can be refused, and that the service is not called for those
// refused before it.
func TestAPIErrors(t *testing.T) {
	big := `{"pad":"` + strings.Repeat("x", maxBodyBytes) + `"}`
	tests := []struct {
		name        string
		method      string
		path        string
		token       string
		contentType string
		body        string
		chunked     bool
		svcErr      error
		wantStatus  int
		golden      string
		wantCalls   int
	}{
		{"no token", "POST", "/api/v1/signups", "", "application/json", "{}", false, nil, 401, "api_v1_no_token", 0},
		{"unknown token", "GET", "/api/v1/events", "not-a-token-at-all-123", "", "", false, nil, 401, "api_v1_unknown_token", 0},
		{"no content type", "POST", "/api/v1/signups", apiTokenMain, "", "{}", false, nil, 415, "api_v1_415", 0},
		{"form content type", "POST", "/api/v1/purchases", apiTokenMain, "application/x-www-form-urlencoded", "a=b", false, nil, 415, "api_v1_415", 0},
		{"json with charset", "POST", "/api/v1/refunds", apiTokenMain, "application/json; charset=utf-8", "{}", false, nil, 202, "", 1},
		{"too large, declared", "POST", "/api/v1/signups", apiTokenMain, "application/json", big, false, nil, 413, "api_v1_413", 0},
		{"too large, chunked", "POST", "/api/v1/signups", apiTokenMain, "application/json", big, true, nil, 413, "api_v1_413", 0},
		{"unknown field", "POST", "/api/v1/signups", apiTokenMain, "application/json", `{"x":1}`, false,
			apperr.Field(apperr.Malformed, "x", "unknown field %q", "x"), 400, "api_v1_unknown_field", 1},
		{"field invalid", "POST", "/api/v1/signups", apiTokenMain, "application/json", `{}`, false,
			apperr.Field(apperr.Invalid, "customer.email", "customer.email is not an email address"), 422, "api_v1_422", 1},
		{"conflict", "POST", "/api/v1/purchases", apiTokenMain, "application/json", `{}`, false,
			&apperr.Error{Code: apperr.Conflict, Message: "purchase txn_1 was accepted with a different body"}, 409, "api_v1_409", 1},
		{"not found", "GET", "/api/v1/events/evt_other", apiTokenMain, "", "", false, errNotFoundEvent, 404, "api_v1_event_404", 1},
		{"internal error hides its cause", "GET", "/api/v1/events/evt_x", apiTokenMain, "", "", false,
			fmt.Errorf("get event: %w", errors.New("database is locked at /secret/path")), 500, "api_v1_500", 1},
		{"bad limit", "GET", "/api/v1/events?limit=ten", apiTokenMain, "", "", false, nil, 400, "api_v1_bad_limit", 0},
		{"wrong method", "GET", "/api/v1/signups", apiTokenMain, "", "", false, nil, 405, "api_v1_405", 0},
		{"unknown route", "POST", "/api/v1/signup", apiTokenMain, "application/json", "{}", false, nil, 404, "api_v1_no_route", 0},
		{"unknown version", "GET", "/api/v2/events", "", "", "", false, nil, 404, "api_v1_no_route", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events := &fakeEvents{view: queuedView, created: true, err: tt.svcErr}
			ts := newAPIServer(t, events, nil)
			req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
			req.Host = "go.alpha.com"
			if tt.chunked {
				req.ContentLength = -1
			}
			if tt.token != "" {
				req.Header.Set("Authorization", "Bearer "+tt.token)
			}
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			rec := httptest.NewRecorder()
			ts.Public().ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus {
				t.Fatalf("%s %s = %d %s; want %d", tt.method, tt.path, rec.Code, rec.Body, tt.wantStatus)
			}
			if tt.golden != "" {
				if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
					t.Errorf("%s %s Content-Type = %q; want application/json", tt.method, tt.path, ct)
				}
				checkGolden(t, tt.golden, rec.Body.Bytes())
			}
			if got := len(events.Calls()); got != tt.wantCalls {
				t.Errorf("%s %s made %d service calls; want %d", tt.method, tt.path, got, tt.wantCalls)
			}
			for _, secret := range []string{apiTokenMain, "/secret/path", "database is locked"} {
				if strings.Contains(rec.Body.String(), secret) {
					t.Errorf("%s %s body shows %q: %s", tt.method, tt.path, secret, rec.Body)
				}
			}
		})
	}
}

// TestAPIUnauthorizedChallenges checks the 401's WWW-Authenticate.
func TestAPIUnauthorizedChallenges(t *testing.T) {
	rec := apiRequest(newAPIServer(t, &fakeEvents{}, nil).Public(), "GET", "/api/v1/events/evt_1", "", "")
	if got := rec.Header().Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer ") {
		t.Errorf("GET without token WWW-Authenticate = %q; want a Bearer challenge", got)
	}
}

func TestAPIEventReads(t *testing.T) {
	delivered := "2026-03-04T05:07:00Z"
	view := attribution.EventView{ID: "evt_a/b", Type: "purchase", Status: "delivered", Attempts: 2,
		LastError: "partnero: HTTP 503", CreatedAt: "2026-03-04T05:06:07Z", DeliveredAt: &delivered}
	tests := []struct {
		name       string
		method     string
		target     string
		list       []attribution.EventView
		next       string
		wantStatus int
		wantBody   string
		wantCall   apiCall
	}{
		{
			name: "get", method: "GET", target: "/api/v1/events/evt_a%2Fb", wantStatus: 200,
			wantBody: `{"id":"evt_a/b","type":"purchase","status":"delivered","attempts":2,"last_error":"partnero: HTTP 503","created_at":"2026-03-04T05:06:07Z","delivered_at":"2026-03-04T05:07:00Z"}`,
			wantCall: apiCall{Method: "Event", Program: "main", ID: "evt_a/b"},
		},
		{
			name: "retry", method: "POST", target: "/api/v1/events/evt_1/retry", wantStatus: 202,
			wantBody: `{"id":"evt_a/b","type":"purchase","status":"delivered","attempts":2,"last_error":"partnero: HTTP 503","created_at":"2026-03-04T05:06:07Z","delivered_at":"2026-03-04T05:07:00Z"}`,
			wantCall: apiCall{Method: "Retry", Program: "main", ID: "evt_1"},
		},
		{
			name: "list empty", method: "GET", target: "/api/v1/events", wantStatus: 200,
			wantBody: `{"events":[],"next_cursor":null}`,
			wantCall: apiCall{Method: "Events", Program: "main"},
		},
		{
			name: "list with next page", method: "GET", target: "/api/v1/events?status=failed&cursor=c1&limit=2",
			list: []attribution.EventView{queuedView, queuedView}, next: "c2", wantStatus: 200,
			wantBody: `{"events":[{"id":"evt_one","type":"signup","status":"queued","attempts":0,"last_error":"","created_at":"2026-03-04T05:06:07Z","delivered_at":null},` +
				`{"id":"evt_one","type":"signup","status":"queued","attempts":0,"last_error":"","created_at":"2026-03-04T05:06:07Z","delivered_at":null}],"next_cursor":"c2"}`,
			wantCall: apiCall{Method: "Events", Program: "main", Status: "failed", Cursor: "c1", Limit: 2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events := &fakeEvents{view: view, list: tt.list, next: tt.next}
			rec := apiRequest(newAPIServer(t, events, nil).Public(), tt.method, tt.target, apiTokenMain, "")
			if rec.Code != tt.wantStatus {
				t.Fatalf("%s %s = %d %s; want %d", tt.method, tt.target, rec.Code, rec.Body, tt.wantStatus)
			}
			if got := strings.TrimSuffix(rec.Body.String(), "\n"); got != tt.wantBody {
				t.Errorf("%s %s body =\n%s\nwant\n%s", tt.method, tt.target, got, tt.wantBody)
			}
			if diff := cmp.Diff([]apiCall{tt.wantCall}, events.Calls()); diff != "" {
				t.Errorf("%s %s service calls (-want +got):\n%s", tt.method, tt.target, diff)
			}
		})
	}
}

func TestAPICustomers(t *testing.T) {
	tests := []struct {
		name       string
		target     string
		token      string
		data       string
		err        error
		wantStatus int
		wantBody   string
		wantCall   apiCall
	}{
		{"stats", "/api/v1/customers/user_1/stats", apiTokenMain, `{"clicks":3}`, nil, 200,
			`{"data":{"clicks":3}}`, apiCall{Method: "Stats", Program: "main", ID: "user_1"}},
		{"balance list", "/api/v1/customers/user_1/balance", apiTokenFriends, `[{"balance":1}]`, nil, 200,
			`{"data":[{"balance":1}]}`, apiCall{Method: "Balance", Program: "friends", ID: "user_1"}},
		{"referrals of an escaped key", "/api/v1/customers/a%20b%2Fc/referrals", apiTokenMain, `[]`, nil, 200,
			`{"data":[]}`, apiCall{Method: "Referrals", Program: "main", ID: "a b/c"}},
		{"unknown customer", "/api/v1/customers/nobody/stats", apiTokenMain, "", apperr.New(apperr.NotFound, "customer not found"), 404,
			`{"error":{"code":"not_found","message":"customer not found"}}`, apiCall{Method: "Stats", Program: "main", ID: "nobody"}},
		{"partnero throttling", "/api/v1/customers/user_1/balance", apiTokenMain, "",
			&apperr.Error{Code: apperr.UpstreamUnavailable, Message: "Partnero is rate limiting requests; try again later", RetryAfter: 1500e6}, 503,
			`{"error":{"code":"upstream_unavailable","message":"Partnero is rate limiting requests; try again later"}}`,
			apiCall{Method: "Balance", Program: "main", ID: "user_1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			customers := &fakeCustomers{data: json.RawMessage(tt.data), err: tt.err}
			rec := apiRequest(newAPIServer(t, &fakeEvents{}, customers).Public(), "GET", tt.target, tt.token, "")
			if rec.Code != tt.wantStatus {
				t.Fatalf("GET %s = %d %s; want %d", tt.target, rec.Code, rec.Body, tt.wantStatus)
			}
			if got := strings.TrimSuffix(rec.Body.String(), "\n"); got != tt.wantBody {
				t.Errorf("GET %s body = %s; want %s", tt.target, got, tt.wantBody)
			}
			if diff := cmp.Diff([]apiCall{tt.wantCall}, customers.calls); diff != "" {
				t.Errorf("GET %s reader calls (-want +got):\n%s", tt.target, diff)
			}
			if tt.name == "partnero throttling" && rec.Header().Get("Retry-After") != "2" {
				t.Errorf("GET %s Retry-After = %q; want 2 (1.5s rounded up)", tt.target, rec.Header().Get("Retry-After"))
			}
		})
	}
}

// TestAPIWithoutServices: a server built without the attribution API
// answers its routes 503 in the API's shape, never a panic.
func TestAPIWithoutServices(t *testing.T) {
	h := newAPIServer(t, nil, nil).Public()
	for _, tt := range []struct{ method, target, body string }{
		{"POST", "/api/v1/signups", "{}"},
		{"GET", "/api/v1/events", ""},
		{"GET", "/api/v1/events/evt_1", ""},
		{"POST", "/api/v1/events/evt_1/retry", ""},
		{"GET", "/api/v1/customers/u/stats", ""},
	} {
		rec := apiRequest(h, tt.method, tt.target, apiTokenMain, tt.body)
		want := `{"error":{"code":"upstream_unavailable","message":"the attribution API is not available on this instance"}}`
		if rec.Code != 503 || strings.TrimSpace(rec.Body.String()) != want {
			t.Errorf("%s %s = %d %s; want 503 %s", tt.method, tt.target, rec.Code, rec.Body, want)
		}
	}
}

// TestAPILogsNoSecrets: the access log and debug lines of API calls carry
// neither the token nor the bodies.
func TestAPILogsNoSecrets(t *testing.T) {
	ts := newAPIServer(t, &fakeEvents{view: queuedView, created: true}, nil)
	body := `{"customer":{"key":"user_1","email":"ann@example.com"}}`
	apiRequest(ts.Public(), "POST", "/api/v1/signups", apiTokenMain, body)
	apiRequest(ts.Public(), "POST", "/api/v1/signups", "wrong-token-value-0000", body)
	logs := ts.logs.String()
	if !strings.Contains(logs, `"msg":"event accepted"`) || !strings.Contains(logs, `"token":"backend"`) {
		t.Errorf("log lacks the accepted event with its token's name:\n%s", logs)
	}
	for _, secret := range []string{apiTokenMain, "wrong-token-value-0000", "ann@example.com", "user_1"} {
		if strings.Contains(logs, secret) {
			t.Errorf("log shows %q:\n%s", secret, logs)
		}
	}
}

// TestAPIMethodNotAllowed: a route called with another method is a 405
// naming the methods it takes, not a 404.
func TestAPIMethodNotAllowed(t *testing.T) {
	h := newAPIServer(t, &fakeEvents{}, nil).Public()
	tests := []struct{ method, target, wantAllow string }{
		{"GET", "/api/v1/signups", "POST"},
		{"DELETE", "/api/v1/events/evt_1", "GET, HEAD"},
		{"PUT", "/api/v1/resolve", "GET, HEAD"},
		{"GET", "/api/v1/events/evt_1/retry", "POST"},
	}
	for _, tt := range tests {
		rec := apiRequest(h, tt.method, tt.target, apiTokenMain, "")
		if rec.Code != 405 || rec.Header().Get("Allow") != tt.wantAllow {
			t.Errorf("%s %s = %d, Allow %q; want 405, Allow %q", tt.method, tt.target, rec.Code, rec.Header().Get("Allow"), tt.wantAllow)
		}
	}
}
