-- Where a household's areas come from, kept apart so a correction of one leaves the other: the provinces
-- the person said they would live or work in (accepted_areas), else the province they live in (home_area).
-- A row from before cannot tell which it was: its areas are taken as the person's accepted ones (a move
-- then keeps them), its home unknown until a correction of the residence says it.
ALTER TABLE households ADD COLUMN accepted_areas text[] NOT NULL DEFAULT '{}', ADD COLUMN home_area text;
UPDATE households SET accepted_areas = areas;
