package attribution

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/deeplinkd/deeplinkd/internal/apperr"
	"github.com/deeplinkd/deeplinkd/internal/store"
	"github.com/deeplinkd/deeplinkd/internal/store/sqlite"
	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// testService is a Service over a fresh SQLite file, with a clock the test
// moves and a count of Notify calls.
type testService struct {
	*Service
	store    store.Store
	now      time.Time
	notified int
}

func newTestService(t *testing.T) *testService {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "events.db"))
	if err != nil {
		t.Fatalf("sqlite.Open() = %v", err)
	}
	t.Cleanup(func() { db.Close() })
	ts := &testService{store: db, now: t0}
	ts.Service, err = NewService(Options{Store: db, Now: func() time.Time { return ts.now }, Notify: func() { ts.notified++ }})
	if err != nil {
		t.Fatalf("NewService() = %v", err)
	}
	return ts
}

// accept calls the Service method for typ.
func (ts *testService) accept(ctx context.Context, typ, program, body string) (*store.Event, bool, error) {
	switch typ {
	case store.TypeSignup:
		return ts.Signup(ctx, program, []byte(body))
	case store.TypePurchase:
		return ts.Purchase(ctx, program, []byte(body))
	}
	return ts.Refund(ctx, program, []byte(body))
}

func TestServiceAcceptIsIdempotent(t *testing.T) {
	tests := []struct {
		typ       string
		body      string
		same      string // the same request, spelled differently
		different string // the same natural key, another body
		wantKey   string
		wantCust  string
		wantBody  string
	}{
		{
			typ:       store.TypeSignup,
			body:      `{"referral_key":"P1","customer":{"key":"user_1","email":"a@b.co"}}`,
			same:      `{"customer":{"email":"a@b.co","key":"user_1"},"referral_key":"P1"}`,
			different: `{"referral_key":"P2","customer":{"key":"user_1","email":"a@b.co"}}`,
			wantKey:   "user_1", wantCust: "user_1",
			wantBody: `{"referral_key":"P1","customer":{"key":"user_1","email":"a@b.co"}}`,
		},
		{
			typ:       store.TypePurchase,
			body:      `{"customer_key":"user_1","key":"txn_1","amount":"49.90","currency":"USD"}`,
			same:      `{"customer_key":"user_1","key":"txn_1","amount":49.9,"currency":"USD"}`,
			different: `{"customer_key":"user_1","key":"txn_1","amount":"49.99","currency":"USD"}`,
			wantKey:   "txn_1", wantCust: "user_1",
			wantBody: `{"customer_key":"user_1","key":"txn_1","amount":"49.9","currency":"USD"}`,
		},
		{
			typ:       store.TypeRefund,
			body:      `{"key":"txn_9"}`,
			same:      ` {"key": "txn_9"}`,
			different: "", // a refund body is its key: it cannot differ
			wantKey:   "txn_9", wantCust: "",
			wantBody: `{"key":"txn_9"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.typ, func(t *testing.T) {
			ts := newTestService(t)
			ctx := t.Context()
			first, created, err := ts.accept(ctx, tt.typ, "main", tt.body)
			if err != nil || !created {
				t.Fatalf("%s(%q) = %v, %v; want created", tt.typ, tt.body, created, err)
			}
			want := &store.Event{ID: first.ID, Program: "main", Type: tt.typ, NaturalKey: tt.wantKey, CustomerKey: tt.wantCust,
				BodyHash: first.BodyHash, Payload: []byte(tt.wantBody), Status: store.StatusQueued,
				NextAttemptAt: t0, CreatedAt: t0, UpdatedAt: t0, Seq: first.Seq}
			if diff := cmp.Diff(want, first); diff != "" {
				t.Errorf("%s(%q) event (-want +got):\n%s", tt.typ, tt.body, diff)
			}
			if ts.notified != 1 {
				t.Errorf("Notify called %d times after a new event; want 1", ts.notified)
			}

			ts.now = t0.Add(time.Minute)
			again, created, err := ts.accept(ctx, tt.typ, "main", tt.same)
			if err != nil || created || again.ID != first.ID {
				t.Errorf("%s(%q) again = %v, %v, %v; want id %s, not created", tt.typ, tt.same, again, created, err, first.ID)
			}
			if ts.notified != 1 {
				t.Errorf("Notify called %d times after a repeat; want still 1", ts.notified)
			}

			// The same key in another program is another event.
			other, created, err := ts.accept(ctx, tt.typ, "other", tt.body)
			if err != nil || !created || other.ID == first.ID {
				t.Errorf("%s in another program = %v, %v, %v; want a new event", tt.typ, other, created, err)
			}

			if tt.different == "" {
				return
			}
			_, _, err = ts.accept(ctx, tt.typ, "main", tt.different)
			wantErr := &apiErr{Code: apperr.Conflict, Message: store.ErrBodyMismatch.Reason}
			if diff := cmp.Diff(wantErr, asAPIErr(t, err)); diff != "" {
				t.Errorf("%s(%q) with another body (-want +got):\n%s", tt.typ, tt.different, diff)
			}
		})
	}
}

func TestServiceRejectsBadBodies(t *testing.T) {
	ts := newTestService(t)
	for _, typ := range []string{store.TypeSignup, store.TypePurchase, store.TypeRefund} {
		t.Run(typ, func(t *testing.T) {
			_, _, err := ts.accept(t.Context(), typ, "main", `{"nope":1}`)
			want := bad(400, "nope", `unknown field "nope"`)
			if diff := cmp.Diff(want, asAPIErr(t, err)); diff != "" {
				t.Errorf("%s(bad body) (-want +got):\n%s", typ, diff)
			}
		})
	}
	events, _, err := ts.Events(t.Context(), "main", "", "", 0)
	if err != nil || len(events) != 0 || ts.notified != 0 {
		t.Errorf("after bad bodies: %d events, %d notifies, %v; want none", len(events), ts.notified, err)
	}
}

func TestRefundJoinsThePurchasesCustomer(t *testing.T) {
	ts := newTestService(t)
	ctx := t.Context()
	if _, _, err := ts.Purchase(ctx, "main", []byte(`{"customer_key":"user_7","key":"txn_7","amount":"5"}`)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, program, body, want string
	}{
		{name: "known purchase", program: "main", body: `{"key":"txn_7"}`, want: "user_7"},
		{name: "unknown purchase", program: "main", body: `{"key":"txn_8"}`, want: ""},
		{name: "another program's purchase", program: "other", body: `{"key":"txn_7"}`, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _, err := ts.Refund(ctx, tt.program, []byte(tt.body))
			if err != nil {
				t.Fatalf("Refund(%q) = %v", tt.body, err)
			}
			if e.CustomerKey != tt.want {
				t.Errorf("Refund(%q).CustomerKey = %q; want %q", tt.body, e.CustomerKey, tt.want)
			}
		})
	}
}

func TestServiceEventAndRetry(t *testing.T) {
	ts := newTestService(t)
	ctx := t.Context()
	failed, _, err := ts.Signup(ctx, "main", []byte(`{"customer":{"key":"u1"}}`))
	if err != nil {
		t.Fatal(err)
	}
	failEventOf(t, ts.store, failed.ID)
	queued, _, err := ts.Signup(ctx, "main", []byte(`{"customer":{"key":"u2"}}`))
	if err != nil {
		t.Fatal(err)
	}
	notFound := &apiErr{Code: apperr.NotFound, Message: "event not found"}
	// A token acts only on its own program: another program's id is a 403.
	forbidden := &apiErr{Code: apperr.Forbidden, Message: "event belongs to another program than the token's"}

	t.Run("event", func(t *testing.T) {
		tests := []struct {
			name, program, id string
			wantErr           *apiErr
		}{
			{name: "own", program: "main", id: failed.ID},
			{name: "another program's", program: "other", id: failed.ID, wantErr: forbidden},
			{name: "unknown", program: "main", id: "evt_nope", wantErr: notFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e, err := ts.Event(ctx, tt.program, tt.id)
				if diff := cmp.Diff(tt.wantErr, asAPIErr(t, err)); diff != "" {
					t.Fatalf("Event(%q, %q) (-want +got):\n%s", tt.program, tt.id, diff)
				}
				if err == nil && (e.ID != tt.id || e.Status != store.StatusFailed || e.LastError != "rejected") {
					t.Errorf("Event(%q, %q) = %+v; want the failed event", tt.program, tt.id, e)
				}
			})
		}
	})

	t.Run("retry", func(t *testing.T) {
		tests := []struct {
			name, program, id string
			wantErr           *apiErr
		}{
			{name: "another program's", program: "other", id: failed.ID, wantErr: forbidden},
			{name: "unknown", program: "main", id: "evt_nope", wantErr: notFound},
			{name: "queued", program: "main", id: queued.ID,
				wantErr: &apiErr{Code: apperr.Conflict, Message: "event is queued; only a failed event can be retried"}},
			{name: "failed", program: "main", id: failed.ID},
			{name: "failed again", program: "main", id: failed.ID,
				wantErr: &apiErr{Code: apperr.Conflict, Message: "event is queued; only a failed event can be retried"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := ts.notified
				ts.now = t0.Add(time.Hour)
				e, err := ts.Retry(ctx, tt.program, tt.id)
				if diff := cmp.Diff(tt.wantErr, asAPIErr(t, err)); diff != "" {
					t.Fatalf("Retry(%q, %q) (-want +got):\n%s", tt.program, tt.id, diff)
				}
				wantNotify := before
				if err == nil {
					wantNotify++
					if e.Status != store.StatusQueued || !e.NextAttemptAt.Equal(ts.now) {
						t.Errorf("Retry(%q, %q) = %s due %v; want queued due %v", tt.program, tt.id, e.Status, e.NextAttemptAt, ts.now)
					}
				}
				if ts.notified != wantNotify {
					t.Errorf("Notify called %d times; want %d", ts.notified, wantNotify)
				}
			})
		}
	})
}

func TestServiceEvents(t *testing.T) {
	ts := newTestService(t)
	ctx := t.Context()
	var ids []string
	for _, key := range []string{"u1", "u2", "u3"} {
		e, _, err := ts.Signup(ctx, "main", []byte(`{"customer":{"key":"`+key+`"}}`))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
	}
	failEventOf(t, ts.store, ids[0])
	if _, _, err := ts.Signup(ctx, "other", []byte(`{"customer":{"key":"u1"}}`)); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		status  string
		limit   int
		wantIDs []string
		wantErr *apiErr
	}{
		{name: "all, newest first", wantIDs: []string{ids[2], ids[1], ids[0]}},
		{name: "failed", status: "failed", wantIDs: []string{ids[0]}},
		{name: "queued", status: "queued", wantIDs: []string{ids[2], ids[1]}},
		{name: "delivered", status: "delivered", wantIDs: nil},
		{name: "unknown status", status: "done", wantErr: bad(422, "status", "status must be queued, delivered or failed")},
		{name: "negative limit", limit: -1, wantErr: bad(422, "limit", "limit must not be negative")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events, next, err := ts.Events(ctx, "main", tt.status, "", tt.limit)
			if diff := cmp.Diff(tt.wantErr, asAPIErr(t, err)); diff != "" {
				t.Fatalf("Events(%q) error (-want +got):\n%s", tt.status, diff)
			}
			var got []string
			for _, e := range events {
				got = append(got, e.ID)
			}
			if diff := cmp.Diff(tt.wantIDs, got); diff != "" || next != "" {
				t.Errorf("Events(%q) = %v, next %q (-want +got):\n%s", tt.status, got, next, diff)
			}
		})
	}

	t.Run("pages", func(t *testing.T) {
		var got []string
		cursor := ""
		for range 4 {
			events, next, err := ts.Events(ctx, "main", "", cursor, 2)
			if err != nil {
				t.Fatalf("Events(cursor %q) = %v", cursor, err)
			}
			for _, e := range events {
				got = append(got, e.ID)
			}
			if cursor = next; cursor == "" {
				break
			}
		}
		if diff := cmp.Diff([]string{ids[2], ids[1], ids[0]}, got); diff != "" {
			t.Errorf("paged Events (-want +got):\n%s", diff)
		}
	})

	t.Run("bad cursor", func(t *testing.T) {
		for _, cursor := range []string{"zzz", "!!", store.NextCursor(0)} {
			_, _, err := ts.Events(ctx, "main", "", cursor, 0)
			want := bad(400, "cursor", "cursor is not one this API returned")
			if diff := cmp.Diff(want, asAPIErr(t, err)); diff != "" {
				t.Errorf("Events(cursor %q) (-want +got):\n%s", cursor, diff)
			}
		}
	})
}

// failEventOf marks one event failed, as the outbox does after a
// permanent rejection, and returns any others it claimed to the queue.
func failEventOf(t *testing.T, s store.Store, id string) {
	t.Helper()
	claimed, err := s.Claim(t.Context(), "test", t0, time.Minute, 10)
	if err != nil {
		t.Fatalf("Claim() = %v", err)
	}
	for _, e := range claimed {
		if e.ID == id {
			if err := s.MarkFailed(t.Context(), id, "test", t0, "rejected"); err != nil {
				t.Fatalf("MarkFailed() = %v", err)
			}
			continue
		}
		if err := s.Reschedule(t.Context(), e.ID, "test", t0, ""); err != nil {
			t.Fatalf("Reschedule() = %v", err)
		}
	}
}

func TestView(t *testing.T) {
	delivered := time.Date(2026, 3, 4, 5, 7, 8, 123456000, time.UTC)
	tests := []struct {
		name string
		e    *store.Event
		want string
	}{
		{
			name: "queued",
			e: &store.Event{ID: "evt_a", Type: "signup", Status: "queued", CreatedAt: t0, Program: "main",
				NaturalKey: "user_1", Payload: []byte(`{"secret":"no"}`)},
			want: `{"id":"evt_a","type":"signup","status":"queued","attempts":0,"last_error":"","created_at":"2026-03-04T05:06:07Z","delivered_at":null}`,
		},
		{
			name: "delivered after a retry",
			e: &store.Event{ID: "evt_b", Type: "purchase", Status: "delivered", Attempts: 2, LastError: "partnero: HTTP 503",
				CreatedAt: t0.In(time.FixedZone("CET", 3600)), DeliveredAt: &delivered},
			want: `{"id":"evt_b","type":"purchase","status":"delivered","attempts":2,"last_error":"partnero: HTTP 503","created_at":"2026-03-04T05:06:07Z","delivered_at":"2026-03-04T05:07:08Z"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(View(tt.e))
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("View(%s) = %s; want %s", tt.e.ID, b, tt.want)
			}
		})
	}
}

func TestNewServiceNeedsStore(t *testing.T) {
	if _, err := NewService(Options{}); err == nil {
		t.Error("NewService(no store) = nil error; want one")
	}
}
