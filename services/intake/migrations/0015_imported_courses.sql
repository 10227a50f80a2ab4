-- An imported course carries the organisation's own reference for it (a keyed hash): a second import
-- of the same file finds it, and each person's enrolment in it once (the enrolment's key).
ALTER TABLE courses ADD COLUMN reference_index bytea;
CREATE UNIQUE INDEX courses_reference ON courses (organisation_id, reference_index) WHERE reference_index IS NOT NULL;
