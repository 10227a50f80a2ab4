-- One fund of each kind per project of an organisation: a second would split one budget in two, and a
-- person's cap and six months of rent are counted per fund. If an older database holds two such funds,
-- this migration fails (and the service does not start) until someone decides which one stays.
ALTER TABLE funds ADD CONSTRAINT funds_one_per_project_kind UNIQUE (organisation_id, project_id, kind);
DROP INDEX funds_org;  -- the constraint's index leads with the same columns

-- A person's supports in a fund (the checks per person at each request and approval), and the
-- organisation's supports oldest first (GET /supports).
CREATE INDEX supports_person ON supports (fund_id, beneficiary_id);
CREATE INDEX supports_org ON supports (organisation_id, requested_on, support_id);
