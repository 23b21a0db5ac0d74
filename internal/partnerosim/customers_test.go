package partnerosim

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestCreateCustomer(t *testing.T) {
	tests := []struct {
		name       string
		key        string // API key: which program
		setup      func(t *testing.T, s *Sim)
		body       string
		wantStatus int
		want       Customer            // on 201
		wantErrors map[string][]string // on 422
	}{
		{
			name:       "affiliate with partner",
			key:        affKey,
			body:       `{"key":"user_123","email":"ann@example.com","name":"Ann","surname":"Lee","partner":{"key":"P1"}}`,
			wantStatus: http.StatusCreated,
			want: Customer{Key: "user_123", Email: "ann@example.com", Name: "Ann", Surname: "Lee",
				Partner: &Ref{Key: "P1"}, CreatedAt: t0, UpdatedAt: t0},
		},
		{
			name:       "affiliate without partner",
			key:        affKey,
			body:       `{"key":"user_1"}`,
			wantStatus: http.StatusCreated,
			want:       Customer{Key: "user_1", CreatedAt: t0, UpdatedAt: t0},
		},
		{
			name:       "strings trimmed, unknown fields ignored",
			key:        affKey,
			body:       `{"key":"  user_1 ","name":" Ann ","favourite_colour":"blue"}`,
			wantStatus: http.StatusCreated,
			want:       Customer{Key: "user_1", Name: "Ann", CreatedAt: t0, UpdatedAt: t0},
		},
		{
			name:       "unknown partner",
			key:        affKey,
			body:       `{"key":"user_1","partner":{"key":"NOPE"}}`,
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: map[string][]string{"partner.key": {"The selected partner.key is invalid."}},
		},
		{
			name:       "partner without key",
			key:        affKey,
			body:       `{"key":"user_1","partner":{}}`,
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: map[string][]string{"partner.key": {"The partner.key field is required."}},
		},
		{
			name:       "partner not an object",
			key:        affKey,
			body:       `{"key":"user_1","partner":"P1"}`,
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: map[string][]string{"partner": {"The partner must be an array."}},
		},
		{
			name:       "referring_customer in an affiliate program",
			key:        affKey,
			body:       `{"key":"user_1","referring_customer":{"key":"P1"}}`,
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: map[string][]string{"referring_customer": {"The referring customer field is prohibited."}},
		},
		{
			name:       "missing key",
			key:        affKey,
			body:       `{"email":"ann@example.com"}`,
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: map[string][]string{"key": {"The key field is required."}},
		},
		{
			name:       "blank key",
			key:        affKey,
			body:       `{"key":"   "}`,
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: map[string][]string{"key": {"The key field is required."}},
		},
		{
			name:       "numeric key",
			key:        affKey,
			body:       `{"key":123}`,
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: map[string][]string{"key": {"The key must be a string."}},
		},
		{
			name:       "key too long",
			key:        affKey,
			body:       `{"key":"` + strings.Repeat("k", 256) + `"}`,
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: map[string][]string{"key": {"The key must not be greater than 255 characters."}},
		},
		{
			name:       "bad email",
			key:        affKey,
			body:       `{"key":"user_1","email":"not-an-email"}`,
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: map[string][]string{"email": {"The email must be a valid email address."}},
		},
		{
			name:       "email with display name",
			key:        affKey,
			body:       `{"key":"user_1","email":"Ann <ann@example.com>"}`,
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: map[string][]string{"email": {"The email must be a valid email address."}},
		},
		{
			name:       "every error at once",
			key:        affKey,
			body:       `{"email":"x","name":7,"partner":{"key":"NOPE"}}`,
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: map[string][]string{
				"key":         {"The key field is required."},
				"email":       {"The email must be a valid email address."},
				"name":        {"The name must be a string."},
				"partner.key": {"The selected partner.key is invalid."},
			},
		},
		{
			name: "duplicate key",
			key:  affKey,
			setup: func(t *testing.T, s *Sim) {
				must(t, s, http.MethodPost, "/v1/customers", affKey, `{"key":"user_1"}`, http.StatusCreated)
			},
			body:       `{"key":"user_1","partner":{"key":"P1"}}`,
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: map[string][]string{"key": {"The key has already been taken."}},
		},
		{
			name:       "refer-a-friend with referrer",
			key:        rafKey,
			body:       `{"key":"user_456","email":"bob@example.com","name":"Bob","referring_customer":{"key":"ref_1"}}`,
			wantStatus: http.StatusCreated,
			want: Customer{Key: "user_456", Email: "bob@example.com", Name: "Bob",
				ReferringCustomer: &Ref{Key: "ref_1"}, CreatedAt: t0, UpdatedAt: t0},
		},
		{
			name:       "refer-a-friend referrer-to-be",
			key:        rafKey,
			body:       `{"key":"ref_2","name":"Cy"}`,
			wantStatus: http.StatusCreated,
			want:       Customer{Key: "ref_2", Name: "Cy", CreatedAt: t0, UpdatedAt: t0},
		},
		{
			name:       "unknown referrer",
			key:        rafKey,
			body:       `{"key":"user_456","referring_customer":{"key":"nobody"}}`,
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: map[string][]string{"referring_customer.key": {"The selected referring customer.key is invalid."}},
		},
		{
			name:       "self referral",
			key:        rafKey,
			body:       `{"key":"user_456","referring_customer":{"key":"user_456"}}`,
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: map[string][]string{"referring_customer.key": {"The selected referring customer.key is invalid."}},
		},
		{
			name:       "partner in a refer-a-friend program",
			key:        rafKey,
			body:       `{"key":"user_456","partner":{"key":"P1"}}`,
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: map[string][]string{"partner": {"The partner field is prohibited."}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newSim(t, nil)
			if tt.setup != nil {
				tt.setup(t, s)
			}
			prog := s.keys[tt.key]
			before := len(s.Customers(prog))
			rec := do(t, s, http.MethodPost, "/v1/customers", tt.key, tt.body)
			if rec.Code != tt.wantStatus {
				t.Fatalf("POST /v1/customers %s = %d %s; want %d", tt.body, rec.Code, rec.Body, tt.wantStatus)
			}
			w := decode[Customer](t, rec)
			if tt.wantStatus != http.StatusCreated {
				if w.Message != msgInvalid {
					t.Errorf("message = %q; want %q", w.Message, msgInvalid)
				}
				if diff := cmp.Diff(tt.wantErrors, w.Errors); diff != "" {
					t.Errorf("errors (-want +got):\n%s", diff)
				}
				if got := len(s.Customers(prog)); got != before {
					t.Errorf("len(Customers(%s)) = %d after a 422; want %d", prog, got, before)
				}
				return
			}
			if w.Status != 1 {
				t.Errorf("status = %d; want 1", w.Status)
			}
			if diff := cmp.Diff(tt.want, w.Data); diff != "" {
				t.Errorf("response data (-want +got):\n%s", diff)
			}
			all := s.Customers(prog)
			if diff := cmp.Diff(tt.want, all[len(all)-1]); diff != "" {
				t.Errorf("stored customer (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGetCustomer(t *testing.T) {
	s, _ := newSim(t, nil)
	must(t, s, http.MethodPost, "/v1/customers", affKey, `{"key":"u1","name":"Ann","partner":{"key":"P1"}}`, http.StatusCreated)
	tests := []struct {
		name       string
		target     string
		wantStatus int
		want       Customer
	}{
		{"known", "/v1/customers/u1", http.StatusOK,
			Customer{Key: "u1", Name: "Ann", Partner: &Ref{Key: "P1"}, CreatedAt: t0, UpdatedAt: t0}},
		{"unknown", "/v1/customers/u2", http.StatusNotFound, Customer{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, s, http.MethodGet, tt.target, affKey, "")
			if rec.Code != tt.wantStatus {
				t.Fatalf("GET %s = %d; want %d", tt.target, rec.Code, tt.wantStatus)
			}
			w := decode[Customer](t, rec)
			if tt.wantStatus == http.StatusNotFound {
				if w.Message != msgNotFound {
					t.Errorf("message = %q; want %q", w.Message, msgNotFound)
				}
				return
			}
			if diff := cmp.Diff(tt.want, w.Data); diff != "" {
				t.Errorf("GET %s (-want +got):\n%s", tt.target, diff)
			}
		})
	}
}

func TestUpdateCustomer(t *testing.T) {
	tests := []struct {
		name       string
		body       string
		wantStatus int
		wantErrors map[string][]string
		wantKeys   []string // customer keys afterwards, in order
		check      func(t *testing.T, s *Sim)
	}{
		{
			name:       "fields",
			body:       `{"key":"ref_1","update":{"email":"new@example.com","name":"Nia","surname":"Ode"}}`,
			wantStatus: http.StatusOK,
			wantKeys:   []string{"ref_1", "u2"},
			check: func(t *testing.T, s *Sim) {
				got := s.Customers("raf")[0]
				want := Customer{Key: "ref_1", Email: "new@example.com", Name: "Nia", Surname: "Ode",
					CreatedAt: t0, UpdatedAt: t0.Add(time.Hour)}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("updated customer (-want +got):\n%s", diff)
				}
			},
		},
		{
			name:       "rename repoints referrals, transactions and balance",
			body:       `{"key":"ref_1","update":{"key":"ref_9"}}`,
			wantStatus: http.StatusOK,
			wantKeys:   []string{"ref_9", "u2"},
			check: func(t *testing.T, s *Sim) {
				if got := s.Customers("raf")[1].ReferringCustomer; got == nil || got.Key != "ref_9" {
					t.Errorf("u2.ReferringCustomer = %v; want ref_9", got)
				}
				if got := s.Transactions("raf")[0].Customer.Key; got != "ref_9" {
					t.Errorf("t1.Customer.Key = %q; want ref_9", got)
				}
				rec := must(t, s, http.MethodGet, "/v1/customers/ref_9/balance", rafKey, "", http.StatusOK)
				if got := decode[balanceView](t, rec).Data.Balance; got != "5" {
					t.Errorf("balance after rename = %s; want 5", got)
				}
				must(t, s, http.MethodGet, "/v1/customers/ref_1", rafKey, "", http.StatusNotFound)
			},
		},
		{
			name:       "unknown customer",
			body:       `{"key":"nobody","update":{"name":"X"}}`,
			wantStatus: http.StatusNotFound,
			wantKeys:   []string{"ref_1", "u2"},
		},
		{
			name:       "missing update",
			body:       `{"key":"ref_1"}`,
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: map[string][]string{"update": {"The update field is required."}},
			wantKeys:   []string{"ref_1", "u2"},
		},
		{
			name:       "update not an object",
			body:       `{"key":"ref_1","update":"x"}`,
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: map[string][]string{"update": {"The update must be an array."}},
			wantKeys:   []string{"ref_1", "u2"},
		},
		{
			name:       "missing key, bad email",
			body:       `{"update":{"email":"nope"}}`,
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: map[string][]string{
				"key":          {"The key field is required."},
				"update.email": {"The update.email must be a valid email address."},
			},
			wantKeys: []string{"ref_1", "u2"},
		},
		{
			name:       "rename to a taken key",
			body:       `{"key":"ref_1","update":{"key":"u2"}}`,
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: map[string][]string{"update.key": {"The update.key has already been taken."}},
			wantKeys:   []string{"ref_1", "u2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, clk := newSim(t, nil)
			must(t, s, http.MethodPost, "/v1/customers", rafKey, `{"key":"u2","referring_customer":{"key":"ref_1"}}`, http.StatusCreated)
			must(t, s, http.MethodPost, "/v1/transactions", rafKey, `{"key":"t1","amount":10,"customer":{"key":"ref_1"}}`, http.StatusCreated)
			must(t, s, http.MethodPost, "/v1/customers/ref_1/balance/credit", rafKey, `{"amount":5}`, http.StatusOK)
			clk.Advance(time.Hour)
			rec := do(t, s, http.MethodPut, "/v1/customers", rafKey, tt.body)
			if rec.Code != tt.wantStatus {
				t.Fatalf("PUT /v1/customers %s = %d %s; want %d", tt.body, rec.Code, rec.Body, tt.wantStatus)
			}
			if diff := cmp.Diff(tt.wantErrors, decode[any](t, rec).Errors); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			var keys []string
			for _, c := range s.Customers("raf") {
				keys = append(keys, c.Key)
			}
			if diff := cmp.Diff(tt.wantKeys, keys); diff != "" {
				t.Errorf("customer keys (-want +got):\n%s", diff)
			}
			if tt.check != nil {
				tt.check(t, s)
			}
		})
	}
}

func TestDeleteCustomer(t *testing.T) {
	tests := []struct {
		name       string
		target     string
		wantStatus int
		wantKeys   []string
		wantTxns   int
	}{
		{"known, with its transactions", "/v1/customers/u1", http.StatusOK, []string{"u2"}, 1},
		{"unknown", "/v1/customers/u3", http.StatusNotFound, []string{"u1", "u2"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newSim(t, nil)
			for i, u := range []string{"u1", "u2"} {
				must(t, s, http.MethodPost, "/v1/customers", affKey, `{"key":"`+u+`"}`, http.StatusCreated)
				must(t, s, http.MethodPost, "/v1/transactions", affKey,
					fmt.Sprintf(`{"key":"t%d","amount":1,"customer":{"key":%q}}`, i, u), http.StatusCreated)
			}
			rec := do(t, s, http.MethodDelete, tt.target, affKey, "")
			if rec.Code != tt.wantStatus {
				t.Fatalf("DELETE %s = %d; want %d", tt.target, rec.Code, tt.wantStatus)
			}
			var keys []string
			for _, c := range s.Customers("aff") {
				keys = append(keys, c.Key)
			}
			if diff := cmp.Diff(tt.wantKeys, keys); diff != "" {
				t.Errorf("customers after DELETE (-want +got):\n%s", diff)
			}
			if got := len(s.Transactions("aff")); got != tt.wantTxns {
				t.Errorf("len(Transactions) = %d; want %d", got, tt.wantTxns)
			}
		})
	}
}

func TestListCustomers(t *testing.T) {
	s, _ := newSim(t, nil)
	for i := range 25 {
		must(t, s, http.MethodPost, "/v1/customers", affKey, fmt.Sprintf(`{"key":"u%02d"}`, i), http.StatusCreated)
	}
	tests := []struct {
		name       string
		query      string
		wantStatus int
		wantFirst  string
		wantLen    int
		wantMeta   *pageMeta
		wantErrors map[string][]string
	}{
		{"default page", "", http.StatusOK, "u00", 10,
			&pageMeta{CurrentPage: 1, From: intp(1), LastPage: 3, PerPage: 10, To: intp(10), Total: 25}, nil},
		{"last page", "?limit=10&page=3", http.StatusOK, "u20", 5,
			&pageMeta{CurrentPage: 3, From: intp(21), LastPage: 3, PerPage: 10, To: intp(25), Total: 25}, nil},
		{"big limit", "?limit=100", http.StatusOK, "u00", 25,
			&pageMeta{CurrentPage: 1, From: intp(1), LastPage: 1, PerPage: 100, To: intp(25), Total: 25}, nil},
		{"past the end", "?limit=10&page=4", http.StatusOK, "", 0,
			&pageMeta{CurrentPage: 4, LastPage: 3, PerPage: 10, Total: 25}, nil},
		{"limit not a number", "?limit=ten", http.StatusUnprocessableEntity, "", 0, nil,
			map[string][]string{"limit": {"The limit must be an integer."}}},
		{"limit too big, page zero", "?limit=101&page=0", http.StatusUnprocessableEntity, "", 0, nil,
			map[string][]string{
				"limit": {"The limit must be between 1 and 100."},
				"page":  {"The page must be between 1 and 1073741824."},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, s, http.MethodGet, "/v1/customers"+tt.query, affKey, "")
			if rec.Code != tt.wantStatus {
				t.Fatalf("GET /v1/customers%s = %d; want %d", tt.query, rec.Code, tt.wantStatus)
			}
			w := decode[[]Customer](t, rec)
			if diff := cmp.Diff(tt.wantErrors, w.Errors); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantMeta, w.Meta); diff != "" {
				t.Errorf("meta (-want +got):\n%s", diff)
			}
			if len(w.Data) != tt.wantLen {
				t.Fatalf("len(data) = %d; want %d", len(w.Data), tt.wantLen)
			}
			if tt.wantLen > 0 && w.Data[0].Key != tt.wantFirst {
				t.Errorf("data[0].key = %q; want %q", w.Data[0].Key, tt.wantFirst)
			}
		})
	}
}
