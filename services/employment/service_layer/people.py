"""What the team records about a person: availability and mobility, titles, certifications, and the
projects' women's-inactivity priority. Whatever changes matching re-matches the person."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID, uuid4

from employment.domain.levels import ATECO_SECTIONS
from employment.domain.matching.model import MOBILITY
from employment.domain.people import Person, why_not_matched
from employment.domain.pipeline import holds_seat
from employment.domain.titles import (
    Certification,
    Recognition,
    check_certification,
    move_recognition,
    request_recognition,
)
from employment.service_layer.commands import (
    MoveRecognition,
    RecordCertification,
    RequestRecognition,
    SetAvailability,
    SetProjectPriority,
)
from employment.service_layer.context import Employment, Work
from employment.service_layer.matching import PersonChanged
from shared.errors import NotFound, RuleViolation
from shared.events.contracts import QualificationRecognitionChanged, SkillsCertified


async def _person(uow: Work, organisation_id: str, beneficiary_id: UUID) -> Person:
    p = await uow.people.get(beneficiary_id)
    if p is None or p.organisation_id != organisation_id or p.erased:
        raise NotFound("no such person in the organisation", field="beneficiary_id")
    return p


async def set_availability(app: Employment, cmd: SetAvailability) -> tuple[Person, str | None]:
    """The person as the team now knows them, and why they are out of matching (None: in)."""
    unknown = sorted(cmd.mobility - set(MOBILITY))
    if unknown:
        raise RuleViolation("mobility", "mobility_kind", f"unknown kinds of mobility: {', '.join(unknown)}")
    if cmd.max_weekly_hours is not None and not 1 <= cmd.max_weekly_hours <= 48:
        raise RuleViolation("max_weekly_hours", "weekly_hours_range", "weekly hours are 1 to 48")
    async with app.uow() as uow:
        await app.matcher.lock(uow, cmd.organisation_id)
        p = await _person(uow, cmd.organisation_id, cmd.beneficiary_id)
        if cmd.adult_from is not None and p.age_band != "under_18":
            raise RuleViolation("adult_from", "minors_only", "the day of the 18th birthday is set for minors only")
        p = replace(p, adult_from=cmd.adult_from or p.adult_from)
        p = replace(p, available_from=cmd.available_from, max_weekly_hours=cmd.max_weekly_hours,
                    mobility=frozenset(cmd.mobility),
                    childcare_need=p.childcare_need if cmd.childcare_need is None else cmd.childcare_need)
        await uow.people.put(p)
        await app.matcher.rematch(uow, cmd.organisation_id, [PersonChanged(p.beneficiary_id)], app.today())
        active = await uow.placements.active_of(p.beneficiary_id)
    return p, why_not_matched(p, holds_seat=active is not None and holds_seat(active))


async def request(app: Employment, cmd: RequestRecognition) -> Recognition:
    today = app.today()
    async with app.uow() as uow:
        p = await _person(uow, cmd.organisation_id, cmd.beneficiary_id)
        r = request_recognition(recognition_id=uuid4(), beneficiary_id=p.beneficiary_id,
                                organisation_id=cmd.organisation_id, qualification=cmd.qualification,
                                country=cmd.country, sector=cmd.sector, requested_on=cmd.requested_on or today,
                                today=today, countries=app.rulebook.countries)
        await uow.titles.add_recognition(r)
        uow.emit(QualificationRecognitionChanged(recognition_id=r.recognition_id, status="requested",
                                                 changed_on=r.requested_on),
                 beneficiary_id=p.beneficiary_id, organisation_id=cmd.organisation_id)
    return r


async def move(app: Employment, cmd: MoveRecognition) -> Recognition:
    today = app.today()
    async with app.uow() as uow:
        await app.matcher.lock(uow, cmd.organisation_id)
        r = await uow.titles.recognition(cmd.organisation_id, cmd.recognition_id)
        if r is None:
            raise NotFound("no such recognition", field="recognition_id")
        await _person(uow, cmd.organisation_id, r.beneficiary_id)  # an erased person's is no one's to move
        moved = move_recognition(r, cmd.to, on=cmd.on or today, today=today)
        await uow.titles.update_recognition(moved)
        uow.emit(QualificationRecognitionChanged(recognition_id=r.recognition_id, status=moved.state.value,
                                                 changed_on=moved.last_on),
                 beneficiary_id=r.beneficiary_id, organisation_id=cmd.organisation_id)
        await app.matcher.rematch(uow, cmd.organisation_id, [PersonChanged(r.beneficiary_id)], today)
    return moved


async def certify(app: Employment, cmd: RecordCertification) -> Certification:
    today = app.today()
    async with app.uow() as uow:
        await app.matcher.lock(uow, cmd.organisation_id)
        p = await _person(uow, cmd.organisation_id, cmd.beneficiary_id)
        c = check_certification(Certification(uuid4(), p.beneficiary_id, cmd.organisation_id, cmd.sector,
                                              cmd.eqf_level, cmd.outcome, cmd.certified_on), today=today)
        await uow.titles.add_certification(c)
        uow.emit(SkillsCertified(certification_id=c.certification_id, sector=c.sector, result=c.outcome.value,
                                 certified_on=c.certified_on),
                 beneficiary_id=p.beneficiary_id, organisation_id=cmd.organisation_id)
        await app.matcher.rematch(uow, cmd.organisation_id, [PersonChanged(p.beneficiary_id)], today)
    return c


async def set_priority(app: Employment, cmd: SetProjectPriority) -> None:
    """Switch the women's-inactivity priority for a project: every person's score may change, so a full re-match."""
    async with app.uow() as uow:
        await uow.settings.set_women_priority(cmd.organisation_id, cmd.project_id, cmd.women_priority)
        await uow.settings.bump_version(cmd.organisation_id)  # the engine's scores are stale: rebuild
        await app.matcher.rematch(uow, cmd.organisation_id, [], app.today())


def check_sector(sector: str | None, field: str) -> None:
    if sector is not None and sector not in ATECO_SECTIONS:
        raise RuleViolation(field, "ateco_section", "an ATECO section is one letter A to U")
