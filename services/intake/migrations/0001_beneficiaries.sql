-- A person taken in charge. Personal fields live only in `personal` (AES-GCM, the person's own
-- key in person_keys); the other columns are the coarse attributes lists and events need.
CREATE TABLE person_keys (
    beneficiary_id uuid PRIMARY KEY,
    wrapped_key    bytea NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE beneficiaries (
    beneficiary_id    uuid PRIMARY KEY,
    organisation_id   text NOT NULL,
    personal          bytea,
    fiscal_code_index bytea,
    match_key_index   bytea,
    name_index        bytea[] NOT NULL DEFAULT '{}',
    sex               text NOT NULL,
    age_band          text NOT NULL,
    legal_status      text NOT NULL,
    reception         text NOT NULL,
    must_leave_by     date,
    permit_expiry     date,
    household_size    int NOT NULL,
    children          int NOT NULL,
    single_parent     boolean NOT NULL,
    italian_level     text NOT NULL,
    languages         text[] NOT NULL DEFAULT '{}',
    vulnerabilities   text[] NOT NULL DEFAULT '{}',
    project_ids       text[] NOT NULL,
    consent_date      date NOT NULL,
    consent_scope     text[] NOT NULL,
    path_status       text NOT NULL DEFAULT 'taken_in_charge',
    registered_on     date NOT NULL,
    registered_by     text NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    erased_at         timestamptz
);
-- Duplicates are caught per organisation: another organisation's people are not visible.
CREATE INDEX beneficiaries_fiscal_code ON beneficiaries (organisation_id, fiscal_code_index);
CREATE INDEX beneficiaries_match_key ON beneficiaries (organisation_id, match_key_index);
CREATE INDEX beneficiaries_names ON beneficiaries USING gin (name_index);
CREATE INDEX beneficiaries_org ON beneficiaries (organisation_id, created_at, beneficiary_id);

-- Every read of personal data: who, when, which person, why.
CREATE TABLE pii_access_log (
    id              bigserial PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT now(),
    actor           text NOT NULL,
    actor_role      text NOT NULL,
    organisation_id text NOT NULL,
    beneficiary_id  uuid NOT NULL,
    action          text NOT NULL,
    purpose         text NOT NULL
);
CREATE INDEX pii_access_log_person ON pii_access_log (beneficiary_id, at);
