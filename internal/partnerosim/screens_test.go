package partnerosim

import (
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCustomerStats(t *testing.T) {
	s, _ := newSim(t, func(o *Options) { o.ReferralURL = "https://go.example.com/?src=app" })
	for _, u := range []string{"f1", "f2"} {
		must(t, s, http.MethodPost, "/v1/customers", rafKey, `{"key":"`+u+`","referring_customer":{"key":"ref_1"}}`, http.StatusCreated)
	}
	if err := s.AddClicks("raf", "ref_1", 12); err != nil {
		t.Fatalf("AddClicks: %v", err)
	}
	link := "https://go.example.com/?ref=ref_1&src=app"
	esc := "https%3A%2F%2Fgo.example.com%2F%3Fref%3Dref_1%26src%3Dapp"
	tests := []struct {
		name       string
		target     string
		wantStatus int
		want       stats
	}{
		{"referrer", "/v1/customers/ref_1/stats", http.StatusOK, stats{
			ReferralLink: link, Clicks: 12, Signups: 2,
			SocialShareLinks: shareLinks{
				Facebook: "https://www.facebook.com/sharer/sharer.php?u=" + esc,
				X:        "https://x.com/intent/post?url=" + esc,
				LinkedIn: "https://www.linkedin.com/sharing/share-offsite/?url=" + esc,
				Email:    "mailto:?body=" + esc,
			},
		}},
		{"unknown", "/v1/customers/nobody/stats", http.StatusNotFound, stats{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, s, http.MethodGet, tt.target, rafKey, "")
			if rec.Code != tt.wantStatus {
				t.Fatalf("GET %s = %d; want %d", tt.target, rec.Code, tt.wantStatus)
			}
			if diff := cmp.Diff(tt.want, decode[stats](t, rec).Data); diff != "" {
				t.Errorf("GET %s (-want +got):\n%s", tt.target, diff)
			}
		})
	}
}

func TestCustomerBalance(t *testing.T) {
	tests := []struct {
		name        string
		credits     []string
		wantBalance string
	}{
		{"none", nil, "0"},
		{"exact decimals", []string{"0.1", "0.2"}, "0.3"},
		{"keeps the finest scale", []string{"2.50", "1"}, "3.5"},
		{"exponent", []string{"1e2", "-0.25"}, "99.75"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newSim(t, nil)
			for _, c := range tt.credits {
				must(t, s, http.MethodPost, "/v1/customers/ref_1/balance/credit", rafKey, `{"amount":`+c+`}`, http.StatusOK)
			}
			rec := must(t, s, http.MethodGet, "/v1/customers/ref_1/balance", rafKey, "", http.StatusOK)
			want := fmt.Sprintf(`{"data":{"balance":%s,"currency":"USD"},"status":1}`+"\n", tt.wantBalance)
			if got := rec.Body.String(); got != want {
				t.Errorf("GET balance after %v = %s; want %s", tt.credits, got, want)
			}
		})
	}
}

