-- An imported intervention carries the organisation's own reference for it (a keyed hash), so that
-- importing the same file twice records nothing twice.
ALTER TABLE interventions ADD COLUMN reference_index bytea;
CREATE UNIQUE INDEX interventions_reference ON interventions (organisation_id, reference_index)
    WHERE reference_index IS NOT NULL;
