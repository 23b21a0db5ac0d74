package attribution

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/deeplinkd/deeplinkd/internal/outbox"
	"github.com/deeplinkd/deeplinkd/internal/partnero"
	"github.com/deeplinkd/deeplinkd/internal/partnerosim"
	"github.com/deeplinkd/deeplinkd/internal/store"
	"github.com/google/go-cmp/cmp"
)

// API keys of the simulated programs. They must never show in a Reason.
const (
	mainKey  = "pk_main_SECRET_4f9a1c"
	rafKey   = "pk_raf_SECRET_77d2e0"
	wrongKey = "pk_wrong_SECRET_000000"
)

var secrets = []string{mainKey, rafKey, wrongKey}

// simPrograms is the config the tests' Sender and Reader see.
func simPrograms(name string) (Program, bool) {
	fixed := func(k string) func() string { return func() string { return k } }
	switch name {
	case "main":
		return Program{Type: partnero.Affiliate, APIKey: fixed(mainKey)}, true
	case "raf":
		return Program{Type: partnero.ReferAFriend, APIKey: fixed(rafKey)}, true
	case "wrongkey":
		return Program{Type: partnero.Affiliate, APIKey: fixed(wrongKey)}, true
	case "nokey":
		return Program{Type: partnero.Affiliate, APIKey: fixed("")}, true
	case "nilkey":
		return Program{Type: partnero.Affiliate}, true
	}
	return Program{}, false
}

