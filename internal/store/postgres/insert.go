package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/deeplinkd/deeplinkd/internal/store"
	"github.com/deeplinkd/deeplinkd/internal/store/groupcommit"
)

// Group commit of inserts. PostgreSQL already shares WAL flushes between
// concurrent commits, but every insert on its own still costs a round trip,
// a commit and a backend's turn on the CPU; on a small machine that, not the
// disk, is the limit. So concurrent inserts are gathered and sent as one
// multi-row INSERT: one statement, one commit, for every insert waiting.
const (
	// insertWorkers is how many batches may be in flight at once: while
	// one commits, the next gathers.
	insertWorkers = 2
	// maxInsertBatch bounds the rows of one statement.
	maxInsertBatch = 256
)

// inserted is one Insert's answer.
type inserted struct {
	event   *store.Event
	created bool
}

type insertCall = groupcommit.Call[*store.Event, inserted]

// errBatch marks a failure of a batch's one statement. The statement is
// atomic, so none of its rows was committed (unless the connection died while
// committing, when no one can know); the caller inserts alone, which is
// idempotent either way.
type errBatch struct{ err error }

func (e *errBatch) Error() string { return "insert batch: " + e.err.Error() }
func (e *errBatch) Unwrap() error { return e.err }

// Insert stores a new event or returns the one already accepted under its
// natural key; see store.Store. It is committed by the time Insert returns:
// the batch's statement commits before any of its callers is answered.
func (db *DB) Insert(ctx context.Context, in *store.Event) (*store.Event, bool, error) {
	e, err := store.PrepareInsert(in)
	if err != nil {
		return nil, false, err
	}
	r, err := db.inserts.Do(ctx, e)
	if _, ok := errors.AsType[*errBatch](err); ok {
		// One row (an id already taken) fails the whole statement, and so
		// does a deadlock: two batches, of this process or another
		// instance, inserting two same keys in opposite orders. Alone,
		// each insert gets its own answer.
		r, err = db.insertOne(ctx, e)
	}
	if err != nil {
		return nil, false, fmt.Errorf("insert %s event %s/%s: %w", e.Type, e.Program, e.NaturalKey, err)
	}
	return r.event, r.created, nil
}

// insertOne is Insert without batching.
func (db *DB) insertOne(ctx context.Context, e *store.Event) (inserted, error) {
	out := *e
	// One autocommit statement: committed (durably, with the default
	// synchronous_commit) before it returns. A concurrent insert of the same
	// key waits for ours to commit and then does nothing.
	err := db.pool.QueryRow(ctx, `
		INSERT INTO events (id, program, type, natural_key, customer_key, body_hash, payload,
			status, next_attempt_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (program, type, natural_key) DO NOTHING
		RETURNING seq`,
		e.ID, e.Program, e.Type, e.NaturalKey, e.CustomerKey, e.BodyHash, e.Payload,
		e.Status, e.NextAttemptAt, e.CreatedAt, e.UpdatedAt,
	).Scan(&out.Seq)
	if err == nil {
		return inserted{&out, true}, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return inserted{}, err
	}
	// A new statement sees the row that made ours do nothing.
	existing, err := db.FindByNaturalKey(ctx, e.Program, e.Type, e.NaturalKey)
	if err != nil {
		return inserted{}, err
	}
	return same(e, existing)
}

// same answers an insert of e whose key is taken by existing.
func same(e, existing *store.Event) (inserted, error) {
	if existing.BodyHash != e.BodyHash {
		return inserted{}, store.ErrBodyMismatch
	}
	return inserted{existing, false}, nil
}

