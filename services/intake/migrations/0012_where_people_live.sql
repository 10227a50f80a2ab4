-- Where the person lives or is hosted (province code, municipality by ISTAT code) and the provinces
-- they would accept to live or work in: coarse attributes housing and employment match on.
ALTER TABLE beneficiaries ADD COLUMN area text;
ALTER TABLE beneficiaries ADD COLUMN municipality text;
ALTER TABLE beneficiaries ADD COLUMN accepted_areas text[] NOT NULL DEFAULT '{}';
