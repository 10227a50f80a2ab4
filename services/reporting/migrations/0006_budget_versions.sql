-- A project's budget as versions by recorded time (issue 14, "as of any date"): each PUT of the
-- budget records a new version, whole, and the earlier ones are kept, so spending asked as of a past
-- time is set against the budget in force then (the latest version recorded at or before it), and
-- before the first version there is no budget at all (not a budget of zero).
CREATE TABLE budget_versions (
    project_id   text NOT NULL REFERENCES projects (project_id),
    version      integer NOT NULL CHECK (version >= 1),
    recorded_at  timestamptz NOT NULL,
    PRIMARY KEY (project_id, version)
);

-- One version's lines: the whole budget of that version, exact euros.
CREATE TABLE budget_version_lines (
    project_id    text NOT NULL,
    version       integer NOT NULL,
    work_package  text NOT NULL,
    budget_line   text NOT NULL,
    amount_eur    numeric(14, 2) NOT NULL CHECK (amount_eur >= 0),
    PRIMARY KEY (project_id, version, work_package, budget_line),
    FOREIGN KEY (project_id, version) REFERENCES budget_versions (project_id, version)
);

-- The budgets registered before versions existed become each project's version 1 (every registered
-- project was PUT once, with or without lines). When they were PUT was not kept: they are recorded as
-- of this migration, the earliest time they are known to have been in force.
INSERT INTO budget_versions (project_id, version, recorded_at)
SELECT project_id, 1, now() FROM projects;

INSERT INTO budget_version_lines (project_id, version, work_package, budget_line, amount_eur)
SELECT project_id, 1, work_package, budget_line, amount_eur FROM project_budget_lines;

DROP TABLE project_budget_lines;
