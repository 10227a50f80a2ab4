-- Employment's own records. No personal data of beneficiaries: the opaque id and what matching needs.
-- Money is NUMERIC(12,2) euros; every table is scoped by organisation_id.

-- The people employment may work with: what intake's events told it, and what the team recorded.
CREATE TABLE people (
    beneficiary_id   uuid PRIMARY KEY,
    organisation_id  text NOT NULL,
    registered_on    date NOT NULL,
    sex              text NOT NULL DEFAULT 'X',
    age_band         text NOT NULL,
    adult_from       date,                         -- minors: the day they may be matched to work
    italian_level    text,
    languages        text[] NOT NULL DEFAULT '{}',
    area             text,                         -- province code
    municipality     text,                         -- ISTAT code, when known
    project_ids      text[] NOT NULL DEFAULT '{}',
    work_goal_since  date,                         -- a work goal in the agreed plan
    consent_since    date,                         -- consent to the employment referral
    driving_licence  boolean NOT NULL DEFAULT false,
    mobility         text[] NOT NULL DEFAULT '{}',  -- bicycle, car
    childcare_need   boolean NOT NULL DEFAULT false,
    available_from   date,
    max_weekly_hours integer,
    experience       jsonb NOT NULL DEFAULT '{}',  -- ATECO section -> years
    women_inactive   boolean NOT NULL DEFAULT false,
    employed_since   date,
    erased           boolean NOT NULL DEFAULT false,
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX people_org ON people (organisation_id, registered_on);

INSERT INTO people (beneficiary_id, organisation_id, registered_on, age_band, italian_level, languages, area)
SELECT beneficiary_id, organisation_id, since, age_band, italian_level, languages, area FROM candidates;
DROP TABLE candidates;

-- Projects' settings for matching (the women's-inactivity priority is switched per project).
CREATE TABLE project_settings (
    organisation_id  text NOT NULL,
    project_id       text NOT NULL,
    women_priority   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (organisation_id, project_id)
);

CREATE TABLE funds (
    fund_id          uuid PRIMARY KEY,
    organisation_id  text NOT NULL,
    project_id       text NOT NULL,
    name             text NOT NULL,
    budget           numeric(12,2) NOT NULL CHECK (budget >= 0),
    committed        numeric(12,2) NOT NULL DEFAULT 0,
    paid             numeric(12,2) NOT NULL DEFAULT 0,
    -- the guards the conditional UPDATEs rely on, held by the database itself as well
    CHECK (committed <= budget AND paid <= budget AND paid >= 0 AND committed >= 0),
    UNIQUE (organisation_id, project_id, name)
);

CREATE TABLE openings (
    opening_id       uuid PRIMARY KEY,
    organisation_id  text NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('traineeship', 'bursary', 'course', 'job_offer')),
    title            text NOT NULL,
    municipality     text NOT NULL,
    region           text NOT NULL,
    sector           text NOT NULL,
    start_date       date NOT NULL,
    end_date         date,
    seats            integer NOT NULL CHECK (seats >= 1),
    weekly_hours     integer NOT NULL,
    italian_level    text,
    driving_licence  boolean NOT NULL DEFAULT false,
    max_weekly_hours integer,
    project_id       text,
    fund_id          uuid REFERENCES funds,
    monthly_project_eur numeric(12,2) NOT NULL DEFAULT 0,
    instalments      integer NOT NULL DEFAULT 0,
    terms            jsonb NOT NULL,               -- the kind's own terms (companies, agreement, tutors...)
    status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX openings_org ON openings (organisation_id, kind, start_date);

-- One person in one opening, along the pipeline; the stage history says how long each stage took.
CREATE TABLE placements (
    placement_id     uuid PRIMARY KEY,
    opening_id       uuid NOT NULL REFERENCES openings,
    beneficiary_id   uuid NOT NULL,
    organisation_id  text NOT NULL,
    kind             text NOT NULL,
    stage            text NOT NULL,
    since            date NOT NULL,
    score            integer NOT NULL,
    score_parts      jsonb NOT NULL,
    reason           text,
    hire             jsonb,
    updated_at       timestamptz NOT NULL DEFAULT now()
);
-- A person holds at most one seat at a time (the engine's rule, kept by the database too).
CREATE UNIQUE INDEX placements_one_active ON placements (beneficiary_id)
    WHERE stage IN ('proposed', 'interview', 'started', 'enrolled');
CREATE INDEX placements_org_stage ON placements (organisation_id, stage, since);
CREATE INDEX placements_opening ON placements (opening_id, stage);

CREATE TABLE stage_history (
    placement_id     uuid NOT NULL REFERENCES placements,
    stage            text NOT NULL,
    entered_on       date NOT NULL,
    left_on          date,
    PRIMARY KEY (placement_id, stage)
);

-- Pairs turned down: never proposed again.
CREATE TABLE declined_pairs (
    beneficiary_id   uuid NOT NULL,
    opening_id       uuid NOT NULL,
    organisation_id  text NOT NULL,
    PRIMARY KEY (beneficiary_id, opening_id)
);
CREATE INDEX declined_pairs_org ON declined_pairs (organisation_id);

-- Each organisation's matching is re-solved under a lock on its row here; `version` moves with every
-- change, so a process whose engine saw another version rebuilds it from these tables first.
CREATE TABLE matching_versions (
    organisation_id  text PRIMARY KEY,
    version          bigint NOT NULL DEFAULT 0
);

CREATE TABLE instalments (
    placement_id     uuid NOT NULL REFERENCES placements,
    month_no         integer NOT NULL,
    organisation_id  text NOT NULL,
    fund_id          uuid NOT NULL REFERENCES funds,
    due_on           date NOT NULL,
    amount           numeric(12,2) NOT NULL CHECK (amount > 0),
    paid_on          date,
    cancelled        boolean NOT NULL DEFAULT false,
    PRIMARY KEY (placement_id, month_no)
);
CREATE INDEX instalments_due ON instalments (organisation_id, due_on) WHERE paid_on IS NULL AND NOT cancelled;

CREATE TABLE recognitions (
    recognition_id   uuid PRIMARY KEY,
    beneficiary_id   uuid NOT NULL,
    organisation_id  text NOT NULL,
    qualification    text NOT NULL,
    country          text NOT NULL,
    sector           text,
    state            text NOT NULL,
    history          jsonb NOT NULL               -- [[state, date], ...]
);
CREATE INDEX recognitions_person ON recognitions (beneficiary_id);

CREATE TABLE certifications (
    certification_id uuid PRIMARY KEY,
    beneficiary_id   uuid NOT NULL,
    organisation_id  text NOT NULL,
    sector           text NOT NULL,
    eqf_level        integer NOT NULL,
    outcome          text NOT NULL,
    certified_on     date NOT NULL
);
CREATE INDEX certifications_person ON certifications (beneficiary_id);
