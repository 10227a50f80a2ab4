-- People registered at intake who wait for a housing solution. No personal data: the
-- beneficiary's opaque id and the coarse attributes the housing team matches on.
CREATE TABLE waiting_list (
    beneficiary_id  uuid PRIMARY KEY,
    organisation_id text NOT NULL,
    since           date NOT NULL,
    household_size  int NOT NULL,
    children        int NOT NULL DEFAULT 0,
    reception       text,
    area            text,
    status          text NOT NULL DEFAULT 'waiting',
    registered_event uuid NOT NULL
);
CREATE INDEX waiting_list_org ON waiting_list (organisation_id, since);
