"""The people employment works with, as its events and its team built them, and who may be matched.

A person is matched only with a work goal in their plan, consent to the employment referral, an
adult age, a known place, and no seat already held beyond a proposal; anything else keeps them out."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from employment.domain.matching.model import Candidate
from employment.domain.places import Gazetteer


@dataclass(frozen=True)
class Person:
    beneficiary_id: UUID
    organisation_id: str
    registered_on: date
    age_band: str
    sex: str = "X"
    adult_from: date | None = None
    italian_level: str | None = None
    languages: tuple[str, ...] = ()
    area: str | None = None
    municipality: str | None = None
    project_ids: tuple[str, ...] = ()
    work_goal_since: date | None = None
    consent_since: date | None = None
    driving_licence: bool = False
    mobility: frozenset[str] = frozenset()
    childcare_need: bool = False
    available_from: date | None = None
    max_weekly_hours: int | None = None
    experience: Mapping[str, float] = field(default_factory=dict)
    women_inactive: bool = False
    employed_since: date | None = None
    path_closed: bool = False
    erased: bool = False

    @property
    def waiting_since(self) -> date:
        """Waiting for work counts from the later of the work goal and the consent."""
        return max(d for d in (self.work_goal_since, self.consent_since, self.registered_on) if d is not None)


def why_not_matched(p: Person, *, holds_seat: bool) -> str | None:
    """The first reason the person is out of matching, or None when they are in."""
    if p.erased:
        return "erased"
    if p.consent_since is None:
        return "no_consent_to_employment_referral"
    if p.work_goal_since is None:
        return "no_work_goal_in_plan"
    if p.path_closed:
        return "path_closed"
    if p.employed_since is not None:
        return "employed"
    if holds_seat:
        return "placement_under_way"
    if p.age_band == "under_18" and p.adult_from is None:
        return "minor"
    if p.municipality is None and p.area is None:
        return "place_unknown"
    return None


def candidate_of(
    p: Person, *, gazetteer: Gazetteer, certified: Collection[str], recognised: Collection[str],
    women_priority_projects: Collection[str],
) -> Candidate | None:
    """What the engine needs; None when the person's place cannot be located."""
    place = gazetteer.by_code.get(p.municipality or "") or (gazetteer.province_centre(p.area) if p.area else None)
    if place is None:
        return None
    adult_from = p.adult_from if p.age_band == "under_18" else None
    if p.age_band == "under_18" and adult_from is None:
        return None
    return Candidate(
        beneficiary_id=p.beneficiary_id, sex=p.sex, italian_level=p.italian_level, latitude=place.latitude,
        longitude=place.longitude, waiting_since=p.waiting_since, mobility=p.mobility,
        driving_licence=p.driving_licence, adult_from=adult_from, available_from=p.available_from,
        max_weekly_hours=p.max_weekly_hours, childcare_need=p.childcare_need, experience_years=dict(p.experience),
        certified_sectors=frozenset(certified), recognised_sectors=frozenset(recognised),
        women_priority=p.women_inactive and bool(set(p.project_ids) & set(women_priority_projects)),
    )
