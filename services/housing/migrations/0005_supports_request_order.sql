-- Supports requested the same day are listed in the order they came (GET /supports, oldest first).
ALTER TABLE supports ADD COLUMN seq bigserial;
CREATE INDEX supports_org_seq ON supports (organisation_id, requested_on, seq);
