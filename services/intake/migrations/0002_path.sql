-- The individual path after registration: funding projects, assessments, the plan and its goals,
-- status moves, interventions, courses and erasures. Free text about a person (needs, goal and
-- phase titles, reasons) is sealed in `notes` with the person's own key, so erasure destroys it
-- with the key; the plain columns hold only what the events already tell other services.

-- Rows of history are facts: they are corrected by appending, never by editing.
CREATE FUNCTION refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: record a correction as a new row', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END $$;

CREATE TABLE projects (
    lead_organisation_id text NOT NULL,
    code                 text NOT NULL,
    funder               text NOT NULL
        CHECK (funder IN ('fami', 'esf', 'foundation', 'municipality', 'region', 'other')),
    title                text NOT NULL,
    partners             text[] NOT NULL DEFAULT '{}',
    territories          text[] NOT NULL DEFAULT '{}',
    start_date           date NOT NULL,
    end_date             date NOT NULL,
    created_by           text NOT NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (lead_organisation_id, code),
    CHECK (end_date > start_date)
);
CREATE INDEX projects_partners ON projects USING gin (partners);

CREATE TABLE project_budget (
    lead_organisation_id text NOT NULL,
    code                 text NOT NULL,
    work_package         text NOT NULL CHECK (work_package IN ('work', 'housing', 'social', 'management')),
    amount_eur           numeric(14, 2) NOT NULL CHECK (amount_eur >= 0),
    PRIMARY KEY (lead_organisation_id, code, work_package),
    FOREIGN KEY (lead_organisation_id, code) REFERENCES projects
);

CREATE TABLE assessments (
    assessment_id       uuid PRIMARY KEY,
    beneficiary_id      uuid NOT NULL REFERENCES beneficiaries,
    organisation_id     text NOT NULL,
    assessed_on         date NOT NULL,
    skills              jsonb NOT NULL,          -- [{name, level}], names normalised
    work_experience     jsonb NOT NULL,          -- [{sector, years}]
    need_keywords       jsonb NOT NULL,          -- {work: [...], housing: [...], social: [...]}
    vulnerability_count int NOT NULL CHECK (vulnerability_count >= 0),
    notes               bytea NOT NULL,          -- sealed: the assessment as entered
    recorded_by         text NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assessments_person ON assessments (beneficiary_id, created_at);

CREATE TABLE plans (
    beneficiary_id  uuid PRIMARY KEY REFERENCES beneficiaries,
    organisation_id text NOT NULL,
    agreed_on       date NOT NULL,
    agreed_by       text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- A goal's current state; every change to it is also in goal_history.
CREATE TABLE goals (
    goal_id              uuid PRIMARY KEY,
    beneficiary_id       uuid NOT NULL REFERENCES plans,
    organisation_id      text NOT NULL,
    position             int NOT NULL,
    area                 text NOT NULL CHECK (area IN ('work', 'housing', 'social')),
    responsible_operator text NOT NULL,
    deadline             date NOT NULL,
    phase_dues           date[] NOT NULL DEFAULT '{}',
    status               text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'met', 'missed', 'replanned')),
    closed_on            date,
    notes                bytea NOT NULL,         -- sealed: title and phase titles
    UNIQUE (beneficiary_id, position)
);
CREATE INDEX goals_operator ON goals (responsible_operator);
CREATE INDEX goals_open_deadline ON goals (deadline) WHERE status IN ('open', 'replanned');

CREATE TABLE goal_history (
    seq            bigserial PRIMARY KEY,
    goal_id        uuid NOT NULL REFERENCES goals,
    beneficiary_id uuid NOT NULL,
    change         text NOT NULL CHECK (change IN ('agreed', 'met', 'missed', 'replanned')),
    status         text NOT NULL,
    deadline       date NOT NULL,
    closed_on      date,
    notes          bytea,                         -- sealed: the reason given, if any
    recorded_on    date NOT NULL,
    recorded_by    text NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX goal_history_goal ON goal_history (goal_id, seq);
CREATE TRIGGER goal_history_append_only BEFORE UPDATE OR DELETE ON goal_history
    FOR EACH ROW EXECUTE FUNCTION refuse_history_change();

CREATE TABLE path_transitions (
    seq             bigserial PRIMARY KEY,
    beneficiary_id  uuid NOT NULL REFERENCES beneficiaries,
    from_status     text NOT NULL,
    to_status       text NOT NULL,
    reason_category text NOT NULL,
    notes           bytea NOT NULL,               -- sealed: the reason as written
    changed_on      date NOT NULL,
    changed_by      text NOT NULL,
    changed_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX path_transitions_person ON path_transitions (beneficiary_id, seq);
CREATE TRIGGER path_transitions_append_only BEFORE UPDATE OR DELETE ON path_transitions
    FOR EACH ROW EXECUTE FUNCTION refuse_history_change();

CREATE TABLE courses (
    course_id       uuid PRIMARY KEY,
    organisation_id text NOT NULL,
    kind            text NOT NULL,
    title           text NOT NULL,
    project_id      text NOT NULL,
    start_date      date NOT NULL,
    end_date        date NOT NULL,
    hours           numeric(7, 2) NOT NULL CHECK (hours > 0),
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (end_date >= start_date)
);
CREATE INDEX courses_org ON courses (organisation_id, start_date);

CREATE TABLE course_enrolments (
    course_id      uuid NOT NULL REFERENCES courses,
    beneficiary_id uuid NOT NULL REFERENCES beneficiaries,
    enrolled_on    date NOT NULL,
    enrolled_by    text NOT NULL,
    PRIMARY KEY (course_id, beneficiary_id)
);

CREATE TABLE course_completions (
    course_id      uuid NOT NULL,
    beneficiary_id uuid NOT NULL,
    completed_on   date NOT NULL,
    level_before   text,
    level_reached  text,
    recorded_by    text NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (course_id, beneficiary_id),
    FOREIGN KEY (course_id, beneficiary_id) REFERENCES course_enrolments
);

CREATE TABLE interventions (
    intervention_id  uuid PRIMARY KEY,
    beneficiary_id   uuid NOT NULL REFERENCES beneficiaries,
    organisation_id  text NOT NULL,
    kind             text NOT NULL,
    on_date          date NOT NULL,
    duration_minutes int NOT NULL CHECK (duration_minutes > 0),
    hours            numeric(4, 2) CHECK (hours > 0),
    operator_id      text NOT NULL,
    project_id       text NOT NULL,
    cost_eur         numeric(12, 2) CHECK (cost_eur >= 0),
    course_id        uuid REFERENCES courses,
    recorded_by      text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'intercultural_mediation') = (hours IS NOT NULL))
);
CREATE INDEX interventions_person ON interventions (beneficiary_id, on_date DESC, created_at DESC);
CREATE INDEX interventions_project ON interventions (organisation_id, project_id, on_date);

-- Who erased whom, when and why (accountability); the person's data is gone, this row stays.
CREATE TABLE erasures (
    beneficiary_id  uuid PRIMARY KEY REFERENCES beneficiaries,
    organisation_id text NOT NULL,
    reason          text NOT NULL,
    erased_by       text NOT NULL,
    erased_at       timestamptz NOT NULL DEFAULT now()
);
