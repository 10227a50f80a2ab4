-- Version 1 of intake.assessment_recorded carried each skill's name, free text an operator typed.
-- The timeline keeps payloads in their current shape (v2): names dropped, skills counted per level,
-- as the upcaster in shared/events/contracts/path.py does for events still read from Kafka.
UPDATE timeline t SET payload = (t.payload - 'skills') || jsonb_build_object('skills_per_level', COALESCE(
    (SELECT jsonb_agg(jsonb_build_object('level', c.level, 'count', c.n) ORDER BY c.level)
     FROM (SELECT (s ->> 'level')::int AS level, count(*)::int AS n
           FROM jsonb_array_elements(t.payload -> 'skills') s GROUP BY 1) c),
    '[]'))
WHERE t.event_type = 'intake.assessment_recorded' AND t.payload ? 'skills';
