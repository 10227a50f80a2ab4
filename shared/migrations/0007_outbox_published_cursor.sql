-- The relay's progress is one cursor, `outbox_relay.published_seq`: every row at or below it has
-- been published (or set aside, `failed_at`). Before, the relay marked each published row sent; an
-- UPDATE writes a whole new version of the row, its index entries and as much WAL as the insert did,
-- so the mark cost the database as much as the write it followed. Moving the cursor is one small
-- row per batch.
--
-- Seqs are taken in one order and committed in another, so the relay never passes a missing seq
-- below a visible one until it is settled: until every transaction that could still commit it has
-- ended. For that, a transaction takes its id before its first seq (the default below): whoever
-- holds a seq below one visible to the relay's read had its id before that read's snapshot, and
-- once the oldest running transaction is younger than an id the read takes after its snapshot,
-- the gap is final (a rollback, a failed statement). See `SettledGaps` in shared/relay.py.
CREATE TABLE outbox_relay (
    only_row      boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    published_seq bigint NOT NULL
);
-- An outbox migrated with rows still unsent resumes at the first of them.
INSERT INTO outbox_relay (published_seq)
SELECT coalesce(min(seq) - 1, (SELECT max(seq) FROM outbox), 0)
FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL;

ALTER TABLE outbox ALTER COLUMN seq SET DEFAULT
    CASE WHEN pg_current_xact_id() IS NOT NULL THEN nextval('outbox_seq_seq'::regclass) END;

DROP INDEX outbox_unsent;
DROP INDEX outbox_sent_at;
ALTER TABLE outbox DROP COLUMN sent_at;
-- The retention deletes published rows by age, once a minute; created_at grows with the physical order.
CREATE INDEX outbox_created_at ON outbox USING brin (created_at);

-- What the relay has still to publish: for operators and tests, not for the relay's own reads.
CREATE VIEW outbox_pending AS
    SELECT o.* FROM outbox o
    WHERE o.seq > (SELECT published_seq FROM outbox_relay) AND o.failed_at IS NULL;
