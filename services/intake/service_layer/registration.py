"""Taking a person in charge: duplicate check, sealing personal data, storing, and announcing
the registration, all in one unit of work."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from uuid import UUID, uuid4

from intake.adapters import repository
from intake.adapters.vault import Vault
from intake.domain import caseload
from intake.domain.duplicates import find_duplicates, protected_keys, refuse_duplicates
from intake.domain.permit import PermitFlag
from intake.domain.registration import name_tokens, registered_event, split_personal
from intake.service_layer import consent, projects
from intake.service_layer.commands import BeneficiaryIn
from intake.service_layer.unit_of_work import IntakeUnitOfWork
from shared.auth import Principal
from shared.errors import RuleViolation, Violations


@dataclass(frozen=True)
class Registered:
    beneficiary_id: UUID
    permit_status: PermitFlag | None  # None when no permit was given


async def register(
    uow: IntakeUnitOfWork, vault: Vault, principal: Principal, data: BeneficiaryIn, *,
    today: date, confirm_distinct: bool = False, before_commit: Callable[[Registered], None] | None = None,
) -> Registered:
    """Register `data` for the caller's organisation; raises Violations for a project the organisation is
    not in, DuplicatesFound for a person already there (the domain's duplicate policy decides)."""
    beneficiary_id = uuid4()
    keys = protected_keys(data.candidate(), vault.blind_index)
    fc_index, mk_index = keys.fiscal_code, keys.match_key
    permit = data.permit.as_permit() if data.permit else None
    personal, _ = split_personal(data.model_dump(mode="json"))
    sealed = vault.seal(beneficiary_id, personal)
    event = registered_event(
        registered_on=today, birth_date=data.birth_date, sex=data.sex.value, legal_status=data.legal_status.value,
        reception=data.reception.kind.value, household_size=data.household.size,
        children=len(data.household.children), single_parent=data.household.single_parent,
        italian_level=data.italian_level.value, languages=list(data.languages), project_ids=list(data.project_ids),
        **place_attributes(data),
    )
    row = repository.NewBeneficiary(
        beneficiary_id=beneficiary_id, organisation_id=principal.organisation_id,
        wrapped_key=sealed.wrapped_key, personal=sealed.blob, fiscal_code_index=fc_index,
        match_key_index=mk_index,
        name_index=[vault.blind_index("name", t) for t in name_tokens(data.first_name, data.last_name)],
        sex=data.sex.value, age_band=event.age_band.value, legal_status=data.legal_status.value,
        reception=data.reception.kind.value, must_leave_by=data.reception.must_leave_by,
        permit_expiry=permit.expiry_date if permit else None, household_size=data.household.size,
        children=len(data.household.children), single_parent=data.household.single_parent,
        italian_level=data.italian_level.value, languages=list(data.languages),
        vulnerabilities=[v.value for v in data.vulnerabilities], project_ids=list(data.project_ids),
        consent_date=data.consent.date, consent_scope=[s.value for s in data.consent.scope],
        registered_on=today, registered_by=principal.subject, taken_in_charge_on=data.taken_in_charge_on,
        area=event.area, municipality=event.municipality, accepted_areas=list(event.accepted_areas),
        step_free_need=data.step_free_need, work_status=work_status_of(data),
        permit_renewal_pending=permit.renewal_pending if permit else False, **consent.columns(data),
    )
    codes = {f"project_ids.{i}": code for i, code in enumerate(data.project_ids)}
    async with uow:
        # Announced first (a refusal below rolls it back with the rest), so the envelope is built before
        # the identity locks are taken.
        for payload in (event, *consent.announced_at_registration(data)):
            uow.emit(payload, beneficiary_id=beneficiary_id, organisation_id=principal.organisation_id,
                     project_id=data.project_ids[0])
        projects.refuse(codes, unknown=await uow.people.lock_identity_and_find_unknown_projects(
            fc_index, mk_index, organisation_id=principal.organisation_id, project_codes=list(codes.values()),
        ))
        if data.taken_in_charge_on is not None:
            await refuse_too_early(uow, principal.organisation_id, data.taken_in_charge_on, data.project_ids)
        existing = await uow.people.find_duplicates(
            organisation_id=principal.organisation_id, fiscal_code_index=fc_index, match_key_index=mk_index
        )
        refuse_duplicates(find_duplicates(keys, existing), confirm_distinct=confirm_distinct)
        registered = Registered(beneficiary_id, permit.flag(today) if permit else None)
        if before_commit is not None:  # the caller's answer commits with the person (an Idempotency-Key's claim)
            before_commit(registered)
        # The person, their key and the event in one statement: one round trip (the UoW's pending event).
        await uow.people.insert(row, uow.take_pending())
    return registered



def place_attributes(data: BeneficiaryIn) -> dict:
    """What the event and the row carry beyond the original registration: the day the path began,
    where the person lives and would go, their citizenship and licence."""
    return {
        "taken_in_charge_on": data.taken_in_charge_on, "area": data.residence.province if data.residence else None,
        "municipality": data.residence.municipality if data.residence else None,
        "accepted_areas": list(data.accepted_areas), "citizenship": data.citizenship,
        "driving_licence": data.driving_licence, "must_leave_by": data.reception.must_leave_by,
        "step_free_need": data.step_free_need, "work_status": work_status_of(data),
    }


def work_status_of(data: BeneficiaryIn) -> str | None:
    return data.work_status.value if data.work_status else None


async def refuse_too_early(uow: IntakeUnitOfWork, organisation_id: str, day: date, codes: list[str]) -> None:
    """Violations when the person was taken in charge before one of their projects started."""
    starts = {}
    for code in dict.fromkeys(codes):
        period = await uow.projects.period_of(organisation_id=organisation_id, code=code)
        if period is not None:
            starts[code] = period["start_date"]
    early = caseload.too_early(day, codes, starts)
    if early:
        raise Violations(RuleViolation(e.field, "taken_in_charge_before_project", e.message(day)) for e in early)
