-- A proposal the team makes by hand is its decision, not the matcher's: it holds its beds from the
-- moment it is made, and no re-match withdraws it (the team accepts or declines it).
ALTER TABLE proposals ADD COLUMN by_hand boolean NOT NULL DEFAULT false;
