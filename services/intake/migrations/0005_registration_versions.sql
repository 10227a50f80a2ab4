-- A registration correction rewrites the person's current row, so the registration it supersedes
-- is kept here whole, as it stood before that correction, sealed with the person's own key:
-- erasure destroys that key and with it every version. Append-only, like the corrections log.
CREATE TABLE registration_versions (
    seq            bigserial PRIMARY KEY,
    beneficiary_id uuid NOT NULL REFERENCES beneficiaries,
    correction_seq bigint NOT NULL UNIQUE REFERENCES corrections,
    registration   bytea NOT NULL,              -- sealed: the superseded registration
    superseded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX registration_versions_person ON registration_versions (beneficiary_id, seq);
CREATE TRIGGER registration_versions_append_only BEFORE UPDATE OR DELETE ON registration_versions
    FOR EACH ROW EXECUTE FUNCTION refuse_history_change();
