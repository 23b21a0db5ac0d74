-- The outbox of attribution events.
CREATE TABLE events (
    -- seq orders events (lists, per-customer delivery) and is never reused.
    seq             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id              text        NOT NULL UNIQUE,
    program         text        NOT NULL,
    type            text        NOT NULL CHECK (type IN ('signup', 'purchase', 'refund')),
    natural_key     text        NOT NULL,
    customer_key    text        NOT NULL DEFAULT '',
    body_hash       text        NOT NULL,
    -- bytea, not jsonb: the payload is kept byte for byte as accepted.
    payload         bytea       NOT NULL,
    status          text        NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'delivered', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    last_error      text        NOT NULL DEFAULT '',
    next_attempt_at timestamptz NOT NULL,
    lease_owner     text        NOT NULL DEFAULT '',
    lease_until     timestamptz,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    delivered_at    timestamptz,
    UNIQUE (program, type, natural_key)
);

-- Claim and NextDue scan only the queue, which stays small next to history.
CREATE INDEX events_due ON events (next_attempt_at, seq) WHERE status = 'queued';
-- "Is an earlier event of this customer still queued?"
CREATE INDEX events_customer_queue ON events (program, customer_key, seq) WHERE status = 'queued';
-- Listing a program's events newest first, all or in one state.
CREATE INDEX events_program ON events (program, seq);
CREATE INDEX events_program_status ON events (program, status, seq);
-- QueueStats counts the queued and failed events.
CREATE INDEX events_status ON events (status, created_at);