// flushInserts inserts a batch with one statement and answers each call.
func (db *DB) flushInserts(batch []*insertCall) {
	// Never a caller's context: one caller giving up must not cancel the
	// statement that carries the others.
	ctx := context.Background()
	live := make([]*insertCall, 0, len(batch))
	for _, c := range batch {
		// A caller that has gone was told ctx.Err(); not inserting its
		// event keeps that answer true.
		if c.Err = c.Ctx.Err(); c.Err == nil {
			live = append(live, c)
		}
	}
	if len(live) == 0 {
		return
	}
	seqs, err := db.insertBatch(ctx, live)
	if err != nil {
		for _, c := range live {
			c.Err = &errBatch{err}
		}
		return
	}
	var taken []*insertCall
	for _, c := range live {
		if seq, ok := seqs[c.Req.ID]; ok {
			e := *c.Req
			e.Seq = seq
			c.Res = inserted{&e, true}
		} else {
			taken = append(taken, c)
		}
	}
	if len(taken) == 0 {
		return
	}
	// The statement has committed, so the rows that stopped these inserts
	// are committed too: another batch's, an earlier insert's, or one of
	// this batch (two inserts of one key).
	existing, err := db.findKeys(ctx, taken)
	for _, c := range taken {
		e, ok := existing[naturalKey(c.Req)]
		switch {
		case err != nil:
			c.Err = &errBatch{err}
		case !ok:
			c.Err = &errBatch{fmt.Errorf("event %s/%s not found after a conflict", c.Req.Program, c.Req.NaturalKey)}
		default:
			c.Res, c.Err = same(c.Req, e)
		}
	}
}

// insertBatch inserts the calls' events in order and returns the seq of each
// one created, by id; an event whose natural key is taken is left out.
func (db *DB) insertBatch(ctx context.Context, calls []*insertCall) (map[string]int64, error) {
	n := len(calls)
	var (
		ids, programs, types, keys    = make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		customers, hashes, statuses   = make([]string, n), make([]string, n), make([]string, n)
		payloads                      = make([][]byte, n)
		nextAttempts, creates, update = make([]time.Time, n), make([]time.Time, n), make([]time.Time, n)
	)
	for i, c := range calls {
		e := c.Req
		ids[i], programs[i], types[i], keys[i] = e.ID, e.Program, e.Type, e.NaturalKey
		customers[i], hashes[i], statuses[i], payloads[i] = e.CustomerKey, e.BodyHash, e.Status, e.Payload
		nextAttempts[i], creates[i], update[i] = e.NextAttemptAt, e.CreatedAt, e.UpdatedAt
	}
	// ORDER BY ord gives seq in the order the calls arrived. Of two rows
	// with one key, the first is inserted and the second does nothing.
	rows, err := db.pool.Query(ctx, `
		INSERT INTO events (id, program, type, natural_key, customer_key, body_hash, payload,
			status, next_attempt_at, created_at, updated_at)
		SELECT id, program, type, natural_key, customer_key, body_hash, payload,
			status, next_attempt_at, created_at, updated_at
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bytea[],
				$8::text[], $9::timestamptz[], $10::timestamptz[], $11::timestamptz[])
			WITH ORDINALITY AS r(id, program, type, natural_key, customer_key, body_hash, payload,
				status, next_attempt_at, created_at, updated_at, ord)
		ORDER BY ord
		ON CONFLICT (program, type, natural_key) DO NOTHING
		RETURNING id, seq`,
		ids, programs, types, keys, customers, hashes, payloads, statuses, nextAttempts, creates, update)
	if err != nil {
		return nil, err
	}
	seqs := make(map[string]int64, n)
	var (
		id  string
		seq int64
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &seq}, func() error {
		seqs[id] = seq
		return nil
	})
	if err != nil {
		return nil, err
	}
	return seqs, nil
}

// findKeys reads the events under the calls' natural keys.
func (db *DB) findKeys(ctx context.Context, calls []*insertCall) (map[string]*store.Event, error) {
	programs, types, keys := make([]string, len(calls)), make([]string, len(calls)), make([]string, len(calls))
	for i, c := range calls {
		programs[i], types[i], keys[i] = c.Req.Program, c.Req.Type, c.Req.NaturalKey
	}
	rows, err := db.pool.Query(ctx, `SELECT `+columns+` FROM events
		WHERE (program, type, natural_key) IN (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]))`,
		programs, types, keys)
	if err != nil {
		return nil, err
	}
	events, err := scanEvents(rows)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*store.Event, len(events))
	for _, e := range events {
		out[naturalKey(e)] = e
	}
	return out, nil
}

// naturalKey is e's idempotency key as a map key.
func naturalKey(e *store.Event) string {
	return e.Program + "\x00" + e.Type + "\x00" + e.NaturalKey
}