// newSim starts a simulator with a partner and a customer in "main" and a
// referrer in "raf", and returns it with a client pointed at it.
func newSim(t *testing.T) (*partnerosim.Sim, *partnero.Client) {
	t.Helper()
	sim := partnerosim.New(partnerosim.Options{
		Keys:     map[string]string{mainKey: "main", rafKey: "raf"},
		Programs: map[string]partnerosim.ProgramKind{"main": partnerosim.Affiliate, "raf": partnerosim.ReferAFriend},
		Seed: partnerosim.Seed{
			Partners:  map[string][]string{"main": {"PARTNER1"}},
			Customers: map[string][]string{"main": {"existing"}, "raf": {"REFERRER"}},
		},
		RatePerMinute: -1,
		Now:           func() time.Time { return t0 },
	})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	c, err := partnero.New(partnero.Options{BaseURL: srv.URL, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return sim, c
}

func event(program, typ, payload string) *store.Event {
	return &store.Event{ID: "evt_test", Program: program, Type: typ, Payload: []byte(payload), Attempts: 1}
}

func TestSender(t *testing.T) {
	noKeyReason := `no Partnero API key for program "nokey" yet (set the variable named by programs.nokey.api_key_env)`
	tests := []struct {
		name  string
		setup []*store.Event // sent first, each must be delivered
		fault partnerosim.Fault
		e     *store.Event
		want  outbox.Result
		// reason, when set, must be contained in the Reason.
		reason string
		check  func(t *testing.T, sim *partnerosim.Sim)
	}{
		{
			name: "affiliate signup credits the partner",
			e:    event("main", store.TypeSignup, `{"referral_key":"PARTNER1","customer":{"key":"u1","email":"a@b.co","name":"Ann","surname":"Lee"}}`),
			want: outbox.Result{Outcome: outbox.Delivered},
			check: func(t *testing.T, sim *partnerosim.Sim) {
				c := findCustomer(t, sim, "main", "u1")
				want := partnerosim.Customer{Key: "u1", Email: "a@b.co", Name: "Ann", Surname: "Lee", Partner: &partnerosim.Ref{Key: "PARTNER1"}, CreatedAt: t0, UpdatedAt: t0}
				if diff := cmp.Diff(want, c); diff != "" {
					t.Errorf("customer at Partnero (-want +got):\n%s", diff)
				}
			},
		},
		{
			name: "refer-a-friend signup credits the referring customer",
			e:    event("raf", store.TypeSignup, `{"referral_key":"REFERRER","customer":{"key":"u2"}}`),
			want: outbox.Result{Outcome: outbox.Delivered},
			check: func(t *testing.T, sim *partnerosim.Sim) {
				c := findCustomer(t, sim, "raf", "u2")
				if c.Partner != nil || c.ReferringCustomer == nil || c.ReferringCustomer.Key != "REFERRER" {
					t.Errorf("customer u2 = %+v; want referred by customer REFERRER only", c)
				}
			},
		},
		{
			name: "unattributed signup",
			e:    event("main", store.TypeSignup, `{"referral_key":"","customer":{"key":"u3"}}`),
			want: outbox.Result{Outcome: outbox.Delivered},
			check: func(t *testing.T, sim *partnerosim.Sim) {
				if c := findCustomer(t, sim, "main", "u3"); c.Partner != nil || c.ReferringCustomer != nil {
					t.Errorf("customer u3 = %+v; want no referrer", c)
				}
			},
		},
		{
			name: "duplicate signup counts as delivered",
			e:    event("main", store.TypeSignup, `{"referral_key":"","customer":{"key":"existing"}}`),
			want: outbox.Result{Outcome: outbox.Delivered},
		},
		{
			name:   "unknown partner fails with Partnero's reason",
			e:      event("main", store.TypeSignup, `{"referral_key":"NOBODY","customer":{"key":"u4"}}`),
			want:   outbox.Result{Outcome: outbox.Failed},
			reason: "HTTP 422: The given data was invalid.; partner.key: The selected partner.key is invalid.",
		},
		{
			name: "purchase sends the exact amount and no currency",
			e: event("main", store.TypePurchase,
				`{"customer_key":"existing","key":"t1","amount":"49.9","currency":"EUR","product_id":"pro","product_type":"plan"}`),
			want: outbox.Result{Outcome: outbox.Delivered},
			check: func(t *testing.T, sim *partnerosim.Sim) {
				txs := sim.Transactions("main")
				want := []partnerosim.Transaction{{Key: "t1", Amount: "49.9", Action: "sale", ProductID: "pro", ProductType: "plan",
					Customer: partnerosim.Ref{Key: "existing"}, CreatedAt: t0}}
				if diff := cmp.Diff(want, txs); diff != "" {
					t.Errorf("transactions at Partnero (-want +got):\n%s", diff)
				}
				reqs := sim.Requests()
				if body := reqs[len(reqs)-1].Body; !strings.Contains(body, `"amount":49.9,`) || strings.Contains(body, "currency") {
					t.Errorf("request body %s; want amount 49.9 as a number and no currency", body)
				}
			},
		},
		{
			name:  "duplicate purchase counts as delivered",
			setup: []*store.Event{event("main", store.TypePurchase, `{"customer_key":"existing","key":"t1","amount":"5"}`)},
			e:     event("main", store.TypePurchase, `{"customer_key":"existing","key":"t1","amount":"5"}`),
			want:  outbox.Result{Outcome: outbox.Delivered},
		},
		{
			name:   "purchase of an unknown customer fails",
			e:      event("main", store.TypePurchase, `{"customer_key":"ghost","key":"t2","amount":"5"}`),
			want:   outbox.Result{Outcome: outbox.Failed},
			reason: "customer.key: The selected customer.key is invalid.",
		},
		{
			name:  "refund deletes the transaction",
			setup: []*store.Event{event("main", store.TypePurchase, `{"customer_key":"existing","key":"t3","amount":"5"}`)},
			e:     event("main", store.TypeRefund, `{"key":"t3"}`),
			want:  outbox.Result{Outcome: outbox.Delivered},
			check: func(t *testing.T, sim *partnerosim.Sim) {
				if txs := sim.Transactions("main"); len(txs) != 0 {
					t.Errorf("transactions after the refund = %+v; want none", txs)
				}
			},
		},
		{
			name: "refund of an unknown transaction is already done",
			e:    event("main", store.TypeRefund, `{"key":"never"}`),
			want: outbox.Result{Outcome: outbox.Delivered},
		},
		{
			name:   "server error retries",
			fault:  partnerosim.Fault{Mode: partnerosim.Fault5xx, Status: 503},
			e:      event("main", store.TypeSignup, `{"referral_key":"","customer":{"key":"u5"}}`),
			want:   outbox.Result{Outcome: outbox.Retry},
			reason: "HTTP 503",
		},
		{
			name:   "rate limit retries after Retry-After",
			fault:  partnerosim.Fault{Mode: partnerosim.Fault429, RetryAfter: 7},
			e:      event("main", store.TypePurchase, `{"customer_key":"existing","key":"t4","amount":"5"}`),
			want:   outbox.Result{Outcome: outbox.Retry, RateLimited: true, RetryAfter: 7 * time.Second},
			reason: "HTTP 429",
		},
		{
			name:  "connection dropped retries",
			fault: partnerosim.Fault{Mode: partnerosim.FaultDown},
			e:     event("main", store.TypeRefund, `{"key":"t5"}`),
			want:  outbox.Result{Outcome: outbox.Retry},
		},
		{
			name:   "rejected API key retries until fixed",
			e:      event("wrongkey", store.TypeSignup, `{"referral_key":"","customer":{"key":"u6"}}`),
			want:   outbox.Result{Outcome: outbox.Retry},
			reason: "HTTP 401",
		},
		{
			name:   "no API key waits",
			e:      event("nokey", store.TypeSignup, `{"referral_key":"","customer":{"key":"u7"}}`),
			want:   outbox.Result{Outcome: outbox.Retry},
			reason: noKeyReason,
		},
		{
			name:   "no API key func waits",
			e:      event("nilkey", store.TypeSignup, `{"referral_key":"","customer":{"key":"u7"}}`),
			want:   outbox.Result{Outcome: outbox.Retry},
			reason: `no Partnero API key for program "nilkey" yet`,
		},
		{
			name:   "unknown program waits",
			e:      event("gone", store.TypeSignup, `{"referral_key":"","customer":{"key":"u8"}}`),
			want:   outbox.Result{Outcome: outbox.Retry},
			reason: `program "gone" is not in the config`,
		},
		{
			name:   "undecodable payload fails",
			e:      event("main", store.TypeSignup, `{"customer":`),
			want:   outbox.Result{Outcome: outbox.Failed},
			reason: "stored signup event evt_test has an unreadable payload",
		},
		{
			name:   "payload of the wrong shape fails",
			e:      event("main", store.TypePurchase, `{"customer_key":"existing","key":"t6","amount":5}`),
			want:   outbox.Result{Outcome: outbox.Failed},
			reason: "stored purchase event evt_test has an unreadable payload",
		},
		{
			name:   "payload without a key fails",
			e:      event("main", store.TypeRefund, `{}`),
			want:   outbox.Result{Outcome: outbox.Failed},
			reason: "stored refund event evt_test has no key in its payload",
		},
		{
			name:   "payload with a bad amount fails",
			e:      event("main", store.TypePurchase, `{"customer_key":"existing","key":"t7","amount":"1e3"}`),
			want:   outbox.Result{Outcome: outbox.Failed},
			reason: "stored purchase event evt_test has an unusable amount",
		},
		{
			name:   "unknown event type fails",
			e:      event("main", "payout", `{"key":"x"}`),
			want:   outbox.Result{Outcome: outbox.Failed},
			reason: `stored event evt_test has unknown type "payout"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim, client := newSim(t)
			s := NewSender(client, simPrograms)
			for _, e := range tt.setup {
				if res := s.Send(t.Context(), e); res.Outcome != outbox.Delivered {
					t.Fatalf("setup Send(%s) = %+v; want delivered", e.Payload, res)
				}
			}
			if err := sim.SetFault(tt.fault); err != nil {
				t.Fatal(err)
			}
			got := s.Send(t.Context(), tt.e)
			sim.ClearFault()
			if !strings.Contains(got.Reason, tt.reason) || (tt.want.Outcome == outbox.Delivered) != (got.Reason == "") {
				t.Errorf("Send(%s).Reason = %q; want one containing %q", tt.e.Payload, got.Reason, tt.reason)
			}
			for _, k := range secrets {
				if strings.Contains(got.Reason, k) {
					t.Errorf("Send(%s).Reason = %q leaks an API key", tt.e.Payload, got.Reason)
				}
			}
			got.Reason = ""
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Send(%s) (-want +got):\n%s", tt.e.Payload, diff)
			}
			if tt.check != nil {
				tt.check(t, sim)
			}
		})
	}
}

func findCustomer(t *testing.T, sim *partnerosim.Sim, program, key string) partnerosim.Customer {
	t.Helper()
	for _, c := range sim.Customers(program) {
		if c.Key == key {
			return c
		}
	}
	t.Fatalf("customer %q not at Partnero (program %s)", key, program)
	return partnerosim.Customer{}
}

// TestSenderNotFound covers a 404 on every call, which the simulator
// never gives for a create: only a refund takes it as done.
func TestSenderNotFound(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"message":"Not found"}`)
	}))
	t.Cleanup(srv.Close)
	client, err := partnero.New(partnero.Options{BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	s := NewSender(client, simPrograms)
	tests := []struct {
		e    *store.Event
		want outbox.Result
	}{
		{event("main", store.TypeSignup, `{"referral_key":"","customer":{"key":"u1"}}`),
			outbox.Result{Outcome: outbox.Failed, Reason: "partnero: create customer: HTTP 404: Not found"}},
		{event("main", store.TypePurchase, `{"customer_key":"u1","key":"t1","amount":"1"}`),
			outbox.Result{Outcome: outbox.Failed, Reason: "partnero: create transaction: HTTP 404: Not found"}},
		{event("main", store.TypeRefund, `{"key":"t1"}`), outbox.Result{Outcome: outbox.Delivered}},
	}
	for _, tt := range tests {
		t.Run(tt.e.Type, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, s.Send(t.Context(), tt.e)); diff != "" {
				t.Errorf("Send(%s) (-want +got):\n%s", tt.e.Payload, diff)
			}
		})
	}
}

