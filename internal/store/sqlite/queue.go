package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/deeplinkd/deeplinkd/internal/store"
)

// unblocked holds back an event (aliased e) while an earlier event of the
// same program and customer is still queued, so a customer's events go out
// in order.
const unblocked = `(e.customer_key = '' OR NOT EXISTS (
	SELECT 1 FROM events p
	WHERE p.status = 'queued' AND p.program = e.program
		AND p.customer_key = e.customer_key AND p.seq < e.seq))`

// Claim leases due events to owner; see store.Store.
//
// INDEXED BY pins the partial index on the queue: without statistics the
// planner prefers events_status and sorts the whole queue for every claim,
// which turns a backlog of tens of thousands into a crawl. Walking
// events_due in (next_attempt_at, seq) order stops after limit rows.
func (db *DB) Claim(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]*store.Event, error) {
	if err := store.CheckClaim(owner, lease, limit); err != nil {
		return nil, err
	}
	now = store.UTC(now)
	var claimed []*store.Event
	err := db.w.do(ctx, func(tx *wtx) error {
		rows, err := tx.Query(`
			UPDATE events SET lease_owner = ?, lease_until = ?, attempts = attempts + 1, updated_at = ?
			WHERE seq IN (
				SELECT e.seq FROM events e INDEXED BY events_due
				WHERE e.status = 'queued' AND e.next_attempt_at <= ?
					AND (e.lease_until IS NULL OR e.lease_until <= ?)
					AND `+unblocked+`
				ORDER BY e.next_attempt_at, e.seq
				LIMIT ?)
			RETURNING `+columns,
			owner, micro(now.Add(lease)), micro(now), micro(now), micro(now), limit)
		if err != nil {
			return err
		}
		claimed, err = scanEvents(rows)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("claim events for %s: %w", owner, err)
	}
	// RETURNING gives rows in no particular order; hand them out oldest due
	// first, as they were chosen.
	slices.SortFunc(claimed, func(a, b *store.Event) int {
		return cmp.Or(a.NextAttemptAt.Compare(b.NextAttemptAt), cmp.Compare(a.Seq, b.Seq))
	})
	return claimed, nil
}

// MarkDelivered records a delivery by the lease holder.
func (db *DB) MarkDelivered(ctx context.Context, id, owner string, now time.Time) error {
	now = store.UTC(now)
	return db.settle(ctx, "mark delivered", id, owner,
		`status = 'delivered', delivered_at = ?, updated_at = ?`, micro(now), micro(now))
}

// Reschedule puts the lease holder's event back in the queue until next.
func (db *DB) Reschedule(ctx context.Context, id, owner string, next time.Time, lastErr string) error {
	return db.settle(ctx, "reschedule", id, owner,
		`next_attempt_at = ?, last_error = ?`, micro(store.UTC(next)), lastErr)
}

// MarkFailed records the lease holder's permanent failure.
func (db *DB) MarkFailed(ctx context.Context, id, owner string, now time.Time, reason string) error {
	return db.settle(ctx, "mark failed", id, owner,
		`status = 'failed', last_error = ?, updated_at = ?`, reason, micro(store.UTC(now)))
}

// settle applies set (with its args) to event id and releases the lease, only
// if owner still holds it.
func (db *DB) settle(ctx context.Context, op, id, owner, set string, args ...any) error {
	if err := store.CheckOwner(op, id, owner); err != nil {
		return err
	}
	err := db.w.do(ctx, func(tx *wtx) error {
		res, err := tx.Exec(`UPDATE events SET `+set+`, lease_owner = '', lease_until = NULL
			WHERE id = ? AND status = 'queued' AND lease_owner = ?`, append(args, id, owner)...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		var one int
		err = tx.QueryRow(`SELECT 1 FROM events WHERE id = ?`, id).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		return store.ErrLeaseLost
	})
	if err != nil {
		return fmt.Errorf("%s %s by %s: %w", op, id, owner, err)
	}
	return nil
}

// Retry puts the program's failed event back in the queue.
func (db *DB) Retry(ctx context.Context, program, id string, now time.Time) (*store.Event, error) {
	now = store.UTC(now)
	var e *store.Event
	err := db.w.do(ctx, func(tx *wtx) error {
		var status string
		err := tx.QueryRow(`SELECT status FROM events WHERE id = ? AND program = ?`, id, program).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		if status != store.StatusFailed {
			return store.NotRetryable(status)
		}
		e, err = scanEvent(tx.QueryRow(`
			UPDATE events SET status = 'queued', next_attempt_at = ?, updated_at = ?, lease_owner = '', lease_until = NULL
			WHERE id = ? RETURNING `+columns,
			micro(now), micro(now), id))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("retry event %s/%s: %w", program, id, err)
	}
	return e, nil
}

// NextDue reports when Claim could next return an event.
func (db *DB) NextDue(ctx context.Context) (time.Time, bool, error) {
	var due sql.NullInt64
	err := db.read.QueryRowContext(ctx, `
		SELECT MIN(CASE WHEN e.lease_until > e.next_attempt_at THEN e.lease_until ELSE e.next_attempt_at END)
		FROM events e
		WHERE e.status = 'queued' AND `+unblocked).Scan(&due)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("next due event: %w", err)
	}
	if !due.Valid {
		return time.Time{}, false, nil
	}
	return fromMicro(due.Int64), true, nil
}

// QueueStats counts queued and failed events.
func (db *DB) QueueStats(ctx context.Context, now time.Time) (store.Stats, error) {
	var (
		s      store.Stats
		oldest sql.NullInt64
	)
	err := db.read.QueryRowContext(ctx, `
		SELECT
			COALESCE(SUM(status = 'queued'), 0),
			COALESCE(SUM(status = 'failed'), 0),
			MIN(CASE WHEN status = 'queued' THEN created_at END)
		FROM events WHERE status IN ('queued', 'failed')`).Scan(&s.Queued, &s.Failed, &oldest)
	if err != nil {
		return store.Stats{}, fmt.Errorf("queue stats: %w", err)
	}
	if oldest.Valid {
		s.OldestQueued = max(0, store.UTC(now).Sub(fromMicro(oldest.Int64)))
	}
	return s, nil
}
