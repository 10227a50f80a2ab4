-- Corrections are new facts, never edits of old ones. A registration is corrected in place (the
-- sealed blob, its search indexes and coarse columns) and each correction appends a row here: who,
-- when, the names of the fields that changed and the reason, sealed with the person's own key.
-- An intervention is corrected by a new row that `corrects` it; the old row stays as recorded and
-- is superseded because a row corrects it.
CREATE TABLE corrections (
    seq                      bigserial PRIMARY KEY,
    beneficiary_id           uuid NOT NULL REFERENCES beneficiaries,
    organisation_id          text NOT NULL,
    target                   text NOT NULL CHECK (target IN ('registration', 'intervention')),
    intervention_id          uuid,             -- the correcting row, for an intervention
    corrected_intervention_id uuid,            -- the row it supersedes
    fields                   text[] NOT NULL CHECK (cardinality(fields) > 0),
    reason                   bytea NOT NULL,   -- sealed: the reason as written
    corrected_on             date NOT NULL,
    corrected_by             text NOT NULL,
    corrected_at             timestamptz NOT NULL DEFAULT now(),
    CHECK ((target = 'intervention') = (intervention_id IS NOT NULL AND corrected_intervention_id IS NOT NULL))
);
CREATE INDEX corrections_person ON corrections (beneficiary_id, seq);
CREATE TRIGGER corrections_append_only BEFORE UPDATE OR DELETE ON corrections
    FOR EACH ROW EXECUTE FUNCTION refuse_history_change();

-- At most one correction per intervention, so the corrections of one form a chain to the current row.
ALTER TABLE interventions ADD COLUMN corrects uuid UNIQUE REFERENCES interventions (intervention_id);
-- A recorded intervention is a fact: it is superseded by a correcting row, never edited.
CREATE TRIGGER interventions_never_edited BEFORE UPDATE ON interventions
    FOR EACH ROW EXECUTE FUNCTION refuse_history_change();
