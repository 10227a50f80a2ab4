-- A proposal the team made by hand (not the engine's): it holds its seat, and re-matching leaves it be.
ALTER TABLE placements ADD COLUMN pinned boolean NOT NULL DEFAULT false;
