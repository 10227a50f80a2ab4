-- Built from the events alone: anonymous attributes per person for indicators, and each
-- person's timeline. No personal data reaches this database.
CREATE TABLE people (
    beneficiary_id  uuid PRIMARY KEY,
    organisation_id text NOT NULL,
    registered_on   date NOT NULL,
    sex             text NOT NULL,
    age_band        text NOT NULL,
    legal_status    text NOT NULL,
    area            text,
    erased          boolean NOT NULL DEFAULT false
);
CREATE INDEX people_org ON people (organisation_id, sex, age_band);

CREATE TABLE timeline (
    event_id        uuid PRIMARY KEY,
    beneficiary_id  uuid NOT NULL,
    organisation_id text NOT NULL,
    event_type      text NOT NULL,
    occurred_at     timestamptz NOT NULL,
    producer        text NOT NULL,
    payload         jsonb NOT NULL
);
CREATE INDEX timeline_person ON timeline (beneficiary_id, occurred_at);