// TestSenderReadsTheKeyAtSendTime shows that a reload which sets the key
// lets the queued event through on its next attempt.
func TestSenderReadsTheKeyAtSendTime(t *testing.T) {
	sim, client := newSim(t)
	var key atomic.Value
	key.Store("")
	s := NewSender(client, func(name string) (Program, bool) {
		return Program{Type: partnero.Affiliate, APIKey: func() string { return key.Load().(string) }}, name == "main"
	})
	e := event("main", store.TypeSignup, `{"referral_key":"PARTNER1","customer":{"key":"late"}}`)
	if got := s.Send(t.Context(), e); got.Outcome != outbox.Retry {
		t.Fatalf("Send without a key = %+v; want retry", got)
	}
	key.Store(mainKey)
	if got := s.Send(t.Context(), e); got.Outcome != outbox.Delivered {
		t.Fatalf("Send after the key was set = %+v; want delivered", got)
	}
	findCustomer(t, sim, "main", "late")
}

// TestSenderScrubsTheKey proves the last guard: even an upstream that
// echoes the key into its error cannot get it into a Reason.
func TestSenderScrubsTheKey(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"message":"bad key `+strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")+`"}`)
	}))
	t.Cleanup(srv.Close)
	client, err := partnero.New(partnero.Options{BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	got := NewSender(client, simPrograms).Send(t.Context(), event("main", store.TypeRefund, `{"key":"t1"}`))
	want := outbox.Result{Outcome: outbox.Failed, Reason: "partnero: delete transaction: HTTP 400: bad key <secret>"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Send (-want +got):\n%s", diff)
	}
}
