-- Reporting's projections are generations: each one a schema gen_<n> holding the append-only fact
-- table, built from the topics. One is active (the reports read it); a rebuild fills a new one while
-- the consumer keeps writing to every open one, then switches, so the reports never stop answering.
CREATE TABLE projection_generations (
    generation  integer PRIMARY KEY,
    state       text NOT NULL CHECK (state IN ('building', 'active', 'retired')),
    started_at  timestamptz NOT NULL DEFAULT now(),
    switched_at timestamptz,
    events      bigint
);
CREATE UNIQUE INDEX projection_generations_one_active ON projection_generations ((true)) WHERE state = 'active';

CREATE FUNCTION create_fact_generation(n integer) RETURNS void LANGUAGE plpgsql AS $$
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
            payload         json,
            PRIMARY KEY (event_id, seq)
        )$t$, n);
END $$;

-- The indexes reports read by; a rebuild adds them once its bulk load is in (cheaper than keeping them up).
CREATE FUNCTION index_fact_generation(n integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE INDEX IF NOT EXISTS facts_org_type ON gen_%s.facts (organisation_id, event_type, occurred_on)', n);
    EXECUTE format('CREATE INDEX IF NOT EXISTS facts_project_type ON gen_%s.facts (project_id, event_type, occurred_on)', n);
    EXECUTE format('CREATE INDEX IF NOT EXISTS facts_person ON gen_%s.facts (beneficiary_id, recorded_at)', n);
    EXECUTE format('CREATE INDEX IF NOT EXISTS facts_supersedes ON gen_%s.facts (supersedes) WHERE supersedes IS NOT NULL', n);
END $$;

SELECT create_fact_generation(1);
SELECT index_fact_generation(1);
INSERT INTO projection_generations (generation, state, switched_at) VALUES (1, 'active', now());

-- The payload (the upcast, coarse one) is json, not jsonb: it is only ever read back whole, for the
-- timeline, and json stores the text as given, where jsonb would parse every event's on the way in.

-- Projects as funders see them: who funds it, who leads it, its partners, its budget lines.
CREATE TABLE projects (
    project_id           text PRIMARY KEY,
    funder               text NOT NULL,
    lead_organisation_id text NOT NULL,
    partners             text[] NOT NULL DEFAULT '{}',
    title                text NOT NULL,
    budget               jsonb NOT NULL DEFAULT '[]'
);

-- The first tables gave way to the facts: a rebuild from the topics fills generation 1.
DROP TABLE people;
DROP TABLE timeline;
