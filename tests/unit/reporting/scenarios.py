"""The hand-computed scenario every indicator test uses (the answers are worked out in the tests)."""

from __future__ import annotations

from tests.reporting_scenario import Scenario


def coop_a() -> tuple[Scenario, dict[str, object]]:
    s = Scenario()
    a1 = s.person("coop-a", sex="F", age="25_34", status="refugee", on="2025-02-01")
    a2 = s.person("coop-a", sex="F", age="18_24", status="asylum_seeker", on="2025-03-10")
    a3 = s.person("coop-a", sex="M", age="25_34", status="refugee", on="2025-04-05")
    a4 = s.person("coop-a", sex="M", age="35_44", status="subsidiary_protection", on="2025-05-20", province="LT")
    a5 = s.person("coop-a", sex="M", age="under_18", status="unaccompanied_minor", on="2025-06-01")
    a6 = s.person("coop-a", sex="M", age="25_34", status="refugee", on="2024-11-15")
    a7 = s.person("coop-a", sex="F", age="45_54", status="refugee", on="2024-06-01")
    a8 = s.person("coop-a", sex="M", age="18_24", status="refugee", on="2025-11-20", recorded="2026-01-10")
    s.status(a7, "autonomy_reached", "autonomous_housing", "2024-12-01")
    s.intervention(a1, "intercultural_mediation", "2025-03-01", hours="2.5", cost="50.00")
    s.intervention(a1, "socio_legal", "2025-03-05", cost="30.00")
    old = s.intervention(a2, "intercultural_mediation", "2025-04-01", hours="1.5", cost="30.00")
    s.correct_intervention(a2, old, "intercultural_mediation", "2025-04-01", recorded="2025-07-01", hours="3",
                           cost="60.00")
    s.intervention(a3, "job_orientation", "2025-05-01", cost="40.00")
    s.intervention(a4, "job_orientation", "2025-06-01")
    s.intervention(a5, "school_support", "2025-07-01")
    s.intervention(a6, "socio_legal", "2024-12-20")
    c1 = s.enrol(a1, "italian_course", "2025-03-15")
    s.complete(a1, c1, "italian_course", "2025-06-15", gained=1)
    c2 = s.enrol(a2, "italian_course", "2025-04-15")
    s.complete(a2, c2, "italian_course", "2025-07-15", gained=0)
    c3 = s.enrol(a3, "it_course", "2025-05-15")
    s.complete(a3, c3, "it_course", "2025-08-15")
    s.status(a3, "autonomy_reached", "employment", "2025-10-01")
    s.status(a4, "interrupted", "stopped_attending", "2025-09-01")
    g1, g2 = s.plan(a1, "2025-02-15")
    s.goal(a1, g1, "met", "2025-09-01")
    s.goal(a1, g2, "met", "2025-10-15")
    s.correct_person(a2, "2025-08-01", age_band="25_34")
    s.erase(a6, "2025-09-01")
    return s, {"a1": a1, "a2": a2, "a3": a3, "a4": a4, "a5": a5, "a6": a6, "a7": a7, "a8": a8}
