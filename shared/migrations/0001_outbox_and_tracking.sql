-- Transactional outbox: rows are written in the same transaction as the state change they
-- describe, and published by the relay in seq order per key.
CREATE TABLE outbox (
    seq        bigserial PRIMARY KEY,
    event_id   uuid NOT NULL UNIQUE,
    topic      text NOT NULL,
    key        bytea NOT NULL,
    value      bytea NOT NULL,
    headers    jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at    timestamptz
);
CREATE INDEX outbox_unsent ON outbox (seq) WHERE sent_at IS NULL;

-- Idempotent consumer: the id of each handled record, committed with its effects.
CREATE TABLE processed_events (
    event_id     uuid PRIMARY KEY,
    event_type   text NOT NULL,
    topic        text NOT NULL,
    partition    int NOT NULL,
    "offset"     bigint NOT NULL,
    outcome      text NOT NULL CHECK (outcome IN ('handled', 'ignored', 'dead_lettered')),
    processed_at timestamptz NOT NULL DEFAULT now()
);
