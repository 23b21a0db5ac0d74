package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/deeplinkd/deeplinkd/internal/store/groupcommit"
)

// maxBatch bounds how many waiting writes share one transaction. Past a few
// hundred rows the fsync no longer dominates, and the bound keeps one
// commit's latency, and what a failed commit takes down, small.
const maxBatch = 256

// writeFunc is one caller's write. It runs inside the batch's transaction,
// in its own savepoint.
type writeFunc func(tx *wtx) error

// writer is SQLite's group commit. SQLite has one writer at a time, and
// synchronous=FULL pays an fsync per commit, so one commit per write would cap
// the store at the disk's fsync rate whatever the concurrency. Instead one
// goroutine takes every write that is waiting, runs them one after another in
// one BEGIN IMMEDIATE … COMMIT, and only then answers each caller with its
// own result: concurrent writes share the fsync, and a write that arrives
// during a commit joins the next batch.
//
// Each write runs in a savepoint, so one that fails (a conflict, a lost
// lease) undoes only its own changes and the rest of the batch goes on. A
// later write sees the earlier ones of its batch, as on one connection it
// would: two inserts of one key in one batch create it once. If the batch as
// a whole fails (BEGIN, COMMIT, or an error after which SQLite ends the
// transaction, such as a full disk), every write in it gets that error, and
// none of them was committed.
//
// Statements run under the writer's own context, never a caller's. The driver
// interrupts a statement whose context ends, and SQLite answers an
// interrupted write inside a transaction by rolling the whole transaction
// back, which would fail every other caller in the batch.
//
// A caller whose ctx ends while it waits gets ctx.Err() at once. If the batch
// had not reached its write by then, the write is skipped and never committed.
// If it had, the write may still commit after the caller gave up, the same as
// an HTTP request that times out after the server acted on it. The writes are
// idempotent (Insert on its natural key, the Mark* methods on the lease), so a
// retry finds the committed result: Insert answers created=false with the same
// event.
type writer struct {
	pool  *sql.DB
	group *groupcommit.Group[writeFunc, struct{}]
}

// newWriter starts the writer on pool, a pool of one connection whose
// transactions begin IMMEDIATE.
func newWriter(pool *sql.DB) *writer {
	w := &writer{pool: pool}
	w.group = groupcommit.New(1, maxBatch, w.flush)
	return w
}

// do runs fn in the next batch and returns its result once the batch has
// committed or failed, ctx.Err() if ctx ends first, or an error after close.
func (w *writer) do(ctx context.Context, fn writeFunc) error {
	_, err := w.group.Do(ctx, fn)
	return err
}

// close lets the writes already queued commit, then stops the writer.
func (w *writer) close() { w.group.Close() }

// flush commits one batch and answers every write in it.
func (w *writer) flush(batch []*groupcommit.Call[writeFunc, struct{}]) {
	if err := w.run(batch); err != nil {
		err = fmt.Errorf("write batch of %d: %w", len(batch), err)
		for _, c := range batch {
			c.Err = err
		}
	}
}

// run executes the batch in one transaction, setting each write's own error.
// An error from run is a failure of the whole transaction, which committed
// nothing.
func (w *writer) run(batch []*groupcommit.Call[writeFunc, struct{}]) error {
	ctx := context.Background()
	sqlTx, err := w.pool.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &wtx{ctx: ctx, tx: sqlTx, stmts: map[string]*sql.Stmt{}}
	for _, c := range batch {
		// A caller that has gone was told ctx.Err(); not running its
		// write keeps that answer true.
		if c.Err = c.Ctx.Err(); c.Err != nil {
			continue
		}
		if c.Err, err = tx.apply(c.Req); err != nil {
			return errors.Join(err, rollback(sqlTx))
		}
	}
	// If COMMIT fails the driver rolls back what is left of the
	// transaction, so nothing of the batch is kept.
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func rollback(tx *sql.Tx) error {
	if err := tx.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
		return fmt.Errorf("rollback: %w", err)
	}
	return nil
}
