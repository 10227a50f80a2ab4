-- Why a consent stopped: withdrawn by the person, or expired (turned into a withdrawal by intake's
-- expiry sweep, so the services acting on it stop as they do on a withdrawal).
ALTER TABLE consents ADD COLUMN cause text CHECK (cause IN ('withdrawn', 'expired'));
CREATE OR REPLACE VIEW current_consents AS
    SELECT DISTINCT ON (beneficiary_id, purpose) *
    FROM consents ORDER BY beneficiary_id, purpose, seq DESC;
