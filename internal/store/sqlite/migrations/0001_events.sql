-- The outbox of attribution events. Times are Unix microseconds, UTC.
CREATE TABLE events (
    -- seq orders events (lists, per-customer delivery) and is never reused.
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT    NOT NULL UNIQUE,
    program         TEXT    NOT NULL,
    type            TEXT    NOT NULL CHECK (type IN ('signup', 'purchase', 'refund')),
    natural_key     TEXT    NOT NULL,
    customer_key    TEXT    NOT NULL DEFAULT '',
    body_hash       TEXT    NOT NULL,
    payload         BLOB    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NOT NULL DEFAULT '',
    next_attempt_at INTEGER NOT NULL,
    lease_owner     TEXT    NOT NULL DEFAULT '',
    lease_until     INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    delivered_at    INTEGER,
    UNIQUE (program, type, natural_key)
) STRICT;

-- Claim and NextDue scan only the queue, which stays small next to history.
CREATE INDEX events_due ON events (next_attempt_at, seq) WHERE status = 'queued';
-- "Is an earlier event of this customer still queued?"
CREATE INDEX events_customer_queue ON events (program, customer_key, seq) WHERE status = 'queued';
-- Listing a program's events newest first, all or in one state.
CREATE INDEX events_program ON events (program, seq);
CREATE INDEX events_program_status ON events (program, status, seq);
-- QueueStats counts the queued and failed events.
CREATE INDEX events_status ON events (status, created_at);
