"""Generated events of the types reporting consumes, from intake, housing and employment, as Kafka
records (key, value), in each person's order: about 26 per person across five years, spread over
organisations and projects.
Built as plain dicts and serialised by pydantic-core: a million in well under a minute."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

from pydantic_core import to_json
from uuid_utils.compat import uuid7

KINDS = ["socio_legal", "job_orientation", "counselling", "intercultural_mediation", "cv_writing", "childcare",
         "mobility_support", "housing_search", "school_support", "social_cohesion_event", "skills_certification",
         "qualification_recognition"]
STATUSES = ["asylum_seeker", "refugee", "subsidiary_protection", "special_protection", "unaccompanied_minor"]
BANDS = ["18_24", "25_34", "35_44", "45_54", "under_18"]
PROVINCES = ["RM", "MI", "TO", "NA", "PA", "BA", "VI", "LT"]
CLOSING = [("autonomy_reached", "employment"), ("autonomy_reached", "autonomous_housing"),
           ("interrupted", "stopped_attending"), ("transferred", "transferred_to_other_service")]
FIRST_DAY = date(2021, 1, 1)


def organisations(n: int) -> list[str]:
    return [f"coop-{i:02d}" for i in range(n)]


class Generator:
    def __init__(self, seed: int = 7, orgs: int = 20) -> None:
        self.rng = random.Random(seed)
        self.orgs = organisations(orgs)

    def _envelope(self, topic: str, event_type: str, version: int, person: str, org: str, project: str,
                  day: date, payload: dict, late_days: int = 0) -> tuple[str, bytes, bytes]:
        occurred = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
        recorded = occurred + timedelta(days=late_days, minutes=self.rng.randint(0, 600))
        body = {
            "event_id": str(uuid7()), "event_type": event_type, "schema_version": version,
            "occurred_at": occurred.isoformat(), "recorded_at": recorded.isoformat(), "beneficiary_id": person,
            "organisation_id": org, "project_id": project, "correlation_id": str(uuid4()), "causation_id": None,
            "producer": topic, "payload": payload,
        }
        return topic, person.encode(), to_json(body)

    def person(self) -> list[tuple[str, bytes, bytes]]:
        """One person's path, every service's events, in order."""
        r = self.rng
        person, org = str(uuid4()), r.choice(self.orgs)
        project = f"P-{org}-{r.randint(1, 2)}"
        day = FIRST_DAY + timedelta(days=r.randint(0, 5 * 365 - 200))
        out: list[tuple[str, bytes, bytes]] = []
        add = out.append
        sex = r.choice("FMM")
        add(self._envelope("intake", "intake.beneficiary_registered", 1, person, org, project, day, {
            "registered_on": day.isoformat(), "sex": sex, "age_band": r.choice(BANDS),
            "legal_status": r.choice(STATUSES), "reception": r.choice(["sai", "cas"]), "household_size": 1,
            "area": r.choice(PROVINCES), "project_ids": [project]}, late_days=r.choice([0, 0, 0, 2, 40])))
        add(self._envelope("housing", "housing.candidate_waiting", 1, person, org, project, day,
                           {"since": day.isoformat()}))
        add(self._envelope("employment", "employment.candidate_waiting", 1, person, org, project, day,
                           {"since": day.isoformat()}))
        add(self._envelope("intake", "intake.assessment_recorded", 2, person, org, project, day, {
            "assessment_id": str(uuid4()), "assessed_on": day.isoformat(),
            "skills_per_level": [{"level": 2, "count": 3}], "needs": {"work": ["job_search"]}}))
        goals = [str(uuid4()), str(uuid4())]
        plan_day = day + timedelta(days=14)
        deadline = plan_day + timedelta(days=180)
        add(self._envelope("intake", "intake.plan_agreed", 1, person, org, project, plan_day, {
            "agreed_on": plan_day.isoformat(), "goals": [{"goal_id": g, "area": a, "deadline": deadline.isoformat()}
                                                         for g, a in zip(goals, ["work", "housing"], strict=True)]}))
        add(self._status(person, org, project, plan_day, "taken_in_charge", "plan_agreed", "plan_agreed"))
        add(self._status(person, org, project, plan_day, "plan_agreed", "in_progress", "plan_started"))
        when = plan_day
        for _ in range(r.randint(7, 11)):
            when += timedelta(days=r.randint(3, 20))
            kind = r.choice(KINDS)
            facts = {"intervention_id": str(uuid4()), "kind": kind, "date": when.isoformat(),
                     "duration_minutes": 60, "project_id": project, "cost_eur": f"{r.randint(10, 90)}.50",
                     "hours": "1.5" if kind == "intercultural_mediation" else None}
            add(self._envelope("intake", "intake.intervention_recorded", 1, person, org, project, when, facts))
            if r.random() < 0.03:
                fixed = {**facts, "intervention_id": str(uuid4()), "cost_eur": "20.00",
                         "corrected_intervention_id": facts["intervention_id"]}
                add(self._envelope("intake", "intake.intervention_corrected", 1, person, org, project, when, fixed,
                                   late_days=5))
        course = str(uuid4())
        add(self._envelope("intake", "intake.course_enrolled", 1, person, org, project, when, {
            "course_id": course, "kind": "italian_course", "project_id": project, "enrolled_on": when.isoformat(),
            "start_date": when.isoformat(), "end_date": (when + timedelta(days=60)).isoformat(), "hours": "40"}))
        done = when + timedelta(days=60)
        add(self._envelope("intake", "intake.course_completed", 1, person, org, project, done, {
            "course_id": course, "kind": "italian_course", "project_id": project, "completed_on": done.isoformat(),
            "hours": "40", "level_before": "A1", "level_reached": "A2", "levels_gained": r.choice([0, 1, 1])}))
        for goal in goals:
            add(self._envelope("intake", "intake.goal_outcome_recorded", 1, person, org, project, done, {
                "goal_id": goal, "area": "work", "outcome": r.choice(["met", "met", "missed"]),
                "recorded_on": done.isoformat(), "deadline": deadline.isoformat()}))
        if r.random() < 0.05:
            add(self._envelope("intake", "intake.beneficiary_corrected", 1, person, org, project, done, {
                "corrected_on": done.isoformat(), "corrected_fields": ["birth_date"], "age_band": r.choice(BANDS)}))
        self._housing(out, person, org, project, done)
        self._work(out, person, org, project, done)
        if r.random() < 0.05:
            add(self._envelope("intake", "intake.consent_withdrawn", 1, person, org, project, done, {
                "purpose": "employment_referral", "withdrawn_on": done.isoformat()}))
        if r.random() < 0.5:
            to, reason = r.choice(CLOSING)
            add(self._status(person, org, project, done + timedelta(days=30), "in_progress", to, reason))
        return out

    def _housing(self, out: list, person: str, org: str, project: str, day: date) -> None:
        """A third of the people get a housing proposal; most move in, some get a rent advance."""
        r = self.rng
        if r.random() > 0.33:
            return
        proposal, kind = str(uuid4()), r.choice(["cohousing", "host_family"])
        out.append(self._envelope("housing", "housing.proposal_made", 1, person, org, project, day, {
            "proposal_id": proposal, "place_id": str(uuid4()), "place_kind": kind, "household_size": 1,
            "score": 0.7, "made_on": day.isoformat()}))
        day += timedelta(days=r.randint(2, 9))
        out.append(self._envelope("housing", "housing.proposal_status_changed", 1, person, org, project, day, {
            "proposal_id": proposal, "place_kind": kind, "from_status": "proposed", "to_status": "accepted",
            "actor": "team", "changed_on": day.isoformat()}))
        day += timedelta(days=r.randint(5, 20))
        out.append(self._envelope("housing", "housing.moved_in", 1, person, org, project, day, {
            "proposal_id": proposal, "place_id": str(uuid4()), "place_kind": kind, "moved_in_on": day.isoformat()}))
        if r.random() < 0.4:
            support = str(uuid4())
            for status in ("requested", "approved", "paid"):
                out.append(self._envelope("housing", "housing.support_changed", 1, person, org, project, day, {
                    "support_id": support, "kind": "rent_advance", "status": status, "fund_id": str(uuid4()),
                    "project_id": project, "amount_eur": "1500.00", "months": 3, "changed_on": day.isoformat()}))

    def _work(self, out: list, person: str, org: str, project: str, day: date) -> None:
        """A third get a traineeship or a bursary with its payments; some are hired."""
        r = self.rng
        if r.random() > 0.33:
            return
        proposal, opening = str(uuid4()), str(uuid4())
        kind, sector = r.choice(["traineeship", "bursary"]), r.choice("CFGHIN")
        out.append(self._envelope("employment", "employment.proposal_made", 1, person, org, project, day, {
            "proposal_id": proposal, "opening_id": opening, "opening_kind": kind, "sector": sector, "score": 0.6,
            "made_on": day.isoformat()}))
        for came, to in (("proposed", "interview"), ("interview", "started"), ("started", "completed")):
            day += timedelta(days=r.randint(3, 40))
            out.append(self._envelope("employment", "employment.stage_changed", 1, person, org, project, day, {
                "proposal_id": proposal, "opening_id": opening, "opening_kind": kind, "sector": sector,
                "from_stage": came, "to_stage": to, "changed_on": day.isoformat()}))
            if to == "started":
                out.append(self._envelope("employment", "employment.payment_made", 1, person, org, project, day, {
                    "payment_id": str(uuid4()), "kind": "traineeship_allowance" if kind == "traineeship" else kind,
                    "opening_id": opening, "fund_id": str(uuid4()), "project_id": project,
                    "month": day.isoformat()[:7], "amount_eur": "500.00", "paid_on": day.isoformat()}))
        if r.random() < 0.4:
            out.append(self._envelope("employment", "employment.hired", 1, person, org, project, day, {
                "contract_type": r.choice(["fixed_term", "permanent", "apprenticeship"]), "sector": sector,
                "hired_on": day.isoformat()}))

    def _status(self, person: str, org: str, project: str, day: date, came: str, to: str, reason: str):
        return self._envelope("intake", "intake.path_status_changed", 1, person, org, project, day, {
            "from_status": came, "to_status": to, "reason_category": reason, "changed_on": day.isoformat()})

    def records(self, count: int) -> Iterator[tuple[str, bytes, bytes]]:
        """(service, key, value) until `count` records were made (whole people only)."""
        made = 0
        while made < count:
            for record in self.person():
                yield record
                made += 1
