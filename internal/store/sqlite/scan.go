package sqlite

import (
	"database/sql"
	"time"

	"github.com/deeplinkd/deeplinkd/internal/store"
)

// columns is the events row as scanEvent reads it.
const columns = `seq, id, program, type, natural_key, customer_key, body_hash, payload,
	status, attempts, last_error, next_attempt_at, lease_owner, lease_until,
	created_at, updated_at, delivered_at`

// scanner is a *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

func scanEvent(row scanner) (*store.Event, error) {
	var (
		e                       store.Event
		next, created, updated  int64
		leaseUntil, deliveredAt sql.NullInt64
	)
	err := row.Scan(&e.Seq, &e.ID, &e.Program, &e.Type, &e.NaturalKey, &e.CustomerKey, &e.BodyHash, &e.Payload,
		&e.Status, &e.Attempts, &e.LastError, &next, &e.LeaseOwner, &leaseUntil,
		&created, &updated, &deliveredAt)
	if err != nil {
		return nil, err
	}
	e.NextAttemptAt = fromMicro(next)
	e.CreatedAt = fromMicro(created)
	e.UpdatedAt = fromMicro(updated)
	if leaseUntil.Valid {
		e.LeaseUntil = fromMicro(leaseUntil.Int64)
	}
	if deliveredAt.Valid {
		t := fromMicro(deliveredAt.Int64)
		e.DeliveredAt = &t
	}
	return &e, nil
}

func scanEvents(rows *sql.Rows) ([]*store.Event, error) {
	defer rows.Close()
	out := []*store.Event{}
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// micro is t as stored: Unix microseconds, which sort like the times.
func micro(t time.Time) int64 { return t.UnixMicro() }

func fromMicro(us int64) time.Time { return time.UnixMicro(us).UTC() }
