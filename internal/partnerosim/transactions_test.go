package partnerosim

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCreateTransaction(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		name       string
		key        string
		body       string
		wantStatus int
		want       Transaction
		wantErrors map[string][]string
	}{
		{
			name:       "sale",
			key:        affKey,
			body:       `{"key":"txn_789","amount":49.99,"action":"sale","product_id":"pro_plan","product_type":"subscription","customer":{"key":"user_123"}}`,
			wantStatus: http.StatusCreated,
			want: Transaction{Key: "txn_789", Amount: "49.99", Action: "sale", ProductID: "pro_plan",
				ProductType: "subscription", Customer: Ref{Key: "user_123"}, CreatedAt: t0},
		},
		{
			name:       "defaults action, reads flags and extras",
			key:        affKey,
			body:       `{"key":"t1","amount":10,"amount_units":1000,"currency":"EUR","status":"paid","rewardable":1,"rewarded":false,"customer":{"key":"user_123"},"partner":{"key":"P1"}}`,
			wantStatus: http.StatusCreated,
			want: Transaction{Key: "t1", Amount: "10", AmountUnits: "1000", Currency: "EUR", Action: "sale",
				Status: "paid", Rewardable: &yes, Rewarded: &no, Customer: Ref{Key: "user_123"},
				Partner: &Ref{Key: "P1"}, CreatedAt: t0},
		},
		{
			name:       "refer-a-friend",
			key:        rafKey,
			body:       `{"key":"t1","amount":5,"customer":{"key":"ref_1"}}`,
			wantStatus: http.StatusCreated,
			want:       Transaction{Key: "t1", Amount: "5", Action: "sale", Customer: Ref{Key: "ref_1"}, CreatedAt: t0},
		},
		{
			name:       "amount as a string",
			key:        affKey,
			body:       `{"key":"t1","amount":"49.99","customer":{"key":"user_123"}}`,
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: map[string][]string{"amount": {"The amount must be a number."}},
		},
		{
			name:       "amount missing",
			key:        affKey,
			body:       `{"key":"t1","customer":{"key":"user_123"}}`,
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: map[string][]string{"amount": {"The amount field is required."}},
		},
		{
			name:       "unknown customer",
			key:        affKey,
			body:       `{"key":"t1","amount":1,"customer":{"key":"ghost"}}`,
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: map[string][]string{"customer.key": {"The selected customer.key is invalid."}},
		},
		{
			name:       "customer from another program",
			key:        rafKey,
			body:       `{"key":"t1","amount":1,"customer":{"key":"user_123"}}`,
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: map[string][]string{"customer.key": {"The selected customer.key is invalid."}},
		},
		{
			name:       "no customer",
			key:        affKey,
			body:       `{"key":"t1","amount":1}`,
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: map[string][]string{"customer.key": {"The customer.key field is required."}},
		},
		{
			name:       "customer as a bare string",
			key:        affKey,
			body:       `{"key":"t1","amount":1,"customer":"user_123"}`,
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: map[string][]string{"customer": {"The customer must be an array."}},
		},
		{
			name:       "unknown partner",
			key:        affKey,
			body:       `{"key":"t1","amount":1,"customer":{"key":"user_123"},"partner":{"key":"NOPE"}}`,
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: map[string][]string{"partner.key": {"The selected partner.key is invalid."}},
		},
		{
			name:       "duplicate key",
			key:        affKey,
			body:       `{"key":"existing","amount":1,"customer":{"key":"user_123"}}`,
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: map[string][]string{"key": {"The key has already been taken."}},
		},
		{
			name:       "bad flags and no key",
			key:        affKey,
			body:       `{"amount":1,"customer":{"key":"user_123"},"rewardable":"yes","rewarded":2}`,
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: map[string][]string{
				"key":        {"The key field is required."},
				"rewardable": {"The rewardable field must be true or false."},
				"rewarded":   {"The rewarded field must be true or false."},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newSim(t, nil)
			must(t, s, http.MethodPost, "/v1/customers", affKey, `{"key":"user_123","partner":{"key":"P1"}}`, http.StatusCreated)
			must(t, s, http.MethodPost, "/v1/transactions", affKey, `{"key":"existing","amount":1,"customer":{"key":"user_123"}}`, http.StatusCreated)
			prog := s.keys[tt.key]
			before := len(s.Transactions(prog))
			rec := do(t, s, http.MethodPost, "/v1/transactions", tt.key, tt.body)
			if rec.Code != tt.wantStatus {
				t.Fatalf("POST /v1/transactions %s = %d %s; want %d", tt.body, rec.Code, rec.Body, tt.wantStatus)
			}
			w := decode[Transaction](t, rec)
			if diff := cmp.Diff(tt.wantErrors, w.Errors); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			all := s.Transactions(prog)
			if tt.wantStatus != http.StatusCreated {
				if len(all) != before {
					t.Errorf("len(Transactions(%s)) = %d after a 422; want %d", prog, len(all), before)
				}
				return
			}
			if diff := cmp.Diff(tt.want, w.Data); diff != "" {
				t.Errorf("response data (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, all[len(all)-1]); diff != "" {
				t.Errorf("stored transaction (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAmountExact checks that the decimal a client sends is the decimal the
// simulator stores and answers, digit for digit.
func TestAmountExact(t *testing.T) {
	for _, amount := range []string{"49.99", "0.1", "19.90", "1234567890.123456789", "1e2", "-5", "0"} {
		t.Run(amount, func(t *testing.T) {
			s, _ := newSim(t, nil)
			must(t, s, http.MethodPost, "/v1/customers", affKey, `{"key":"u1"}`, http.StatusCreated)
			rec := must(t, s, http.MethodPost, "/v1/transactions", affKey,
				`{"key":"t1","amount":`+amount+`,"customer":{"key":"u1"}}`, http.StatusCreated)
			if got := s.Transactions("aff")[0].Amount.String(); got != amount {
				t.Errorf("stored amount = %s; want %s", got, amount)
			}
			if !strings.Contains(rec.Body.String(), `"amount":`+amount+`,`) {
				t.Errorf("response %s does not carry \"amount\":%s", rec.Body, amount)
			}
			req := s.Requests()[1]
			if !strings.Contains(req.Body, `"amount":`+amount) {
				t.Errorf("recorded body %s does not carry \"amount\":%s", req.Body, amount)
			}
		})
	}
}

func TestTransactionByKey(t *testing.T) {
	tests := []struct {
		name         string
		method       string
		target       string
		wantStatus   int
		wantArchived bool
		wantLeft     int
	}{
		{"get", http.MethodGet, "/v1/transactions/t1", http.StatusOK, false, 1},
		{"get unknown", http.MethodGet, "/v1/transactions/t9", http.StatusNotFound, false, 1},
		{"delete", http.MethodDelete, "/v1/transactions/t1", http.StatusOK, false, 0},
		{"delete unknown", http.MethodDelete, "/v1/transactions/t9", http.StatusNotFound, false, 1},
		{"archive", http.MethodPost, "/v1/transactions/t1/archive", http.StatusOK, true, 1},
		{"archive unknown", http.MethodPost, "/v1/transactions/t9/archive", http.StatusNotFound, false, 1},
		{"revoke archive", http.MethodPost, "/v1/transactions/t1/revoke-archive", http.StatusOK, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newSim(t, nil)
			must(t, s, http.MethodPost, "/v1/customers", affKey, `{"key":"u1"}`, http.StatusCreated)
			must(t, s, http.MethodPost, "/v1/transactions", affKey, `{"key":"t1","amount":49.99,"customer":{"key":"u1"}}`, http.StatusCreated)
			rec := do(t, s, tt.method, tt.target, affKey, "")
			if rec.Code != tt.wantStatus {
				t.Fatalf("%s %s = %d; want %d", tt.method, tt.target, rec.Code, tt.wantStatus)
			}
			w := decode[Transaction](t, rec)
			if tt.wantStatus == http.StatusNotFound {
				if w.Message != msgNotFound {
					t.Errorf("message = %q; want %q", w.Message, msgNotFound)
				}
			} else if w.Data.Key != "t1" || w.Data.Amount != "49.99" || w.Data.Archived != tt.wantArchived {
				t.Errorf("%s %s data = %+v; want t1, 49.99, archived %v", tt.method, tt.target, w.Data, tt.wantArchived)
			}
			if got := len(s.Transactions("aff")); got != tt.wantLeft {
				t.Errorf("len(Transactions) = %d; want %d", got, tt.wantLeft)
			}
		})
	}
}

func TestDeleteThenRecreateTransaction(t *testing.T) {
	s, _ := newSim(t, nil)
	must(t, s, http.MethodPost, "/v1/customers", affKey, `{"key":"u1"}`, http.StatusCreated)
	body := `{"key":"t1","amount":1,"customer":{"key":"u1"}}`
	must(t, s, http.MethodPost, "/v1/transactions", affKey, body, http.StatusCreated)
	must(t, s, http.MethodDelete, "/v1/transactions/t1", affKey, "", http.StatusOK)
	must(t, s, http.MethodDelete, "/v1/transactions/t1", affKey, "", http.StatusNotFound)
	must(t, s, http.MethodPost, "/v1/transactions", affKey, body, http.StatusCreated)
}

func TestListTransactions(t *testing.T) {
	s, _ := newSim(t, nil)
	must(t, s, http.MethodPost, "/v1/customers", affKey, `{"key":"u1"}`, http.StatusCreated)
	for _, k := range []string{"a", "b", "c"} {
		must(t, s, http.MethodPost, "/v1/transactions", affKey, `{"key":"`+k+`","amount":1,"customer":{"key":"u1"}}`, http.StatusCreated)
	}
	rec := must(t, s, http.MethodGet, "/v1/transactions?limit=2", affKey, "", http.StatusOK)
	w := decode[[]Transaction](t, rec)
	var keys []string
	for _, tx := range w.Data {
		keys = append(keys, tx.Key)
	}
	if diff := cmp.Diff([]string{"a", "b"}, keys); diff != "" {
		t.Errorf("GET /v1/transactions?limit=2 keys (-want +got):\n%s", diff)
	}
	if w.Meta == nil || w.Meta.Total != 3 || w.Meta.LastPage != 2 {
		t.Errorf("meta = %+v; want total 3, last page 2", w.Meta)
	}
	must(t, s, http.MethodGet, "/v1/transactions?page=x", affKey, "", http.StatusUnprocessableEntity)
}
