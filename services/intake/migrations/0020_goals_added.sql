-- Goals added to a plan already agreed (POST .../plan/goals: a need that emerged later, a housing goal
-- once reception ends) start their history with 'added'; the goals agreed with the plan with 'agreed'.
ALTER TABLE goal_history DROP CONSTRAINT goal_history_change_check;
ALTER TABLE goal_history ADD CONSTRAINT goal_history_change_check
    CHECK (change IN ('agreed', 'added', 'met', 'missed', 'replanned'));
