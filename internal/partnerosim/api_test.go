package partnerosim

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAuth(t *testing.T) {
	tests := []struct {
		name       string
		header     string
		wantStatus int
	}{
		{"no header", "", http.StatusUnauthorized},
		{"unknown key", "Bearer sk_nope", http.StatusUnauthorized},
		{"basic scheme", "Basic " + affKey, http.StatusUnauthorized},
		{"key without scheme", affKey, http.StatusUnauthorized},
		{"empty bearer", "Bearer ", http.StatusUnauthorized},
		{"valid", "Bearer " + affKey, http.StatusOK},
		{"scheme case-insensitive", "bearer " + affKey, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newSim(t, nil)
			req := httptest.NewRequest(http.MethodGet, "/v1/partners", nil)
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus {
				t.Fatalf("GET /v1/partners with %q = %d; want %d", tt.header, rec.Code, tt.wantStatus)
			}
			if tt.wantStatus == http.StatusUnauthorized {
				if got, want := rec.Body.String(), `{"message":"Unauthenticated."}`+"\n"; got != want {
					t.Errorf("body = %q; want %q", got, want)
				}
			}
			if got := rec.Header().Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type = %q; want application/json", got)
			}
		})
	}
}

func TestKeyScopesProgram(t *testing.T) {
	s, _ := newSim(t, nil)
	must(t, s, http.MethodPost, "/v1/customers", affKey, `{"key":"u1","partner":{"key":"P1"}}`, http.StatusCreated)
	// The other program's key sees none of it.
	must(t, s, http.MethodGet, "/v1/customers/u1", rafKey, "", http.StatusNotFound)
	must(t, s, http.MethodGet, "/v1/customers/u1", affKey, "", http.StatusOK)
	if got := len(s.Customers("raf")); got != 1 {
		t.Errorf("len(Customers(raf)) = %d; want 1 (the seed only)", got)
	}
}

func TestRouting(t *testing.T) {
	tests := []struct {
		name       string
		method     string
		target     string
		wantStatus int
		wantAllow  string
		wantMsg    string
	}{
		{"unknown API path", http.MethodGet, "/v1/nothing", http.StatusNotFound, "", "Not found"},
		{"too deep", http.MethodGet, "/v1/customers/u1/stats/more", http.StatusNotFound, "", "Not found"},
		{"outside /v1", http.MethodGet, "/customers", http.StatusNotFound, "", "Not found"},
		{"root", http.MethodGet, "/", http.StatusNotFound, "", "Not found"},
		{"wrong method", http.MethodPatch, "/v1/customers", http.StatusMethodNotAllowed, "POST, PUT, GET",
			"The PATCH method is not supported for this route. Supported methods: POST, PUT, GET."},
		{"wrong method with key", http.MethodPost, "/v1/transactions/t1", http.StatusMethodNotAllowed, "GET, DELETE",
			"The POST method is not supported for this route. Supported methods: GET, DELETE."},
		{"escaped key", http.MethodGet, "/v1/customers/a%2Fb", http.StatusNotFound, "", "Not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newSim(t, nil)
			rec := do(t, s, tt.method, tt.target, affKey, "")
			if rec.Code != tt.wantStatus {
				t.Fatalf("%s %s = %d; want %d", tt.method, tt.target, rec.Code, tt.wantStatus)
			}
			if got := rec.Header().Get("Allow"); got != tt.wantAllow {
				t.Errorf("Allow = %q; want %q", got, tt.wantAllow)
			}
			if got := decode[any](t, rec).Message; got != tt.wantMsg {
				t.Errorf("message = %q; want %q", got, tt.wantMsg)
			}
		})
	}
}

func TestEscapedPathKey(t *testing.T) {
	s, _ := newSim(t, nil)
	must(t, s, http.MethodPost, "/v1/customers", affKey, `{"key":"a/b c"}`, http.StatusCreated)
	rec := must(t, s, http.MethodGet, "/v1/customers/a%2Fb%20c", affKey, "", http.StatusOK)
	if got := decode[Customer](t, rec).Data.Key; got != "a/b c" {
		t.Errorf("GET /v1/customers/a%%2Fb%%20c key = %q; want %q", got, "a/b c")
	}
}

func TestBodyHandling(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		body        string
		wantStatus  int
		wantErrors  map[string][]string
	}{
		{"malformed JSON", "application/json", `{"key":`, http.StatusBadRequest, nil},
		{"array body", "application/json", `[{"key":"u1"}]`, http.StatusBadRequest, nil},
		{"trailing data", "application/json", `{"key":"u1"} {"key":"u2"}`, http.StatusBadRequest, nil},
		{"string body", "application/json", `"u1"`, http.StatusBadRequest, nil},
		{"form content type", "application/x-www-form-urlencoded", `key=u1`, http.StatusUnsupportedMediaType, nil},
		{"text content type", "text/plain", `{"key":"u1"}`, http.StatusUnsupportedMediaType, nil},
		{"no content type", "", `{"key":"u1"}`, http.StatusUnsupportedMediaType, nil},
		{"json with charset", "application/json; charset=utf-8", `{"key":"u1"}`, http.StatusCreated, nil},
		{"vendor json", "application/vnd.api+json", `{"key":"u1"}`, http.StatusCreated, nil},
		{"empty body", "", "", http.StatusUnprocessableEntity, map[string][]string{"key": {"The key field is required."}}},
		{"too large", "application/json", `{"key":"` + strings.Repeat("x", maxBody) + `"}`, http.StatusRequestEntityTooLarge, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newSim(t, nil)
			req := httptest.NewRequest(http.MethodPost, "/v1/customers", strings.NewReader(tt.body))
			req.Header.Set("Authorization", "Bearer "+affKey)
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus {
				t.Fatalf("POST /v1/customers (%s) = %d %s; want %d", tt.contentType, rec.Code, rec.Body, tt.wantStatus)
			}
			w := decode[any](t, rec)
			if tt.wantStatus >= 400 && w.Message == "" {
				t.Errorf("message is empty; want one on a %d", rec.Code)
			}
			if diff := cmp.Diff(tt.wantErrors, w.Errors); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if tt.wantStatus != http.StatusCreated && len(s.Customers("aff")) != 0 {
				t.Errorf("Customers(aff) = %v; want none after a refused request", s.Customers("aff"))
			}
		})
	}
}
