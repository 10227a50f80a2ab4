-- Reporting's role beyond the defaults of deploy/roles.py (":role" is replaced by the service role):
-- a rebuild's DDL only through the owner's functions (migrations/0004_generation_ddl_as_owner.sql).
GRANT EXECUTE ON FUNCTION create_fact_generation(integer), index_fact_generation(integer),
    drop_fact_generation(integer) TO :role;
