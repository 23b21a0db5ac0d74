package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/deeplinkd/deeplinkd/internal/store"
)

// Insert stores a new event or returns the one already accepted under its
// natural key; see store.Store.
func (db *DB) Insert(ctx context.Context, in *store.Event) (*store.Event, bool, error) {
	e, err := store.PrepareInsert(in)
	if err != nil {
		return nil, false, err
	}
	// One autocommit statement: committed (durably, with the default
	// synchronous_commit) before it returns. A concurrent insert of the same
	// key waits for ours to commit and then does nothing.
	err = db.pool.QueryRow(ctx, `
		INSERT INTO events (id, program, type, natural_key, customer_key, body_hash, payload,
			status, next_attempt_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (program, type, natural_key) DO NOTHING
		RETURNING seq`,
		e.ID, e.Program, e.Type, e.NaturalKey, e.CustomerKey, e.BodyHash, e.Payload,
		e.Status, e.NextAttemptAt, e.CreatedAt, e.UpdatedAt,
	).Scan(&e.Seq)
	if err == nil {
		return e, true, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return nil, false, fmt.Errorf("insert %s event %s/%s: %w", e.Type, e.Program, e.NaturalKey, err)
	}
	// A new statement sees the row that made ours do nothing.
	existing, err := db.FindByNaturalKey(ctx, e.Program, e.Type, e.NaturalKey)
	if err != nil {
		return nil, false, fmt.Errorf("insert %s event %s/%s: %w", e.Type, e.Program, e.NaturalKey, err)
	}
	if existing.BodyHash != e.BodyHash {
		return nil, false, fmt.Errorf("insert %s event %s/%s: %w", e.Type, e.Program, e.NaturalKey, store.ErrBodyMismatch)
	}
	return existing, false, nil
}

// Get returns the program's event by id.
func (db *DB) Get(ctx context.Context, program, id string) (*store.Event, error) {
	e, err := scanEvent(db.pool.QueryRow(ctx,
		`SELECT `+columns+` FROM events WHERE id = $1 AND program = $2`, id, program))
	if errors.Is(err, pgx.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get event %s/%s: %w", program, id, err)
	}
	return e, nil
}

// FindByNaturalKey returns the program's event of type typ with that key.
func (db *DB) FindByNaturalKey(ctx context.Context, program, typ, key string) (*store.Event, error) {
	e, err := scanEvent(db.pool.QueryRow(ctx,
		`SELECT `+columns+` FROM events WHERE program = $1 AND type = $2 AND natural_key = $3`, program, typ, key))
	if errors.Is(err, pgx.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find %s event %s/%s: %w", typ, program, key, err)
	}
	return e, nil
}

// List returns a page of the program's events, newest first.
func (db *DB) List(ctx context.Context, q store.ListQuery) ([]*store.Event, string, error) {
	p, err := q.Page()
	if err != nil {
		return nil, "", err
	}
	where, args := []string{"program = $1"}, []any{p.Program}
	if p.Status != "" {
		args = append(args, p.Status)
		where = append(where, "status = $"+strconv.Itoa(len(args)))
	}
	if p.Before > 0 {
		args = append(args, p.Before)
		where = append(where, "seq < $"+strconv.Itoa(len(args)))
	}
	args = append(args, p.Limit+1)
	rows, err := db.pool.Query(ctx, `SELECT `+columns+` FROM events WHERE `+strings.Join(where, " AND ")+
		` ORDER BY seq DESC LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, "", fmt.Errorf("list events of %s: %w", p.Program, err)
	}
	events, err := scanEvents(rows)
	if err != nil {
		return nil, "", fmt.Errorf("list events of %s: %w", p.Program, err)
	}
	events, next := p.Paginate(events)
	return events, next, nil
}
