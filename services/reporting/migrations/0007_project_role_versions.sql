-- A project's funder, lead and partners as versions by recorded time (issue 14, "as of any date"),
-- like its budget (0006): each PUT records a new version and the earlier ones are kept, so a report
-- as of a past time is read by, and covers, the organisations the project had as recorded by then.
-- `projects` keeps the latest roles and the title.
CREATE TABLE project_role_versions (
    project_id            text NOT NULL REFERENCES projects (project_id),
    version               integer NOT NULL CHECK (version >= 1),
    recorded_at           timestamptz NOT NULL,
    funder                text NOT NULL,
    lead_organisation_id  text NOT NULL,
    partners              text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (project_id, version)
);
CREATE INDEX project_role_versions_funder ON project_role_versions (funder);

-- The roles registered before versions existed become each project's version 1. When they were set
-- was not kept, and reports as of any date were read by them until now: they are taken as held from
-- the start (the first instant the service knows, domain/project_roles.py's ALWAYS), so no funder,
-- lead or partner loses a past report by this migration.
INSERT INTO project_role_versions (project_id, version, recorded_at, funder, lead_organisation_id, partners)
SELECT project_id, 1, '0001-01-01 00:00:00+00', funder, lead_organisation_id, partners FROM projects;
