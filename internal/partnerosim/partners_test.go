package partnerosim

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCreatePartner(t *testing.T) {
	tests := []struct {
		name       string
		body       string
		wantStatus int
		want       Partner
		wantErrors map[string][]string
	}{
		{"with key", `{"key":"P2","email":"pat@example.com","name":"Pat"}`, http.StatusCreated,
			Partner{Key: "P2", Email: "pat@example.com", Name: "Pat", CreatedAt: t0}, nil},
		{"key generated", `{"email":"pat@example.com"}`, http.StatusCreated,
			Partner{Key: "partner_2", Email: "pat@example.com", CreatedAt: t0}, nil},
		{"no email", `{"key":"P2"}`, http.StatusUnprocessableEntity, Partner{},
			map[string][]string{"email": {"The email field is required."}}},
		{"blank email", `{"key":"P2","email":""}`, http.StatusUnprocessableEntity, Partner{},
			map[string][]string{"email": {"The email field is required."}}},
		{"bad email", `{"email":"pat"}`, http.StatusUnprocessableEntity, Partner{},
			map[string][]string{"email": {"The email must be a valid email address."}}},
		{"duplicate key", `{"key":"P1","email":"pat@example.com"}`, http.StatusUnprocessableEntity, Partner{},
			map[string][]string{"key": {"The key has already been taken."}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// partner_1 is taken, so a generated key must skip it.
			s, _ := newSim(t, func(o *Options) { o.Seed.Partners["aff"] = []string{"P1", "partner_1"} })
			rec := do(t, s, http.MethodPost, "/v1/partners", affKey, tt.body)
			if rec.Code != tt.wantStatus {
				t.Fatalf("POST /v1/partners %s = %d %s; want %d", tt.body, rec.Code, rec.Body, tt.wantStatus)
			}
			w := decode[Partner](t, rec)
			if diff := cmp.Diff(tt.wantErrors, w.Errors); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if tt.wantStatus != http.StatusCreated {
				return
			}
			if diff := cmp.Diff(tt.want, w.Data); diff != "" {
				t.Errorf("data (-want +got):\n%s", diff)
			}
			// A created partner can refer customers at once.
			must(t, s, http.MethodPost, "/v1/customers", affKey, `{"key":"u1","partner":{"key":"`+w.Data.Key+`"}}`, http.StatusCreated)
		})
	}
}

func TestGetAndListPartners(t *testing.T) {
	s, _ := newSim(t, nil)
	if err := s.AddPartnerDetails("aff", Partner{Key: "P2", Email: "p2@example.com", Name: "Two"}); err != nil {
		t.Fatalf("AddPartnerDetails: %v", err)
	}
	tests := []struct {
		name       string
		target     string
		wantStatus int
		wantKeys   []string
	}{
		{"get", "/v1/partners/P2", http.StatusOK, []string{"P2"}},
		{"get unknown", "/v1/partners/P9", http.StatusNotFound, nil},
		{"list", "/v1/partners", http.StatusOK, []string{"P1", "P2"}},
		{"list limited", "/v1/partners?limit=1&page=2", http.StatusOK, []string{"P2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, s, http.MethodGet, tt.target, affKey, "")
			if rec.Code != tt.wantStatus {
				t.Fatalf("GET %s = %d; want %d", tt.target, rec.Code, tt.wantStatus)
			}
			var keys []string
			if w := decode[any](t, rec); w.Meta != nil {
				for _, p := range decode[[]Partner](t, rec).Data {
					keys = append(keys, p.Key)
				}
			} else if rec.Code == http.StatusOK {
				keys = append(keys, decode[Partner](t, rec).Data.Key)
			}
			if diff := cmp.Diff(tt.wantKeys, keys); diff != "" {
				t.Errorf("GET %s keys (-want +got):\n%s", tt.target, diff)
			}
		})
	}
}

func TestAddSeedErrors(t *testing.T) {
	s, _ := newSim(t, nil)
	tests := []struct {
		name string
		err  error
	}{
		{"partner in unknown program", s.AddPartner("nope", "P9")},
		{"duplicate partner", s.AddPartner("aff", "P1")},
		{"empty partner key", s.AddPartner("aff", "")},
		{"duplicate customer", s.AddCustomer("raf", "ref_1")},
		{"customer in unknown program", s.AddCustomer("nope", "c")},
		{"clicks for unknown customer", s.AddClicks("raf", "nobody", 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err == nil {
				t.Errorf("%s: error = nil; want one", tt.name)
			}
		})
	}
}
