-- Consent by purpose (GDPR art. 6, 7 and 9): each consent given or withdrawn is a row, never edited.
-- A person's current consents are each purpose's latest row when it gave consent. The purposes are a
-- data file (services/intake/data/consent_purposes.csv), checked by the service, not by a constraint.
CREATE TABLE consents (
    seq             bigserial PRIMARY KEY,
    beneficiary_id  uuid NOT NULL REFERENCES beneficiaries,
    organisation_id text NOT NULL,
    purpose         text NOT NULL,
    action          text NOT NULL CHECK (action IN ('given', 'withdrawn')),
    legal_basis     text,
    notice_version  text,
    given_by        text CHECK (given_by IN ('person', 'guardian')),
    on_date         date NOT NULL,
    expires_on      date,
    recorded_by     text NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    CHECK ((action = 'given') = (legal_basis IS NOT NULL AND notice_version IS NOT NULL AND given_by IS NOT NULL))
);
CREATE INDEX consents_person ON consents (beneficiary_id, purpose, seq);
CREATE INDEX consents_expiry ON consents (expires_on) WHERE expires_on IS NOT NULL;
CREATE TRIGGER consents_append_only BEFORE UPDATE OR DELETE ON consents
    FOR EACH ROW EXECUTE FUNCTION refuse_history_change();

CREATE VIEW current_consents AS
    SELECT DISTINCT ON (beneficiary_id, purpose) *
    FROM consents ORDER BY beneficiary_id, purpose, seq DESC;

-- Every person registered before: the consent their registration recorded, one row per purpose.
INSERT INTO consents (beneficiary_id, organisation_id, purpose, action, legal_basis, notice_version, given_by,
                      on_date, recorded_by)
SELECT beneficiary_id, organisation_id, unnest(consent_scope), 'given', 'consent', 'unrecorded', 'person',
       consent_date, registered_by
FROM beneficiaries WHERE erased_at IS NULL;
