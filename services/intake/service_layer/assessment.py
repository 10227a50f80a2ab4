"""Recording a skills assessment (bilancio di competenze). The assessment as entered (skill names,
needs as written, vulnerability flags) is sealed with the person's key; the coarse form is stored
in plain and announced."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

from intake.adapters import repository_path
from intake.adapters.vault import Vault
from intake.domain.assessment import need_keywords
from intake.domain.plan import Area
from intake.service_layer.commands import AssessmentIn
from intake.service_layer.person import emit, locked_person, seal
from intake.service_layer.unit_of_work import IntakeUnitOfWork
from shared.auth import Principal
from shared.events.contracts import AssessmentRecorded, NeedKeywords, SectorYears, skills_per_level


def assessment_event(assessment_id: UUID, data: AssessmentIn, today: date) -> AssessmentRecorded:
    """What other services learn: how many skills at each level, sectors, need keywords, how many
    vulnerabilities; never a skill's name, which an operator typed."""
    return AssessmentRecorded(
        assessment_id=assessment_id,
        assessed_on=today,
        skills_per_level=skills_per_level(s.level for s in data.skills),
        work_experience=[SectorYears(sector=w.sector, years=w.years) for w in data.work_experience],
        needs=NeedKeywords(**{area.value: need_keywords(area, getattr(data.needs, area.value)) for area in Area}),
        vulnerability_count=len(data.vulnerabilities),
    )


async def record(
    uow: IntakeUnitOfWork, vault: Vault, principal: Principal, beneficiary_id: UUID, data: AssessmentIn, *,
    today: date,
) -> UUID:
    assessment_id = uuid4()
    event = assessment_event(assessment_id, data, today)
    coarse = event.model_dump(mode="json")
    async with uow:
        person = await locked_person(uow, principal, beneficiary_id)
        await uow.path.insert_assessment(repository_path.NewAssessment(
            assessment_id=assessment_id, beneficiary_id=beneficiary_id, organisation_id=principal.organisation_id,
            assessed_on=today, skills_per_level=coarse["skills_per_level"], work_experience=coarse["work_experience"],
            need_keywords=coarse["needs"], vulnerability_count=event.vulnerability_count,
            notes=seal(vault, person, data.model_dump(mode="json")), recorded_by=principal.subject,
        ))
        emit(uow, principal, person, event)
    return assessment_id
