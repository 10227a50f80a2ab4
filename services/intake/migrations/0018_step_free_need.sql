-- Whether the person needs a place with step-free access (housing matches on it as a hard constraint).
-- A coarse yes/no, not the reason for it; NULL: not recorded (people registered before this column).
-- The day they must leave reception is already kept (must_leave_by, 0001) and now travels on the event.
ALTER TABLE beneficiaries ADD COLUMN step_free_need boolean;
