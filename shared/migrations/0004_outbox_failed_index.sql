-- /health counts the set-aside rows on every call: a partial index keeps that count off the
-- sent rows the outbox retains (a week of them by default), which a plain count would scan.
CREATE INDEX outbox_failed ON outbox (seq) WHERE failed_at IS NOT NULL;
