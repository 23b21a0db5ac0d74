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

// ProgramOf returns the program event id belongs to.
func (db *DB) ProgramOf(ctx context.Context, id string) (string, error) {
	var program string
	err := db.pool.QueryRow(ctx, `SELECT program FROM events WHERE id = $1`, id).Scan(&program)
	if errors.Is(err, pgx.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("program of event %s: %w", id, err)
	}
	return program, nil
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