func TestBalanceErrors(t *testing.T) {
	tests := []struct {
		name       string
		method     string
		target     string
		body       string
		wantStatus int
		wantErrors map[string][]string
	}{
		{"unknown customer", http.MethodGet, "/v1/customers/nobody/balance", "", http.StatusNotFound, nil},
		{"credit unknown customer", http.MethodPost, "/v1/customers/nobody/balance/credit", `{"amount":1}`, http.StatusNotFound, nil},
		{"credit without amount", http.MethodPost, "/v1/customers/ref_1/balance/credit", `{}`, http.StatusUnprocessableEntity,
			map[string][]string{"amount": {"The amount field is required."}}},
		{"credit a string", http.MethodPost, "/v1/customers/ref_1/balance/credit", `{"amount":"5"}`, http.StatusUnprocessableEntity,
			map[string][]string{"amount": {"The amount must be a number."}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newSim(t, nil)
			rec := do(t, s, tt.method, tt.target, rafKey, tt.body)
			if rec.Code != tt.wantStatus {
				t.Fatalf("%s %s = %d; want %d", tt.method, tt.target, rec.Code, tt.wantStatus)
			}
			if diff := cmp.Diff(tt.wantErrors, decode[any](t, rec).Errors); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCustomerReferrals(t *testing.T) {
	s, _ := newSim(t, nil)
	must(t, s, http.MethodPost, "/v1/customers", rafKey, `{"key":"ref_2"}`, http.StatusCreated)
	for i := range 3 {
		must(t, s, http.MethodPost, "/v1/customers", rafKey,
			fmt.Sprintf(`{"key":"f%d","name":"F%d","referring_customer":{"key":"ref_1"}}`, i, i), http.StatusCreated)
	}
	must(t, s, http.MethodPost, "/v1/customers", rafKey, `{"key":"g0","referring_customer":{"key":"ref_2"}}`, http.StatusCreated)
	tests := []struct {
		name       string
		target     string
		wantStatus int
		wantKeys   []string
		wantMeta   *pageMeta
	}{
		{"all", "/v1/customers/ref_1/referrals", http.StatusOK, []string{"f0", "f1", "f2"},
			&pageMeta{CurrentPage: 1, From: intp(1), LastPage: 1, PerPage: 10, To: intp(3), Total: 3}},
		{"second page", "/v1/customers/ref_1/referrals?limit=2&page=2", http.StatusOK, []string{"f2"},
			&pageMeta{CurrentPage: 2, From: intp(3), LastPage: 2, PerPage: 2, To: intp(3), Total: 3}},
		{"other referrer", "/v1/customers/ref_2/referrals", http.StatusOK, []string{"g0"},
			&pageMeta{CurrentPage: 1, From: intp(1), LastPage: 1, PerPage: 10, To: intp(1), Total: 1}},
		{"none", "/v1/customers/f0/referrals", http.StatusOK, nil,
			&pageMeta{CurrentPage: 1, LastPage: 1, PerPage: 10, Total: 0}},
		{"unknown", "/v1/customers/nobody/referrals", http.StatusNotFound, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, s, http.MethodGet, tt.target, rafKey, "")
			if rec.Code != tt.wantStatus {
				t.Fatalf("GET %s = %d; want %d", tt.target, rec.Code, tt.wantStatus)
			}
			w := decode[[]Customer](t, rec)
			var keys []string
			for _, c := range w.Data {
				keys = append(keys, c.Key)
			}
			if diff := cmp.Diff(tt.wantKeys, keys); diff != "" {
				t.Errorf("referral keys (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantMeta, w.Meta); diff != "" {
				t.Errorf("meta (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReferralLink(t *testing.T) {
	tests := []struct {
		base, key, want string
	}{
		{"https://go.example.com/", "ABC", "https://go.example.com/?ref=ABC"},
		{"https://go.example.com/join?x=1", "a b", "https://go.example.com/join?ref=a+b&x=1"},
		{"https://go.example.com/?ref=old", "new", "https://go.example.com/?ref=new"},
	}
	for _, tt := range tests {
		if got := referralLink(tt.base, tt.key); got != tt.want {
			t.Errorf("referralLink(%q, %q) = %q; want %q", tt.base, tt.key, got, tt.want)
		}
	}
}

func TestDecimal(t *testing.T) {
	tests := []struct {
		in   string
		want json.Number
	}{
		{"0", "0"}, {"25", "25"}, {"25.0", "25"}, {"0.125", "0.125"}, {"-3.10", "-3.1"}, {"1e-3", "0.001"},
	}
	for _, tt := range tests {
		r, _ := new(big.Rat).SetString(tt.in)
		if got := decimal(r); got != tt.want {
			t.Errorf("decimal(%s) = %s; want %s", tt.in, got, tt.want)
		}
	}
}
