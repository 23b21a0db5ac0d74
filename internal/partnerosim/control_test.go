package partnerosim

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestControlRequests(t *testing.T) {
	s, clk := newSim(t, nil)
	must(t, s, http.MethodPost, "/v1/customers", affKey, `{"key":"u1","partner":{"key":"P1"}}`, http.StatusCreated)
	clk.Advance(time.Second)
	must(t, s, http.MethodGet, "/v1/customers?limit=5", rafKey, "", http.StatusOK)
	must(t, s, http.MethodGet, "/v1/partners", "sk_wrong", "", http.StatusUnauthorized)
	// Control calls are not API calls and are not recorded.
	must(t, s, http.MethodGet, "/_sim/state", "", "", http.StatusOK)

	rec := must(t, s, http.MethodGet, "/_sim/requests", "", "", http.StatusOK)
	for _, secret := range []string{affKey, rafKey, "sk_wrong"} {
		if strings.Contains(rec.Body.String(), secret) {
			t.Errorf("GET /_sim/requests leaks an API key: %s", rec.Body)
		}
	}
	want := []Request{
		{Time: t0, Method: "POST", Path: "/v1/customers", Program: "aff", Body: `{"key":"u1","partner":{"key":"P1"}}`, Status: 201},
		{Time: t0.Add(time.Second), Method: "GET", Path: "/v1/customers", Query: "limit=5", Program: "raf", Status: 200},
		{Time: t0.Add(time.Second), Method: "GET", Path: "/v1/partners", Status: 401},
	}
	if diff := cmp.Diff(want, decode[[]Request](t, rec).Data); diff != "" {
		t.Errorf("GET /_sim/requests (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, s.Requests()); diff != "" {
		t.Errorf("Requests() (-want +got):\n%s", diff)
	}

	must(t, s, http.MethodDelete, "/_sim/requests", "", "", http.StatusOK)
	if got := s.Requests(); len(got) != 0 {
		t.Errorf("Requests() after DELETE /_sim/requests = %v; want none", got)
	}
}

func TestRequestLogBounded(t *testing.T) {
	s, _ := newSim(t, func(o *Options) { o.MaxRequests = 3; o.RatePerMinute = -1 })
	for _, k := range []string{"a", "b", "c", "d", "e"} {
		must(t, s, http.MethodGet, "/v1/customers/"+k, affKey, "", http.StatusNotFound)
	}
	var paths []string
	for _, r := range s.Requests() {
		paths = append(paths, r.Path)
	}
	if diff := cmp.Diff([]string{"/v1/customers/c", "/v1/customers/d", "/v1/customers/e"}, paths); diff != "" {
		t.Errorf("Requests() keeps (-want +got):\n%s", diff)
	}
}

func TestControlState(t *testing.T) {
	s, _ := newSim(t, nil)
	must(t, s, http.MethodPost, "/v1/customers", affKey, `{"key":"u1","partner":{"key":"P1"}}`, http.StatusCreated)
	must(t, s, http.MethodPost, "/v1/transactions", affKey, `{"key":"t1","amount":49.99,"customer":{"key":"u1"}}`, http.StatusCreated)
	want := map[string]ProgramState{
		"aff": {
			Kind:         Affiliate,
			Partners:     []Partner{{Key: "P1", CreatedAt: t0}},
			Customers:    []Customer{{Key: "u1", Partner: &Ref{Key: "P1"}, CreatedAt: t0, UpdatedAt: t0}},
			Transactions: []Transaction{{Key: "t1", Amount: "49.99", Action: "sale", Customer: Ref{Key: "u1"}, CreatedAt: t0}},
		},
		"raf": {
			Kind:         ReferAFriend,
			Partners:     []Partner{},
			Customers:    []Customer{{Key: "ref_1", CreatedAt: t0, UpdatedAt: t0}},
			Transactions: []Transaction{},
		},
	}
	if diff := cmp.Diff(want, s.State()); diff != "" {
		t.Errorf("State() (-want +got):\n%s", diff)
	}
	rec := must(t, s, http.MethodGet, "/_sim/state", "", "", http.StatusOK)
	if diff := cmp.Diff(want, decode[map[string]ProgramState](t, rec).Data); diff != "" {
		t.Errorf("GET /_sim/state (-want +got):\n%s", diff)
	}
}

func TestControlFault(t *testing.T) {
	tests := []struct {
		name       string
		body       string
		wantStatus int
		wantFault  Fault
		wantAPI    int // status of the next API call
	}{
		{"5xx", `{"mode":"5xx","status":502,"count":1}`, http.StatusOK, Fault{Mode: Fault5xx, Status: 502, Count: 1}, http.StatusBadGateway},
		{"429", `{"mode":"429","retry_after":3}`, http.StatusOK, Fault{Mode: Fault429, RetryAfter: 3}, http.StatusTooManyRequests},
		{"slow", `{"mode":"slow","delay":"1ms"}`, http.StatusOK, Fault{Mode: FaultSlow, Delay: time.Millisecond}, http.StatusOK},
		{"unknown mode", `{"mode":"flaky"}`, http.StatusBadRequest, Fault{}, http.StatusOK},
		{"bad delay", `{"mode":"slow","delay":"soon"}`, http.StatusBadRequest, Fault{}, http.StatusOK},
		{"unknown field", `{"mode":"5xx","code":503}`, http.StatusBadRequest, Fault{}, http.StatusOK},
		{"bad status", `{"mode":"5xx","status":200}`, http.StatusBadRequest, Fault{}, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newSim(t, nil)
			rec := do(t, s, http.MethodPost, "/_sim/fault", "", tt.body)
			if rec.Code != tt.wantStatus {
				t.Fatalf("POST /_sim/fault %s = %d %s; want %d", tt.body, rec.Code, rec.Body, tt.wantStatus)
			}
			if got := s.CurrentFault(); got != tt.wantFault {
				t.Errorf("CurrentFault() = %+v; want %+v", got, tt.wantFault)
			}
			rec = must(t, s, http.MethodGet, "/_sim/fault", "", "", http.StatusOK)
			if diff := cmp.Diff(toFaultJSON(tt.wantFault), decode[faultJSON](t, rec).Data); diff != "" {
				t.Errorf("GET /_sim/fault (-want +got):\n%s", diff)
			}
			must(t, s, http.MethodGet, "/v1/partners", affKey, "", tt.wantAPI)
			must(t, s, http.MethodDelete, "/_sim/fault", "", "", http.StatusOK)
			must(t, s, http.MethodGet, "/v1/partners", affKey, "", http.StatusOK)
		})
	}
}

