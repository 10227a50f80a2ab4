"""Employment's routes for people, their titles and certifications, and the projects' priorities."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path

from employment.domain.people import Person
from employment.domain.titles import Certification, Recognition
from employment.entrypoints.deps import ADMIN, APP, TEAM, Principal
from employment.entrypoints.http import placement_out
from employment.entrypoints.schemas_work import (
    AvailabilityIn,
    CertificationIn,
    CertificationOut,
    PersonDetailOut,
    PersonOut,
    PrioritiesIn,
    RecognitionIn,
    RecognitionOut,
    RecognitionStepIn,
)
from employment.service_layer import people, queries
from employment.service_layer.commands import (
    MoveRecognition,
    RecordCertification,
    RequestRecognition,
    SetAvailability,
    SetProjectPriority,
)
from employment.service_layer.context import Employment
from shared.api import ERROR_RESPONSES, Page, PageQuery

router = APIRouter(prefix="/api/v1", tags=["employment: people"], responses=ERROR_RESPONSES)


def person_out(p: Person, why: str | None) -> PersonOut:
    return PersonOut(beneficiary_id=p.beneficiary_id, registered_on=p.registered_on, age_band=p.age_band,
                     italian_level=p.italian_level, area=p.area, municipality=p.municipality,
                     work_goal=p.work_goal_since is not None, consent=p.consent_since is not None,
                     driving_licence=p.driving_licence, mobility=sorted(p.mobility), childcare_need=p.childcare_need,
                     available_from=p.available_from, max_weekly_hours=p.max_weekly_hours, adult_from=p.adult_from,
                     experience=dict(p.experience), women_inactive=p.women_inactive, out_of_matching=why)


def recognition_out(r: Recognition) -> RecognitionOut:
    return RecognitionOut(recognition_id=r.recognition_id, beneficiary_id=r.beneficiary_id,
                          qualification=r.qualification, country=r.country, sector=r.sector, state=r.state,
                          history=[{"state": s.value, "on": d.isoformat()} for s, d in r.history])


def certification_out(c: Certification) -> CertificationOut:
    return CertificationOut(certification_id=c.certification_id, beneficiary_id=c.beneficiary_id, sector=c.sector,
                            eqf_level=c.eqf_level, outcome=c.outcome, certified_on=c.certified_on)


@router.get("/people", response_model=Page[PersonOut])
async def list_people(page: PageQuery = Depends(), who: Principal = TEAM, app: Employment = APP) -> dict:
    """The people employment works with, each with why they are out of matching (null when in)."""
    rows, total = await queries.people(app, who.organisation_id, limit=page.limit, offset=page.offset)
    return page.page([person_out(p, why) for p, why in rows], total)


@router.get("/people/{beneficiary_id}", response_model=PersonDetailOut)
async def person(beneficiary_id: UUID, who: Principal = TEAM, app: Employment = APP) -> PersonDetailOut:
    d = await queries.person(app, who.organisation_id, beneficiary_id)
    return PersonDetailOut(person=person_out(d["person"], d["out_of_matching"]),
                           placement=placement_out(d["placement"]) if d["placement"] else None,
                           recognitions=[recognition_out(r) for r in d["recognitions"]],
                           certifications=[certification_out(c) for c in d["certifications"]])


@router.put("/people/{beneficiary_id}/availability", response_model=PersonOut)
async def availability(beneficiary_id: UUID, body: AvailabilityIn, who: Principal = TEAM,
                       app: Employment = APP) -> PersonOut:
    p, why = await people.set_availability(app, SetAvailability(
        who.organisation_id, beneficiary_id, body.available_from, body.max_weekly_hours, frozenset(body.mobility),
        body.childcare_need, body.adult_from))
    return person_out(p, why)


@router.post("/people/{beneficiary_id}/recognitions", status_code=201, response_model=RecognitionOut)
async def request_recognition(beneficiary_id: UUID, body: RecognitionIn, who: Principal = TEAM,
                              app: Employment = APP) -> RecognitionOut:
    """A foreign qualification's recognition is requested (e.g. a CIMEA statement of comparability)."""
    return recognition_out(await people.request(app, RequestRecognition(
        who.organisation_id, beneficiary_id, body.qualification, body.country, body.sector, body.requested_on)))


@router.post("/recognitions/{recognition_id}/steps", response_model=RecognitionOut)
async def move_recognition(recognition_id: UUID, body: RecognitionStepIn, who: Principal = TEAM,
                           app: Employment = APP) -> RecognitionOut:
    return recognition_out(await people.move(app, MoveRecognition(who.organisation_id, recognition_id, body.to,
                                                                  body.on)))


@router.post("/people/{beneficiary_id}/certifications", status_code=201, response_model=CertificationOut)
async def certify(beneficiary_id: UUID, body: CertificationIn, who: Principal = TEAM,
                  app: Employment = APP) -> CertificationOut:
    return certification_out(await people.certify(app, RecordCertification(
        who.organisation_id, beneficiary_id, body.sector, body.eqf_level, body.outcome, body.certified_on)))


@router.put("/projects/{project_id}/priorities", response_model=PrioritiesIn)
async def priorities(project_id: Annotated[str, Path(min_length=1, max_length=60)], body: PrioritiesIn,
                     who: Principal = ADMIN, app: Employment = APP
                     ) -> PrioritiesIn:
    """Switch the women's-inactivity priority of the matching score for one project."""
    await people.set_priority(app, SetProjectPriority(who.organisation_id, project_id, body.women_priority))
    return body
