-- The consent a registration (or an import) records, one consents row per purpose of its scope,
-- written by a trigger in the same statement as the person: every way a person is stored (one
-- registration, a COPY of many) records their consent the same way.
ALTER TABLE beneficiaries ADD COLUMN consent_legal_basis text NOT NULL DEFAULT 'consent';
ALTER TABLE beneficiaries ADD COLUMN consent_notice_version text NOT NULL DEFAULT 'unrecorded';
ALTER TABLE beneficiaries ADD COLUMN consent_given_by text NOT NULL DEFAULT 'person';
ALTER TABLE beneficiaries ADD COLUMN consent_expires_on date;

CREATE FUNCTION record_registration_consent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO consents (beneficiary_id, organisation_id, purpose, action, legal_basis, notice_version, given_by,
                          on_date, expires_on, recorded_by)
    SELECT NEW.beneficiary_id, NEW.organisation_id, purpose, 'given', NEW.consent_legal_basis,
           NEW.consent_notice_version, NEW.consent_given_by, NEW.consent_date, NEW.consent_expires_on,
           NEW.registered_by
    FROM unnest(NEW.consent_scope) AS purpose;
    RETURN NULL;
END $$;
CREATE TRIGGER beneficiaries_record_consent AFTER INSERT ON beneficiaries
    FOR EACH ROW EXECUTE FUNCTION record_registration_consent();