func TestControlReset(t *testing.T) {
	s, _ := newSim(t, nil)
	must(t, s, http.MethodPost, "/v1/customers", affKey, `{"key":"u1"}`, http.StatusCreated)
	if err := s.AddPartner("aff", "P2"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetFault(Fault{Mode: Fault5xx}); err != nil {
		t.Fatal(err)
	}
	must(t, s, http.MethodPost, "/_sim/reset", "", "", http.StatusOK)
	if got := s.CurrentFault(); got != (Fault{}) {
		t.Errorf("CurrentFault() after reset = %+v; want none", got)
	}
	if got := s.Requests(); len(got) != 0 {
		t.Errorf("Requests() after reset = %v; want none", got)
	}
	if got := s.Customers("aff"); len(got) != 0 {
		t.Errorf("Customers(aff) after reset = %v; want none", got)
	}
	// The seed from Options comes back; runtime additions do not.
	var partners []string
	for _, p := range s.Partners("aff") {
		partners = append(partners, p.Key)
	}
	if diff := cmp.Diff([]string{"P1"}, partners); diff != "" {
		t.Errorf("partners after reset (-want +got):\n%s", diff)
	}
	must(t, s, http.MethodPost, "/v1/customers", affKey, `{"key":"u1","partner":{"key":"P1"}}`, http.StatusCreated)
}

func TestControlSeed(t *testing.T) {
	tests := []struct {
		name       string
		target     string
		body       string
		wantStatus int
		then       func(t *testing.T, s *Sim)
	}{
		{"partner", "/_sim/partners", `{"program":"aff","key":"P7","email":"p7@example.com"}`, http.StatusCreated,
			func(t *testing.T, s *Sim) {
				must(t, s, http.MethodPost, "/v1/customers", affKey, `{"key":"u1","partner":{"key":"P7"}}`, http.StatusCreated)
			}},
		{"duplicate partner", "/_sim/partners", `{"program":"aff","key":"P1"}`, http.StatusBadRequest, nil},
		{"unknown program", "/_sim/partners", `{"program":"nope","key":"P7"}`, http.StatusBadRequest, nil},
		{"unknown field", "/_sim/partners", `{"program":"aff","partner":"P7"}`, http.StatusBadRequest, nil},
		{"customer", "/_sim/customers", `{"program":"raf","key":"ref_7"}`, http.StatusCreated,
			func(t *testing.T, s *Sim) {
				must(t, s, http.MethodPost, "/v1/customers", rafKey, `{"key":"u1","referring_customer":{"key":"ref_7"}}`, http.StatusCreated)
			}},
		{"clicks", "/_sim/clicks", `{"program":"raf","key":"ref_1","count":4}`, http.StatusCreated,
			func(t *testing.T, s *Sim) {
				rec := must(t, s, http.MethodGet, "/v1/customers/ref_1/stats", rafKey, "", http.StatusOK)
				if got := decode[stats](t, rec).Data.Clicks; got != 4 {
					t.Errorf("clicks = %d; want 4", got)
				}
			}},
		{"unknown control path", "/_sim/nothing", `{}`, http.StatusNotFound, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newSim(t, nil)
			rec := do(t, s, http.MethodPost, tt.target, "", tt.body)
			if rec.Code != tt.wantStatus {
				t.Fatalf("POST %s %s = %d %s; want %d", tt.target, tt.body, rec.Code, rec.Body, tt.wantStatus)
			}
			if tt.then != nil {
				tt.then(t, s)
			}
		})
	}
}
