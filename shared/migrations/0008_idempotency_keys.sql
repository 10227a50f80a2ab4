-- Idempotency-Key of POST requests (shared/idempotency.py): the claim is inserted in the command's
-- own transaction (with its outbox rows), the answer stored just after. `scope` is a hash of the
-- caller's organisation and subject; `body` is the answer the first request got.
CREATE TABLE idempotency_keys (
    scope        bytea NOT NULL,
    key          text NOT NULL,
    request_hash bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    status       integer,
    headers      jsonb,
    body         bytea,
    CONSTRAINT idempotency_keys_pkey PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys USING brin (created_at);
