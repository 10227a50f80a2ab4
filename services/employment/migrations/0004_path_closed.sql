-- A path closed at intake (autonomy reached, transferred) takes the person out of matching; an
-- interrupted path only pauses it (it may resume).
ALTER TABLE people ADD COLUMN path_closed boolean NOT NULL DEFAULT false;
