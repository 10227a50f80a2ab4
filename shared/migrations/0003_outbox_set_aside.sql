-- A row Kafka can never accept (too large) is set aside with the reason instead of stalling its
-- partition; it stays for an operator to see, and the relay no longer claims it.
ALTER TABLE outbox ADD COLUMN failed_at timestamptz, ADD COLUMN failure text;
DROP INDEX outbox_unsent;
CREATE INDEX outbox_unsent ON outbox (seq) WHERE sent_at IS NULL AND failed_at IS NULL;
