-- The duplicate search looks the keyed hashes up first and filters the organisation after: with
-- the organisation leading these indexes, the planner would walk all of a new organisation's
-- people instead (its statistics do not know the organisation yet).
DROP INDEX beneficiaries_fiscal_code;
DROP INDEX beneficiaries_match_key;
CREATE INDEX beneficiaries_fiscal_code ON beneficiaries (fiscal_code_index) WHERE fiscal_code_index IS NOT NULL;
CREATE INDEX beneficiaries_match_key ON beneficiaries (match_key_index) WHERE match_key_index IS NOT NULL;
