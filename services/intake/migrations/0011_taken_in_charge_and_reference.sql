-- A registration can be dated in the past (a caseload taken in charge before Percorsi came), and an
-- imported person carries the organisation's own reference for them, as a keyed hash (like the
-- fiscal code's): importing the same file twice finds them and creates nothing new.
-- NULL (people registered before this column) reads as registered_on.
ALTER TABLE beneficiaries ADD COLUMN taken_in_charge_on date;
ALTER TABLE beneficiaries ADD COLUMN reference_index bytea;
CREATE UNIQUE INDEX beneficiaries_reference ON beneficiaries (organisation_id, reference_index)
    WHERE reference_index IS NOT NULL;
