package store

import (
	"errors"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestNewID(t *testing.T) {
	re := regexp.MustCompile(`^evt_[a-z2-7]{26}$`)
	seen := map[string]bool{}
	for range 1000 {
		id := NewID()
		if !re.MatchString(id) {
			t.Fatalf("NewID() = %q; want %s", id, re)
		}
		if seen[id] {
			t.Fatalf("NewID() repeated %q", id)
		}
		seen[id] = true
	}
}

func TestPrepareInsert(t *testing.T) {
	at := time.Date(2026, 3, 1, 13, 0, 0, 999999999, time.FixedZone("CET", 3600))
	base := func() *Event {
		return &Event{
			Program: "main", Type: TypePurchase, NaturalKey: "txn_1", CustomerKey: "user_1",
			BodyHash: "h", Payload: []byte(`{}`), CreatedAt: at,
			// A caller cannot smuggle in delivery state.
			Status: StatusDelivered, Attempts: 3, LastError: "x", LeaseOwner: "w", LeaseUntil: at, Seq: 7,
		}
	}
	// at in UTC, truncated to microseconds.
	created := time.Date(2026, 3, 1, 12, 0, 0, 999999000, time.UTC)
	want := func(id string, next time.Time) *Event {
		return &Event{
			ID: id, Program: "main", Type: TypePurchase, NaturalKey: "txn_1", CustomerKey: "user_1",
			BodyHash: "h", Payload: []byte(`{}`), Status: StatusQueued,
			NextAttemptAt: next, CreatedAt: created, UpdatedAt: created,
		}
	}
	tests := []struct {
		name    string
		mutate  func(e *Event)
		want    *Event // ID "" means: any NewID
		wantErr bool
	}{
		{name: "defaults", mutate: func(*Event) {}, want: want("", created)},
		{name: "given id and next attempt", mutate: func(e *Event) {
			e.ID = "evt_given"
			e.NextAttemptAt = at.Add(time.Hour)
		}, want: want("evt_given", created.Add(time.Hour))},
		{name: "no program", mutate: func(e *Event) { e.Program = "" }, wantErr: true},
		{name: "unknown type", mutate: func(e *Event) { e.Type = "click" }, wantErr: true},
		{name: "no natural key", mutate: func(e *Event) { e.NaturalKey = "" }, wantErr: true},
		{name: "no body hash", mutate: func(e *Event) { e.BodyHash = "" }, wantErr: true},
		{name: "no payload", mutate: func(e *Event) { e.Payload = nil }, wantErr: true},
		{name: "no created at", mutate: func(e *Event) { e.CreatedAt = time.Time{} }, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := base()
			tt.mutate(in)
			got, err := PrepareInsert(in)
			if tt.wantErr {
				if !errors.Is(err, ErrInvalid) {
					t.Errorf("PrepareInsert() = %v, %v; want ErrInvalid", got, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("PrepareInsert() = %v", err)
			}
			if tt.want.ID == "" {
				tt.want.ID = got.ID
				if len(got.ID) != len(IDPrefix)+26 {
					t.Errorf("PrepareInsert().ID = %q; want a NewID", got.ID)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("PrepareInsert() mismatch (-want +got):\n%s", diff)
			}
			got.Payload[0] = 'X'
			if in.Payload[0] == 'X' {
				t.Errorf("PrepareInsert() shares the caller's payload")
			}
		})
	}
	if _, err := PrepareInsert(nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("PrepareInsert(nil) = %v; want ErrInvalid", err)
	}
}

func TestListQueryPage(t *testing.T) {
	tests := []struct {
		name    string
		q       ListQuery
		want    Page
		wantErr bool
	}{
		{"defaults", ListQuery{Program: "p"}, Page{Program: "p", Limit: DefaultListLimit}, false},
		{"status and limit", ListQuery{Program: "p", Status: StatusFailed, Limit: 7}, Page{Program: "p", Status: StatusFailed, Limit: 7}, false},
		{"limit clamped", ListQuery{Program: "p", Limit: 1000}, Page{Program: "p", Limit: MaxListLimit}, false},
		{"cursor", ListQuery{Program: "p", Cursor: NextCursor(42)}, Page{Program: "p", Before: 42, Limit: DefaultListLimit}, false},
		{"no program", ListQuery{}, Page{}, true},
		{"unknown status", ListQuery{Program: "p", Status: "lost"}, Page{}, true},
		{"negative limit", ListQuery{Program: "p", Limit: -1}, Page{}, true},
		{"cursor not base64", ListQuery{Program: "p", Cursor: "!!"}, Page{}, true},
		{"cursor without prefix", ListQuery{Program: "p", Cursor: "NDI"}, Page{}, true},
		{"cursor not positive", ListQuery{Program: "p", Cursor: NextCursor(0)}, Page{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.q.Page()
			if tt.wantErr {
				if !errors.Is(err, ErrInvalid) {
					t.Errorf("%+v.Page() = %+v, %v; want ErrInvalid", tt.q, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("%+v.Page() = %+v, %v; want %+v", tt.q, got, err, tt.want)
			}
		})
	}
}

func TestPaginate(t *testing.T) {
	events := []*Event{{Seq: 9}, {Seq: 7}, {Seq: 4}}
	p := Page{Program: "p", Limit: 2}
	got, next := p.Paginate(events)
	if len(got) != 2 || next != NextCursor(7) {
		t.Errorf("Paginate(3 rows, limit 2) = %d rows, %q; want 2, %q", len(got), next, NextCursor(7))
	}
	got, next = p.Paginate(events[:2])
	if len(got) != 2 || next != "" {
		t.Errorf("Paginate(2 rows, limit 2) = %d rows, %q; want 2, no cursor", len(got), next)
	}
}

func TestConflictError(t *testing.T) {
	err := fmt.Errorf("retry evt_x: %w", NotRetryable(StatusDelivered))
	if !errors.Is(err, ErrConflict) {
		t.Errorf("errors.Is(%v, ErrConflict) = false; want true", err)
	}
	var ce *ConflictError
	if !errors.As(err, &ce) || ce.Reason != "event is delivered; only a failed event can be retried" {
		t.Errorf("errors.As(%v) reason = %v; want the state named", err, ce)
	}
	if errors.Is(err, ErrNotFound) {
		t.Errorf("errors.Is(%v, ErrNotFound) = true; want false", err)
	}
}

func TestCheckClaim(t *testing.T) {
	tests := []struct {
		owner   string
		lease   time.Duration
		limit   int
		wantErr bool
	}{
		{"w1", time.Second, 1, false},
		{"", time.Second, 1, true},
		{"w1", 0, 1, true},
		{"w1", time.Second, 0, true},
	}
	for _, tt := range tests {
		err := CheckClaim(tt.owner, tt.lease, tt.limit)
		if (err != nil) != tt.wantErr || (err != nil && !errors.Is(err, ErrInvalid)) {
			t.Errorf("CheckClaim(%q, %v, %d) = %v; want error %v", tt.owner, tt.lease, tt.limit, err, tt.wantErr)
		}
	}
	if err := CheckOwner("mark delivered", "evt_x", ""); !errors.Is(err, ErrInvalid) {
		t.Errorf(`CheckOwner("") = %v; want ErrInvalid`, err)
	}
}
