-- A person attribute more on every fact: women_inactive ('yes': a woman neither working nor seeking work
-- when taken in charge, 'no' otherwise, NULL: not recorded), versioned by corrections as sex or province
-- are, so the women's-inactivity indicator follows a corrected work status.
CREATE OR REPLACE FUNCTION make_fact_generation(n integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE SCHEMA gen_%s', n);
    EXECUTE format($t$
        CREATE TABLE gen_%s.facts (
            event_id        uuid NOT NULL,
            seq             smallint NOT NULL,
            event_type      text NOT NULL,
            schema_version  smallint NOT NULL,
            producer        text NOT NULL,
            recorded_at     timestamptz NOT NULL,
            occurred_on     date NOT NULL,
            beneficiary_id  uuid NOT NULL,
            organisation_id text NOT NULL,
            project_id      text,
            kind            text,
            category        text,
            sector          text,
            amount          numeric(14, 2),
            quantity        numeric(12, 2),
            record_id       uuid,
            supersedes      uuid,
            sex             text,
            age_band        text,
            legal_status    text,
            citizenship     text,
            province        text,
            women_inactive  text,
            payload         json,
            PRIMARY KEY (event_id, seq)
        )$t$, n);
END $$;

-- The generations already there (facts recorded before this column: a rebuild fills it from the topics).
DO $$
DECLARE g text;
BEGIN
    FOR g IN SELECT nspname FROM pg_namespace WHERE nspname ~ '^gen_[0-9]+$' LOOP
        EXECUTE format('ALTER TABLE %I.facts ADD COLUMN IF NOT EXISTS women_inactive text', g);
    END LOOP;
END $$;
