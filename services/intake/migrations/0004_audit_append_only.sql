-- The audit log of personal-data reads is a record of facts, like the history tables: rows are
-- appended, never edited, deleted or truncated away.
CREATE TRIGGER pii_access_log_append_only BEFORE UPDATE OR DELETE ON pii_access_log
    FOR EACH ROW EXECUTE FUNCTION refuse_history_change();
CREATE TRIGGER pii_access_log_never_truncated BEFORE TRUNCATE ON pii_access_log
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change();

-- A search by name or fiscal code is audited even when it finds nobody: that row names no person.
ALTER TABLE pii_access_log ALTER COLUMN beneficiary_id DROP NOT NULL,
    ADD CONSTRAINT pii_access_log_person_unless_search CHECK (beneficiary_id IS NOT NULL OR action = 'search');
