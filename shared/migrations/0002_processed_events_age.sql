-- The tracking rows' retention deletes by age (shared/tracking.py).
CREATE INDEX processed_events_processed_at ON processed_events (processed_at);
