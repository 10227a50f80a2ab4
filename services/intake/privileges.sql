-- Intake's role beyond the defaults of deploy/roles.py (":role" is replaced by the service role).
-- The audit log is append-only for the service: it reads and inserts, never updates or deletes
-- (the triggers of 0004_audit_append_only refuse it too; the role owns neither table nor triggers,
-- so it cannot disable them, alter the table or truncate it).
REVOKE UPDATE, DELETE, TRUNCATE ON pii_access_log FROM :role;
-- Superseded registrations are kept, sealed: added, read, never rewritten (erasure destroys the key).
REVOKE UPDATE ON registration_versions FROM :role;
