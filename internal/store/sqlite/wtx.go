package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// wtx is a batch's transaction as each write in it sees it. A statement is
// prepared once per batch and reused by every write in the batch: SQLite
// parses SQL more slowly than it inserts a row, so under load this halves
// the writer's work per event.
type wtx struct {
	// ctx is the writer's, never a caller's (see writer).
	ctx   context.Context
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
}

func (t *wtx) stmt(query string) (*sql.Stmt, error) {
	if s, ok := t.stmts[query]; ok {
		return s, nil
	}
	s, err := t.tx.PrepareContext(t.ctx, query)
	if err != nil {
		return nil, err
	}
	t.stmts[query] = s
	return s, nil
}

// Exec runs a statement that returns no rows.
func (t *wtx) Exec(query string, args ...any) (sql.Result, error) {
	s, err := t.stmt(query)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(t.ctx, args...)
}

// Query runs a statement that returns rows.
func (t *wtx) Query(query string, args ...any) (*sql.Rows, error) {
	s, err := t.stmt(query)
	if err != nil {
		return nil, err
	}
	return s.QueryContext(t.ctx, args...)
}

// QueryRow runs a statement that returns at most one row; errors surface
// from Scan, as with sql.Row.
func (t *wtx) QueryRow(query string, args ...any) scanner {
	s, err := t.stmt(query)
	if err != nil {
		return errRow{err}
	}
	return s.QueryRowContext(t.ctx, args...)
}

// errRow is a row whose query could not be prepared.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// apply runs fn in a savepoint. opErr is fn's own failure, its changes undone;
// txErr means the transaction itself is lost (SQLite ends it on some errors,
// such as a full disk), so the whole batch fails.
func (t *wtx) apply(fn writeFunc) (opErr, txErr error) {
	if _, err := t.Exec(`SAVEPOINT write`); err != nil {
		return nil, fmt.Errorf("savepoint: %w", err)
	}
	if err := fn(t); err != nil {
		if _, rerr := t.Exec(`ROLLBACK TO write`); rerr != nil {
			return nil, errors.Join(err, fmt.Errorf("rollback to savepoint: %w", rerr))
		}
		if _, rerr := t.Exec(`RELEASE write`); rerr != nil {
			return nil, errors.Join(err, fmt.Errorf("release savepoint: %w", rerr))
		}
		return err, nil
	}
	if _, err := t.Exec(`RELEASE write`); err != nil {
		return nil, fmt.Errorf("release savepoint: %w", err)
	}
	return nil, nil
}
