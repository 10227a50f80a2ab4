-- The retentions delete by age: tracking rows by processed_at (shared/tracking.py, hourly), sent
-- outbox rows by sent_at (the relay, once a minute). Both columns grow with the rows' physical
-- order, so a BRIN index (a few pages, next to nothing per insert) finds the old ones where a
-- B-tree would cost an index insert on every tracked event, and no index a full scan a minute.
DROP INDEX processed_events_processed_at;
CREATE INDEX processed_events_processed_at ON processed_events USING brin (processed_at);
CREATE INDEX outbox_sent_at ON outbox USING brin (sent_at);
