package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/deeplinkd/deeplinkd/internal/store"
)

// Insert stores a new event or returns the one already accepted under its
// natural key; see store.Store.
func (db *DB) Insert(ctx context.Context, in *store.Event) (*store.Event, bool, error) {
	e, err := store.PrepareInsert(in)
	if err != nil {
		return nil, false, err
	}
	var (
		existing *store.Event
		created  bool
	)
	err = db.w.do(ctx, func(tx *wtx) error {
		err := tx.QueryRow(`
			INSERT INTO events (id, program, type, natural_key, customer_key, body_hash, payload,
				status, next_attempt_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (program, type, natural_key) DO NOTHING
			RETURNING seq`,
			e.ID, e.Program, e.Type, e.NaturalKey, e.CustomerKey, e.BodyHash, e.Payload,
			e.Status, micro(e.NextAttemptAt), micro(e.CreatedAt), micro(e.UpdatedAt),
		).Scan(&e.Seq)
		if err == nil {
			created = true
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		existing, err = scanEvent(tx.QueryRow(
			`SELECT `+columns+` FROM events WHERE program = ? AND type = ? AND natural_key = ?`,
			e.Program, e.Type, e.NaturalKey))
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("insert %s event %s/%s: %w", e.Type, e.Program, e.NaturalKey, err)
	}
	if created {
		return e, true, nil
	}
	if existing.BodyHash != e.BodyHash {
		return nil, false, fmt.Errorf("insert %s event %s/%s: %w", e.Type, e.Program, e.NaturalKey, store.ErrBodyMismatch)
	}
	return existing, false, nil
}

// Get returns the program's event by id.
func (db *DB) Get(ctx context.Context, program, id string) (*store.Event, error) {
	e, err := scanEvent(db.read.QueryRowContext(ctx,
		`SELECT `+columns+` FROM events WHERE id = ? AND program = ?`, id, program))
	if errors.Is(err, sql.ErrNoRows) {
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
	err := db.read.QueryRowContext(ctx, `SELECT program FROM events WHERE id = ?`, id).Scan(&program)
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("program of event %s: %w", id, err)
	}
	return program, nil
}

// FindByNaturalKey returns the program's event of type typ with that key.
func (db *DB) FindByNaturalKey(ctx context.Context, program, typ, key string) (*store.Event, error) {
	e, err := scanEvent(db.read.QueryRowContext(ctx,
		`SELECT `+columns+` FROM events WHERE program = ? AND type = ? AND natural_key = ?`, program, typ, key))
	if errors.Is(err, sql.ErrNoRows) {
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
	where, args := []string{"program = ?"}, []any{p.Program}
	if p.Status != "" {
		where, args = append(where, "status = ?"), append(args, p.Status)
	}
	if p.Before > 0 {
		where, args = append(where, "seq < ?"), append(args, p.Before)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+columns+` FROM events WHERE `+strings.Join(where, " AND ")+
		` ORDER BY seq DESC LIMIT ?`, append(args, p.Limit+1)...)
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
