-- Reporting's service role owns nothing (deploy/roles.py): a rebuild's schemas are made, indexed,
-- analysed and dropped through these functions, which run as the migrations' owner
-- (SECURITY DEFINER, fixed search_path) and give the calling role the rows of the new tables only.
ALTER FUNCTION create_fact_generation(integer) RENAME TO make_fact_generation;
REVOKE ALL ON FUNCTION make_fact_generation(integer) FROM PUBLIC;

CREATE FUNCTION create_fact_generation(n integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM make_fact_generation(n);
    EXECUTE format('GRANT USAGE ON SCHEMA gen_%s TO %I', n, session_user);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA gen_%s TO %I', n, session_user);
END $$;

ALTER FUNCTION index_fact_generation(integer) RENAME TO make_fact_generation_indexes;
REVOKE ALL ON FUNCTION make_fact_generation_indexes(integer) FROM PUBLIC;

CREATE FUNCTION index_fact_generation(n integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM make_fact_generation_indexes(n);
    EXECUTE format('ANALYZE gen_%s.facts', n);
END $$;

CREATE FUNCTION drop_fact_generation(n integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    EXECUTE format('DROP SCHEMA IF EXISTS gen_%s CASCADE', n);
END $$;

REVOKE ALL ON FUNCTION create_fact_generation(integer), index_fact_generation(integer),
    drop_fact_generation(integer) FROM PUBLIC;
