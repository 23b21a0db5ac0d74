package sqlite

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/deeplinkd/deeplinkd/internal/store"
	"github.com/deeplinkd/deeplinkd/internal/store/groupcommit"
)

var at = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// event is a sign-up whose body hash follows from key and body, so two
// calls with equal arguments are the same request.
func event(key, body string) *store.Event {
	payload := fmt.Sprintf(`{"key":%q,"body":%q}`, key, body)
	sum := sha256.Sum256([]byte(payload))
	return &store.Event{Program: "main", Type: store.TypeSignup, NaturalKey: key, CustomerKey: key,
		BodyHash: hex.EncodeToString(sum[:]), Payload: []byte(payload), CreatedAt: at}
}

// holdWriter starts a batch that blocks until the returned release is
// called, and returns once the writer is inside it: writes made meanwhile
// wait together for the next batch.
func holdWriter(t *testing.T, db *DB) (release func()) {
	t.Helper()
	gate, done := make(chan struct{}), make(chan error, 1)
	go func() {
		done <- db.w.do(context.Background(), func(*wtx) error {
			<-gate
			return nil
		})
	}()
	synctest.Wait()
	return func() {
		close(gate)
		if err := <-done; err != nil {
			t.Errorf("held write = %v", err)
		}
	}
}

// insertResult is one Insert's answer.
type insertResult struct {
	e       *store.Event
	created bool
	err     error
}

// goInsert calls db.Insert(ctx, e) in a goroutine.
func goInsert(ctx context.Context, db *DB, e *store.Event) <-chan insertResult {
	ch := make(chan insertResult, 1)
	go func() {
		got, created, err := db.Insert(ctx, e)
		ch <- insertResult{got, created, err}
	}()
	return ch
}

// wantBatches checks that the writer flushed n batches holding calls writes
// since before.
func wantBatches(t *testing.T, db *DB, before groupcommit.Stats, n, calls int64) {
	t.Helper()
	got := db.w.group.Stats()
	if got.Batches-before.Batches != n || got.Calls-before.Calls != calls {
		t.Errorf("writer flushed %d batches of %d writes; want %d of %d",
			got.Batches-before.Batches, got.Calls-before.Calls, n, calls)
	}
}

func TestBatchWithDuplicateKeys(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db := openTemp(t)
		type req struct{ key, body string }
		reqs := []req{
			{"a", ""}, {"a", ""}, {"a", ""}, // one created, the others see it
			{"b", "first"}, {"b", "second"}, // one created, the other conflicts
		}
		for i := range 40 {
			reqs = append(reqs, req{fmt.Sprintf("user_%d", i), ""})
		}
		before := db.w.group.Stats()
		release := holdWriter(t, db)
		answers := make([]<-chan insertResult, len(reqs))
		for i, r := range reqs {
			answers[i] = goInsert(t.Context(), db, event(r.key, r.body))
		}
		synctest.Wait()
		release()
		byKey := map[string][]insertResult{}
		for i, r := range reqs {
			byKey[r.key] = append(byKey[r.key], <-answers[i])
		}
		wantBatches(t, db, before, 2, int64(len(reqs)+1))

		for key, results := range byKey {
			stored, err := db.FindByNaturalKey(t.Context(), "main", store.TypeSignup, key)
			if err != nil {
				t.Fatalf("FindByNaturalKey(%q) = %v", key, err)
			}
			var created, conflicts int
			for _, r := range results {
				switch {
				case errors.Is(r.err, store.ErrConflict):
					conflicts++
				case r.err != nil:
					t.Errorf("Insert(%q) = %v", key, r.err)
				case r.e.ID != stored.ID || r.e.Seq != stored.Seq:
					t.Errorf("Insert(%q) = %s (seq %d); want the stored %s (seq %d)", key, r.e.ID, r.e.Seq, stored.ID, stored.Seq)
				case r.created:
					created++
				}
			}
			wantConflicts := 0
			if key == "b" {
				wantConflicts = 1
			}
			if created != 1 || conflicts != wantConflicts {
				t.Errorf("Inserts of %q: %d created, %d conflicts; want 1, %d", key, created, conflicts, wantConflicts)
			}
		}
	})
}

