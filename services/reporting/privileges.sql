-- Reporting's role beyond the defaults of deploy/roles.py (":role" is replaced by the service role):
-- a rebuild's DDL only through the owner's functions (migrations/0004_generation_ddl_as_owner.sql).
GRANT EXECUTE ON FUNCTION create_fact_generation(integer), index_fact_generation(integer),
    drop_fact_generation(integer) TO :role;
-- A budget version is kept as recorded: the service adds versions and reads them, never rewrites or
-- removes one (migrations/0006_budget_versions.sql).
REVOKE UPDATE, DELETE, TRUNCATE ON budget_versions, budget_version_lines FROM :role;
-- So is a version of a project's roles (migrations/0007_project_role_versions.sql).
REVOKE UPDATE, DELETE, TRUNCATE ON project_role_versions FROM :role;
