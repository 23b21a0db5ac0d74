package postgres

import (
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/deeplinkd/deeplinkd/internal/store"
)

// columns is the events row as scanEvent reads it.
const columns = `seq, id, program, type, natural_key, customer_key, body_hash, payload,
	status, attempts, last_error, next_attempt_at, lease_owner, lease_until,
	created_at, updated_at, delivered_at`

func scanEvent(row pgx.Row) (*store.Event, error) {
	var (
		e                       store.Event
		leaseUntil, deliveredAt *time.Time
	)
	err := row.Scan(&e.Seq, &e.ID, &e.Program, &e.Type, &e.NaturalKey, &e.CustomerKey, &e.BodyHash, &e.Payload,
		&e.Status, &e.Attempts, &e.LastError, &e.NextAttemptAt, &e.LeaseOwner, &leaseUntil,
		&e.CreatedAt, &e.UpdatedAt, &deliveredAt)
	if err != nil {
		return nil, err
	}
	// pgx returns timestamptz in the local zone; the store speaks UTC.
	e.NextAttemptAt = e.NextAttemptAt.UTC()
	e.CreatedAt = e.CreatedAt.UTC()
	e.UpdatedAt = e.UpdatedAt.UTC()
	if leaseUntil != nil {
		e.LeaseUntil = leaseUntil.UTC()
	}
	if deliveredAt != nil {
		t := deliveredAt.UTC()
		e.DeliveredAt = &t
	}
	return &e, nil
}

func scanEvents(rows pgx.Rows) ([]*store.Event, error) {
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*store.Event, error) {
		return scanEvent(row)
	})
}
