-- People registered at intake who wait for a work path (bursary, traineeship, training, job).
-- No personal data: the opaque id and what matching needs.
CREATE TABLE candidates (
    beneficiary_id  uuid PRIMARY KEY,
    organisation_id text NOT NULL,
    since           date NOT NULL,
    age_band        text NOT NULL,
    italian_level   text,
    languages       text[] NOT NULL DEFAULT '{}',
    area            text,
    status          text NOT NULL DEFAULT 'waiting',
    registered_event uuid NOT NULL
);
CREATE INDEX candidates_org ON candidates (organisation_id, since);
