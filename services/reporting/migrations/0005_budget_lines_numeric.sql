-- A project's budget lines as rows of exact euros (NUMERIC), not decimal strings inside a json
-- document: the database itself refuses a negative or fractional-cent amount and a line given twice.
CREATE TABLE project_budget_lines (
    project_id    text NOT NULL REFERENCES projects (project_id) ON DELETE CASCADE,
    work_package  text NOT NULL,
    budget_line   text NOT NULL,
    amount_eur    numeric(14, 2) NOT NULL CHECK (amount_eur >= 0),
    PRIMARY KEY (project_id, work_package, budget_line)
);

INSERT INTO project_budget_lines (project_id, work_package, budget_line, amount_eur)
SELECT p.project_id, l ->> 'work_package', l ->> 'budget_line', sum((l ->> 'amount_eur')::numeric(14, 2))
FROM projects p, jsonb_array_elements(p.budget) AS l
GROUP BY 1, 2, 3;

ALTER TABLE projects DROP COLUMN budget;
