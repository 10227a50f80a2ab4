-- Whether the person's individual path has ended (intake.path_status_changed to a status of
-- rules/workflow.yaml's path_closing_statuses): such a household is no longer matched. Rows from before
-- read as open; housing did not consume the path's moves then.
ALTER TABLE households ADD COLUMN path_closed boolean NOT NULL DEFAULT false;