func TestBatchSkipsCallerCancelledWhileWaiting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db := openTemp(t)
		release := holdWriter(t, db)
		ctx, cancel := context.WithCancel(t.Context())
		gone := goInsert(ctx, db, event("gone", ""))
		stays := goInsert(t.Context(), db, event("stays", ""))
		synctest.Wait()
		cancel()
		if got := <-gone; !errors.Is(got.err, context.Canceled) {
			t.Errorf("Insert(cancelled while waiting) = %+v; want context.Canceled", got)
		}
		release()
		if got := <-stays; got.err != nil || !got.created {
			t.Errorf("Insert(beside a cancelled caller) = %+v; want created", got)
		}
		_, err := db.FindByNaturalKey(t.Context(), "main", store.TypeSignup, "gone")
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("FindByNaturalKey(cancelled insert) = %v; want ErrNotFound", err)
		}
		if _, created, err := db.Insert(t.Context(), event("gone", "")); err != nil || !created {
			t.Errorf("Insert(retry of cancelled) = %v, %v; want created", created, err)
		}
	})
}

// TestBatchCallerCancelledAfterItsWriteRan pins the documented edge: the
// caller gets ctx.Err(), the event is committed anyway, and the client's
// idempotent retry finds it.
func TestBatchCallerCancelledAfterItsWriteRan(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db := openTemp(t)
		release := holdWriter(t, db)
		ctx, cancel := context.WithCancel(t.Context())
		e := event("late", "")
		e.ID = store.NewID()
		gone := goInsert(ctx, db, e)
		synctest.Wait()
		// Queued after the insert, so it runs after it in the same batch:
		// the caller gives up while its row is written but not committed.
		cancelled := make(chan error, 1)
		go func() {
			cancelled <- db.w.do(t.Context(), func(*wtx) error {
				cancel()
				if got := <-gone; !errors.Is(got.err, context.Canceled) {
					t.Errorf("Insert(cancelled in its batch) = %+v; want context.Canceled", got)
				}
				return nil
			})
		}()
		synctest.Wait()
		release()
		if err := <-cancelled; err != nil {
			t.Fatalf("cancelling write = %v", err)
		}
		got, created, err := db.Insert(t.Context(), event("late", ""))
		if err != nil || created || got.ID != e.ID {
			t.Errorf("Insert(retry) = %v, %v, %v; want the committed %s, created=false", got, created, err, e.ID)
		}
	})
}

func TestBatchCommitFailureFailsEveryWrite(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db := openTemp(t)
		// A deferred foreign key is checked at COMMIT: an orphan row makes
		// the commit itself fail, after every write of the batch ran.
		err := db.w.do(t.Context(), func(tx *wtx) error {
			if _, err := tx.Exec(`CREATE TABLE parent (id INTEGER PRIMARY KEY)`); err != nil {
				return err
			}
			_, err := tx.Exec(`CREATE TABLE child (parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)`)
			return err
		})
		if err != nil {
			t.Fatalf("create tables = %v", err)
		}
		release := holdWriter(t, db)
		keys := []string{"a", "b", "c", "d"}
		answers := make([]<-chan insertResult, len(keys))
		for i, key := range keys {
			answers[i] = goInsert(t.Context(), db, event(key, ""))
		}
		poison := make(chan error, 1)
		go func() {
			poison <- db.w.do(t.Context(), func(tx *wtx) error {
				_, err := tx.Exec(`INSERT INTO child (parent) VALUES (42)`)
				return err
			})
		}()
		synctest.Wait()
		release()
		if err := <-poison; err == nil || !strings.Contains(err.Error(), "commit") {
			t.Errorf("orphan write = %v; want the commit's failure", err)
		}
		for i, key := range keys {
			if got := <-answers[i]; got.err == nil || got.e != nil || got.created {
				t.Errorf("Insert(%q) in a failed batch = %+v; want an error", key, got)
			}
			_, err := db.FindByNaturalKey(t.Context(), "main", store.TypeSignup, key)
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("FindByNaturalKey(%q) after a failed batch = %v; want ErrNotFound", key, err)
			}
		}
		// The transaction is gone: the next batch starts clean.
		if _, created, err := db.Insert(t.Context(), event("a", "")); err != nil || !created {
			t.Errorf("Insert after a failed batch = %v, %v; want created", created, err)
		}
	})
}

