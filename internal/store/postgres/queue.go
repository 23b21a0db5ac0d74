package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/deeplinkd/deeplinkd/internal/store"
)

// unblocked holds back an event (aliased e) while an earlier event of the
// same program and customer is still queued, so a customer's events go out
// in order.
const unblocked = `(e.customer_key = '' OR NOT EXISTS (
	SELECT 1 FROM events p
	WHERE p.status = 'queued' AND p.program = e.program
		AND p.customer_key = e.customer_key AND p.seq < e.seq))`

// Claim leases due events to owner; see store.Store. Rows another claimer
// is locking are skipped rather than waited for, and a row whose lease was
// taken after this statement began is re-checked and left out, so two
// instances never lease one event at once.
func (db *DB) Claim(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]*store.Event, error) {
	if err := store.CheckClaim(owner, lease, limit); err != nil {
		return nil, err
	}
	now = store.UTC(now)
	rows, err := db.pool.Query(ctx, `
		WITH due AS (
			SELECT e.seq AS due_seq FROM events e
			WHERE e.status = 'queued' AND e.next_attempt_at <= $1
				AND (e.lease_until IS NULL OR e.lease_until <= $1)
				AND `+unblocked+`
			ORDER BY e.next_attempt_at, e.seq
			LIMIT $2
			FOR UPDATE SKIP LOCKED)
		UPDATE events SET lease_owner = $3, lease_until = $4, attempts = attempts + 1, updated_at = $1
		FROM due WHERE events.seq = due.due_seq
		RETURNING `+columns,
		now, limit, owner, store.UTC(now.Add(lease)))
	if err != nil {
		return nil, fmt.Errorf("claim events for %s: %w", owner, err)
	}
	claimed, err := scanEvents(rows)
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
		`status = 'delivered', delivered_at = $3, updated_at = $3`, now)
}

// Reschedule puts the lease holder's event back in the queue until next.
func (db *DB) Reschedule(ctx context.Context, id, owner string, next time.Time, lastErr string) error {
	return db.settle(ctx, "reschedule", id, owner,
		`next_attempt_at = $3, last_error = $4`, store.UTC(next), lastErr)
}

// MarkFailed records the lease holder's permanent failure.
func (db *DB) MarkFailed(ctx context.Context, id, owner string, now time.Time, reason string) error {
	return db.settle(ctx, "mark failed", id, owner,
		`status = 'failed', updated_at = $3, last_error = $4`, store.UTC(now), reason)
}

// settle applies set (whose arguments are $3 on) to event id and releases the
// lease, only if owner still holds it.
func (db *DB) settle(ctx context.Context, op, id, owner, set string, args ...any) error {
	if err := store.CheckOwner(op, id, owner); err != nil {
		return err
	}
	tag, err := db.pool.Exec(ctx, `UPDATE events SET `+set+`, lease_owner = '', lease_until = NULL
		WHERE id = $1 AND status = 'queued' AND lease_owner = $2`, append([]any{id, owner}, args...)...)
	if err == nil && tag.RowsAffected() == 0 {
		// Only to tell the caller which: the row cannot come back under
		// this owner's lease.
		var exists bool
		err = db.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM events WHERE id = $1)`, id).Scan(&exists)
		switch {
		case err != nil:
		case exists:
			err = store.ErrLeaseLost
		default:
			err = store.ErrNotFound
		}
	}
	if err != nil {
		return fmt.Errorf("%s %s by %s: %w", op, id, owner, err)
	}
	return nil
}

// Retry puts the program's failed event back in the queue.
func (db *DB) Retry(ctx context.Context, program, id string, now time.Time) (*store.Event, error) {
	now = store.UTC(now)
	var e *store.Event
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		var status string
		err := tx.QueryRow(ctx, `SELECT status FROM events WHERE id = $1 AND program = $2 FOR UPDATE`, id, program).Scan(&status)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		if status != store.StatusFailed {
			return store.NotRetryable(status)
		}
		e, err = scanEvent(tx.QueryRow(ctx, `
			UPDATE events SET status = 'queued', next_attempt_at = $2, updated_at = $2, lease_owner = '', lease_until = NULL
			WHERE id = $1 RETURNING `+columns, id, now))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("retry event %s/%s: %w", program, id, err)
	}
	return e, nil
}

// NextDue reports when Claim could next return an event.
func (db *DB) NextDue(ctx context.Context) (time.Time, bool, error) {
	var due *time.Time
	// GREATEST ignores the NULL lease_until of an unleased event.
	err := db.pool.QueryRow(ctx, `
		SELECT MIN(GREATEST(e.next_attempt_at, e.lease_until))
		FROM events e
		WHERE e.status = 'queued' AND `+unblocked).Scan(&due)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("next due event: %w", err)
	}
	if due == nil {
		return time.Time{}, false, nil
	}
	return due.UTC(), true, nil
}

// QueueStats counts queued and failed events.
func (db *DB) QueueStats(ctx context.Context, now time.Time) (store.Stats, error) {
	var (
		s      store.Stats
		oldest *time.Time
	)
	err := db.pool.QueryRow(ctx, `
		SELECT
			COUNT(*) FILTER (WHERE status = 'queued'),
			COUNT(*) FILTER (WHERE status = 'failed'),
			MIN(created_at) FILTER (WHERE status = 'queued')
		FROM events WHERE status IN ('queued', 'failed')`).Scan(&s.Queued, &s.Failed, &oldest)
	if err != nil {
		return store.Stats{}, fmt.Errorf("queue stats: %w", err)
	}
	if oldest != nil {
		s.OldestQueued = max(0, store.UTC(now).Sub(*oldest))
	}
	return s, nil
}
