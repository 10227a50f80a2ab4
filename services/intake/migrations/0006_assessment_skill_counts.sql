-- Skill names are free text an operator typed (a former employer, a person): they stay only in the
-- sealed `notes`, so erasure destroys them. The plain column keeps how many skills are at each
-- level, as the assessment event (v2) tells other services.
ALTER TABLE assessments ADD COLUMN skills_per_level jsonb NOT NULL DEFAULT '[]';
UPDATE assessments a SET skills_per_level = COALESCE(
    (SELECT jsonb_agg(jsonb_build_object('level', t.level, 'count', t.n) ORDER BY t.level)
     FROM (SELECT (s ->> 'level')::int AS level, count(*)::int AS n
           FROM jsonb_array_elements(a.skills) s GROUP BY 1) t),
    '[]');
ALTER TABLE assessments ALTER COLUMN skills_per_level DROP DEFAULT;
ALTER TABLE assessments DROP COLUMN skills;
