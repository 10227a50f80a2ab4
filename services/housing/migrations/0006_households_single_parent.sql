-- Whether the person in charge is a single parent, kept so a correction can judge the household's
-- vulnerability again (a correction carries only what changed). A row from before this column was
-- vulnerable as a single parent when it has children and its age band is not one that is vulnerable by itself.
ALTER TABLE households ADD COLUMN single_parent boolean NOT NULL DEFAULT false;
UPDATE households SET single_parent = true
 WHERE vulnerable AND children > 0 AND age_band NOT IN ('under_18', '65_plus');
