package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/deeplinkd/deeplinkd/internal/store"
	"github.com/deeplinkd/deeplinkd/internal/store/groupcommit"
)

var at = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// event is a prepared sign-up whose body hash follows from key and body.
func event(t *testing.T, key, body string) *store.Event {
	t.Helper()
	payload := fmt.Sprintf(`{"key":%q,"body":%q}`, key, body)
	sum := sha256.Sum256([]byte(payload))
	e, err := store.PrepareInsert(&store.Event{Program: "main", Type: store.TypeSignup, NaturalKey: key,
		CustomerKey: key, BodyHash: hex.EncodeToString(sum[:]), Payload: []byte(payload), CreatedAt: at})
	if err != nil {
		t.Fatalf("PrepareInsert(%q) = %v", key, err)
	}
	return e
}

// flush runs one batch of the events through flushInserts, as the group
// would, and returns the calls with their answers.
func flush(db *DB, ctx context.Context, events ...*store.Event) []*insertCall {
	batch := make([]*insertCall, len(events))
	for i, e := range events {
		batch[i] = &insertCall{Ctx: ctx, Req: e}
	}
	db.flushInserts(batch)
	return batch
}

func find(t *testing.T, db *DB, key string) (*store.Event, error) {
	t.Helper()
	return db.FindByNaturalKey(t.Context(), "main", store.TypeSignup, key)
}

func TestInsertBatchWithDuplicateKeys(t *testing.T) {
	db := openFresh(t)
	a1, a2 := event(t, "a", ""), event(t, "a", "")
	b1, b2 := event(t, "b", "first"), event(t, "b", "second")
	c := event(t, "c", "")
	calls := flush(db, t.Context(), a1, b1, a2, b2, c)

	tests := []struct {
		name        string
		call        *insertCall
		wantID      string
		wantCreated bool
		wantErr     error
	}{
		{"first a", calls[0], a1.ID, true, nil},
		{"first b", calls[1], b1.ID, true, nil},
		{"repeat of a sees the first", calls[2], a1.ID, false, nil},
		{"b with another body", calls[3], "", false, store.ErrConflict},
		{"c", calls[4], c.ID, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.call
			if tt.wantErr != nil {
				if !errors.Is(got.Err, tt.wantErr) {
					t.Errorf("flush(%s) = %v; want %v", tt.name, got.Err, tt.wantErr)
				}
				return
			}
			if got.Err != nil || got.Res.event.ID != tt.wantID || got.Res.created != tt.wantCreated {
				t.Fatalf("flush(%s) = %+v, %v; want %s, created=%v", tt.name, got.Res, got.Err, tt.wantID, tt.wantCreated)
			}
			stored, err := find(t, db, got.Req.NaturalKey)
			if err != nil {
				t.Fatalf("FindByNaturalKey(%s) = %v", got.Req.NaturalKey, err)
			}
			if diff := cmp.Diff(stored, got.Res.event); diff != "" {
				t.Errorf("flush(%s) mismatch (-stored +got):\n%s", tt.name, diff)
			}
		})
	}
	// Seq follows the order in which the calls arrived.
	if sa, sb, sc := calls[0].Res.event.Seq, calls[1].Res.event.Seq, calls[4].Res.event.Seq; !(sa < sb && sb < sc) {
		t.Errorf("seq of a, b, c = %d, %d, %d; want increasing", sa, sb, sc)
	}
}

func TestInsertBatchSkipsCancelledCaller(t *testing.T) {
	db := openFresh(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	gone := flush(db, ctx, event(t, "gone", ""))
	if !errors.Is(gone[0].Err, context.Canceled) {
		t.Errorf("flush(cancelled) = %v; want context.Canceled", gone[0].Err)
	}
	if _, err := find(t, db, "gone"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("FindByNaturalKey(cancelled) = %v; want ErrNotFound", err)
	}
}

func TestInsertBatchFailsAsAWhole(t *testing.T) {
	db := openFresh(t)
	// Two events under one id: the statement fails on the id's unique
	// index, taking the innocent event with it.
	x, y, innocent := event(t, "x", ""), event(t, "y", ""), event(t, "innocent", "")
	y.ID = x.ID
	for _, c := range flush(db, t.Context(), x, innocent, y) {
		if _, ok := errors.AsType[*errBatch](c.Err); !ok {
			t.Errorf("flush(%s) = %+v, %v; want an *errBatch", c.Req.NaturalKey, c.Res, c.Err)
		}
		if _, err := find(t, db, c.Req.NaturalKey); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("FindByNaturalKey(%s) after a failed batch = %v; want ErrNotFound", c.Req.NaturalKey, err)
		}
	}
}

// TestInsertAfterBatchFailureGoesAlone replaces the batcher with one whose
// every batch fails, as a deadlock or a bad neighbour would: each Insert must
// still get its own answer.
func TestInsertAfterBatchFailureGoesAlone(t *testing.T) {
	db := openFresh(t)
	db.inserts.Close()
	db.inserts = groupcommit.New(1, maxInsertBatch, func(batch []*insertCall) {
		for _, c := range batch {
			c.Err = &errBatch{errors.New("injected")}
		}
	})
	in := event(t, "user_1", "")
	first, created, err := db.Insert(t.Context(), in)
	if err != nil || !created || first.ID != in.ID {
		t.Fatalf("Insert = %v, %v, %v; want %s created", first, created, err, in.ID)
	}
	again, created, err := db.Insert(t.Context(), event(t, "user_1", ""))
	if err != nil || created || again.ID != first.ID {
		t.Errorf("Insert(repeat) = %v, %v, %v; want %s, created=false", again, created, err, first.ID)
	}
	if _, _, err := db.Insert(t.Context(), event(t, "user_1", "other")); !errors.Is(err, store.ErrConflict) {
		t.Errorf("Insert(other body) = %v; want ErrConflict", err)
	}
}

func TestPoolSize(t *testing.T) {
	dsn := freshSchema(t, testDSN(t))
	withMax := dsn + " pool_max_conns=3"
	if strings.Contains(dsn, "://") {
		withMax = dsn + "&pool_max_conns=3" // freshSchema set search_path
	}
	tests := []struct {
		name string
		dsn  string
		want int32
	}{
		{"default raised", dsn, minConns},
		{"dsn wins", withMax, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := Open(t.Context(), tt.dsn)
			if err != nil {
				t.Fatalf("Open = %v", err)
			}
			defer db.Close()
			if got := db.pool.Config().MaxConns; got != tt.want {
				t.Errorf("Open(%s): MaxConns = %d; want %d", tt.name, got, tt.want)
			}
		})
	}
}
