-- Housing's own state: the offer, the demand it learns from events, the proposals and their steps, and
-- the project funds that pay rent advances and contributions. Addresses stay here and never travel.

-- The demand: one row per person housing knows of (registered at intake). Only those with a housing goal
-- in their plan and consent to the housing referral are matched; the rest wait for either.
CREATE TABLE households (
    beneficiary_id    uuid PRIMARY KEY,
    organisation_id   text NOT NULL,
    waiting_since     date NOT NULL,
    size              int NOT NULL CHECK (size >= 1),
    children          int NOT NULL DEFAULT 0 CHECK (children >= 0),
    sex               text NOT NULL,
    age_band          text NOT NULL,
    areas             text[] NOT NULL DEFAULT '{}',
    languages         text[] NOT NULL DEFAULT '{}',
    step_free_need    boolean NOT NULL DEFAULT false,
    leave_by          date,
    monthly_income    numeric(12, 2) NOT NULL DEFAULT 0,
    income_source     text,
    work_municipality text,
    vulnerable        boolean NOT NULL DEFAULT false,
    housing_goal      boolean NOT NULL DEFAULT false,
    consent           boolean NOT NULL DEFAULT false,
    status            text NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'housed', 'closed', 'erased')),
    reception         text
);
CREATE INDEX households_matchable ON households (organisation_id, waiting_since)
    WHERE status = 'waiting' AND housing_goal AND consent;

INSERT INTO households (beneficiary_id, organisation_id, waiting_since, size, children, sex, age_band, areas,
                        reception)
SELECT beneficiary_id, organisation_id, since, household_size, children, 'X', '25_34',
       CASE WHEN area IS NULL THEN '{}'::text[] ELSE ARRAY[area] END, reception
FROM waiting_list;
DROP TABLE waiting_list;

CREATE TABLE places (
    place_id              uuid PRIMARY KEY,
    organisation_id       text NOT NULL,
    kind                  text NOT NULL CHECK (kind IN ('cohousing', 'host_family')),
    managing_organisation text,
    address               text,
    municipality          text NOT NULL CHECK (municipality ~ '^\d{6}$'),
    province              text NOT NULL CHECK (province ~ '^[A-Z]{2}$'),
    beds_total            int NOT NULL CHECK (beds_total >= 1),
    beds_free             int NOT NULL CHECK (beds_free >= 0 AND beds_free <= beds_total),
    gender_policy         text NOT NULL,
    step_free             boolean NOT NULL DEFAULT false,
    monthly_cost_per_bed  numeric(10, 2) NOT NULL DEFAULT 0 CHECK (monthly_cost_per_bed >= 0),
    available_from        date,
    available_to          date,
    languages             text[] NOT NULL DEFAULT '{}',
    host_sexes            text[] NOT NULL DEFAULT '{}',
    host_age_bands        text[] NOT NULL DEFAULT '{}',
    host_children_ok      boolean NOT NULL DEFAULT true,
    active                boolean NOT NULL DEFAULT true,
    CHECK (available_to IS NULL OR available_from IS NULL OR available_from <= available_to)
);
CREATE INDEX places_org ON places (organisation_id, province) WHERE active;

-- A pair declined once is never proposed again.
CREATE TABLE declined_pairs (
    beneficiary_id uuid NOT NULL,
    place_id       uuid NOT NULL,
    PRIMARY KEY (beneficiary_id, place_id)
);

CREATE TABLE proposals (
    proposal_id     uuid PRIMARY KEY,
    organisation_id text NOT NULL,
    beneficiary_id  uuid NOT NULL,
    place_id        uuid NOT NULL REFERENCES places (place_id),
    household_size  int NOT NULL,
    status          text NOT NULL,
    person_confirmed boolean NOT NULL DEFAULT false,
    host_confirmed  boolean NOT NULL DEFAULT false,
    score           double precision NOT NULL,
    score_parts     jsonb NOT NULL,
    made_on         date NOT NULL,
    last_step_on    date NOT NULL,
    decline_actor   text,
    decline_reason  text,
    decline_note    text,            -- free text for "other": stays in housing, never on Kafka
    move_out_reason text
);
-- One open proposal per household: a household is never offered two places at once.
CREATE UNIQUE INDEX proposals_one_open ON proposals (beneficiary_id)
    WHERE status NOT IN ('declined', 'moved_out');
CREATE INDEX proposals_org_status ON proposals (organisation_id, status, last_step_on);
CREATE INDEX proposals_place ON proposals (place_id) WHERE status NOT IN ('declined', 'moved_out');

CREATE TABLE funds (
    fund_id         uuid PRIMARY KEY,
    organisation_id text NOT NULL,
    project_id      text NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('rent_advance', 'contributions')),
    total           numeric(12, 2) NOT NULL CHECK (total >= 0),
    cap_per_person  numeric(12, 2) NOT NULL CHECK (cap_per_person >= 0),
    committed       numeric(12, 2) NOT NULL DEFAULT 0,
    paid            numeric(12, 2) NOT NULL DEFAULT 0,
    -- the last line of defence: whatever the code does, a fund can never be overspent
    CHECK (committed <= total AND paid <= committed AND paid >= 0)
);
CREATE INDEX funds_org ON funds (organisation_id, project_id);

CREATE TABLE supports (
    support_id      uuid PRIMARY KEY,
    fund_id         uuid NOT NULL REFERENCES funds (fund_id),
    organisation_id text NOT NULL,
    beneficiary_id  uuid NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('rent_advance', 'furniture', 'utilities')),
    amount          numeric(12, 2) NOT NULL CHECK (amount > 0),
    months          int CHECK (months BETWEEN 1 AND 12),
    monthly_rent    numeric(12, 2),
    lease_ref       text,
    status          text NOT NULL CHECK (status IN ('requested', 'approved', 'paid', 'refused')),
    requested_on    date NOT NULL
);
CREATE INDEX supports_fund ON supports (fund_id, status);