func TestBatchWriteFailureUndoesOnlyItself(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db := openTemp(t)
		release := holdWriter(t, db)
		before := goInsert(t.Context(), db, event("before", ""))
		synctest.Wait()
		failed := make(chan error, 1)
		boom := errors.New("boom")
		go func() {
			failed <- db.w.do(t.Context(), func(tx *wtx) error {
				e := event("undone", "")
				if _, err := tx.Exec(`INSERT INTO events (id, program, type, natural_key, body_hash, payload,
					next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0)`,
					store.NewID(), e.Program, e.Type, e.NaturalKey, e.BodyHash, e.Payload); err != nil {
					return err
				}
				return boom
			})
		}()
		synctest.Wait()
		after := goInsert(t.Context(), db, event("after", ""))
		synctest.Wait()
		release()
		if err := <-failed; !errors.Is(err, boom) {
			t.Errorf("failing write = %v; want boom", err)
		}
		for name, ch := range map[string]<-chan insertResult{"before": before, "after": after} {
			if got := <-ch; got.err != nil || !got.created {
				t.Errorf("Insert(%s the failing write) = %+v; want created", name, got)
			}
		}
		_, err := db.FindByNaturalKey(t.Context(), "main", store.TypeSignup, "undone")
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("FindByNaturalKey(row of the failed write) = %v; want ErrNotFound", err)
		}
	})
}

func TestClaimSeesInsertOfItsBatch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db := openTemp(t)
		before := db.w.group.Stats()
		release := holdWriter(t, db)
		inserted := goInsert(t.Context(), db, event("user_1", ""))
		synctest.Wait()
		claimed := make(chan []*store.Event, 1)
		go func() {
			got, err := db.Claim(t.Context(), "w1", at, time.Minute, 10)
			if err != nil {
				t.Errorf("Claim = %v", err)
			}
			claimed <- got
		}()
		synctest.Wait()
		release()
		ins := <-inserted
		if ins.err != nil {
			t.Fatalf("Insert = %v", ins.err)
		}
		if got := <-claimed; len(got) != 1 || got[0].ID != ins.e.ID {
			t.Errorf("Claim in the insert's batch = %v; want [%s]", got, ins.e.ID)
		}
		wantBatches(t, db, before, 2, 3)
	})
}

func TestWriteAfterClose(t *testing.T) {
	db, err := Open(t.Context(), ":memory:")
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("Close = %v", err)
	}
	if _, _, err := db.Insert(t.Context(), event("a", "")); !errors.Is(err, groupcommit.ErrClosed) {
		t.Errorf("Insert after Close = %v; want ErrClosed", err)
	}
}

// TestConcurrentInsertsAndClaims runs writers of every kind at once, so the
// race detector sees the writer's hand-offs.
func TestConcurrentInsertsAndClaims(t *testing.T) {
	db := openTemp(t)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		claimed = map[string]bool{}
	)
	for g := range 16 {
		wg.Go(func() {
			for i := range 20 {
				if _, _, err := db.Insert(t.Context(), event(fmt.Sprintf("u%d_%d", g, i), "")); err != nil {
					t.Errorf("Insert = %v", err)
					return
				}
			}
		})
	}
	for w := range 4 {
		owner := fmt.Sprintf("w%d", w)
		wg.Go(func() {
			for range 20 {
				got, err := db.Claim(t.Context(), owner, at, time.Minute, 5)
				if err != nil {
					t.Errorf("Claim = %v", err)
					return
				}
				for _, e := range got {
					mu.Lock()
					if claimed[e.ID] {
						t.Errorf("event %s claimed twice", e.ID)
					}
					claimed[e.ID] = true
					mu.Unlock()
					if err := db.MarkDelivered(t.Context(), e.ID, owner, at); err != nil {
						t.Errorf("MarkDelivered = %v", err)
					}
				}
			}
		})
	}
	wg.Wait()
}
