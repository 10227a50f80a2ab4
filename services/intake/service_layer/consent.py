"""Consent by purpose: recorded with the registration, given later, withdrawn at any time. Each
change is an append-only row and an event in the same transaction (intake.consent_given /
intake.consent_withdrawn), so housing stops offering and employment stops matching as soon as the
consent they act on is withdrawn. A registration announces only the consents another service acts
on (the purposes' `acted_on_by`); consent to processing is the registration itself."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from intake.adapters import consent_data
from intake.adapters.repository_consent import ConsentRow
from intake.domain.consent import ConsentState, GivenBy, LegalBasis, check_give, check_guardian, check_withdraw
from intake.service_layer.commands import BeneficiaryIn
from intake.service_layer.errors import NotFound
from intake.service_layer.person import emit, locked_person
from intake.service_layer.unit_of_work import IntakeUnitOfWork, UnitOfWorkFactory
from shared import outbox
from shared.auth import Principal
from shared.events.codec import envelope_for
from shared.events.contracts.consent import ConsentGiven, ConsentWithdrawn
from shared.repository import Row
from shared.topics import INTAKE_EVENTS


@dataclass(frozen=True)
class GiveConsent:
    purpose: str
    given_on: date
    legal_basis: LegalBasis
    notice_version: str
    given_by: GivenBy | None
    expires_on: date | None = None


def purposes() -> dict:
    """The consent purposes (a data file)."""
    return consent_data.purposes()


def _given_by(data: BeneficiaryIn) -> str:
    c = data.consent
    return (c.given_by or (GivenBy.guardian if data.legal_status.value == "unaccompanied_minor"
                           else GivenBy.person)).value


def columns(data: BeneficiaryIn) -> dict[str, Any]:
    """How the registration's consent was given, as the person's row keeps it (a trigger turns the row's
    consent into one consents row per purpose)."""
    c = data.consent
    return {"consent_legal_basis": c.legal_basis.value, "consent_notice_version": c.notice_version,
            "consent_given_by": _given_by(data), "consent_expires_on": c.expires_on}


def announced_at_registration(data: BeneficiaryIn) -> list[ConsentGiven]:
    """The consent_given events of a registration: for the purposes another service acts on."""
    c, acted_on = data.consent, consent_data.purposes()
    return [ConsentGiven(purpose=s.value, given_on=c.date, legal_basis=c.legal_basis.value,
                         notice_version=c.notice_version, given_by=_given_by(data), expires_on=c.expires_on)
            for s in c.scope if acted_on[s.value].acted_on_by]


def _state(row: Row | None) -> ConsentState | None:
    return None if row is None else ConsentState(row["purpose"], row["action"] == "given", row["expires_on"],
                                                 row["on_date"])


async def _current(uow: IntakeUnitOfWork, beneficiary_id: UUID, purpose: str) -> ConsentState | None:
    rows = await uow.consents.current(beneficiary_id=beneficiary_id)
    return _state(next((r for r in rows if r["purpose"] == purpose), None))


async def give(uow: IntakeUnitOfWork, principal: Principal, beneficiary_id: UUID, command: GiveConsent, *,
               today: date) -> dict[str, Any]:
    async with uow:
        person = await locked_person(uow, principal, beneficiary_id)
        given_by = command.given_by or (GivenBy.guardian if person["legal_status"] == "unaccompanied_minor"
                                        else GivenBy.person)
        check_guardian(given_by.value, person["legal_status"])
        check_give(command.purpose, list(consent_data.purposes()), command.given_on, command.expires_on,
                   await _current(uow, beneficiary_id, command.purpose), today)
        await uow.consents.append([ConsentRow(
            beneficiary_id, principal.organisation_id, command.purpose, "given", command.given_on, principal.subject,
            command.legal_basis.value, command.notice_version, given_by.value, command.expires_on)])
        await uow.consents.refresh_scope(beneficiary_id=beneficiary_id)
        emit(uow, principal, person, ConsentGiven(
            purpose=command.purpose, given_on=command.given_on, legal_basis=command.legal_basis.value,
            notice_version=command.notice_version, given_by=given_by.value, expires_on=command.expires_on),
            project_id=person["project_ids"][0])
        return await _view(uow, beneficiary_id, today)


async def withdraw(uow: IntakeUnitOfWork, principal: Principal, beneficiary_id: UUID, purpose: str, *,
                   withdrawn_on: date, today: date) -> dict[str, Any]:
    async with uow:
        person = await locked_person(uow, principal, beneficiary_id)
        check_withdraw(purpose, list(consent_data.purposes()), await _current(uow, beneficiary_id, purpose),
                       withdrawn_on, today)
        await uow.consents.append([ConsentRow(
            beneficiary_id, principal.organisation_id, purpose, "withdrawn", withdrawn_on, principal.subject,
            cause="withdrawn")])
        await uow.consents.refresh_scope(beneficiary_id=beneficiary_id)
        emit(uow, principal, person, ConsentWithdrawn(purpose=purpose, withdrawn_on=withdrawn_on),
             project_id=person["project_ids"][0])
        return await _view(uow, beneficiary_id, today)


EXPIRY_SWEEPER = "consent-expiry"
SWEEP_BATCH = 500


async def expire_due(unit_of_work: UnitOfWorkFactory, *, today: date) -> int:
    """Each consent whose expiry day has passed becomes a withdrawal (cause 'expired') with its event, the
    day after it expired, so housing and employment stop acting on it as on a withdrawal. Returns how many.
    Each expiry is its own act: its event gets a correlation of its own, not the batch's."""
    done = 0
    while True:
        async with unit_of_work() as uow:
            due = await uow.consents.expired(today=today, limit=SWEEP_BATCH)
            if not due:
                return done
            records = []
            for d in due:
                on = d["expires_on"] + timedelta(days=1)
                await uow.consents.append([ConsentRow(
                    d["beneficiary_id"], d["organisation_id"], d["purpose"], "withdrawn", on, EXPIRY_SWEEPER,
                    cause="expired")])
                await uow.consents.refresh_scope(beneficiary_id=d["beneficiary_id"])
                envelope = envelope_for(ConsentWithdrawn(purpose=d["purpose"], withdrawn_on=on, cause="expired"),
                                        beneficiary_id=d["beneficiary_id"], organisation_id=d["organisation_id"],
                                        producer="intake", project_id=d["project_id"])
                records.append(outbox.record_for(envelope, INTAKE_EVENTS.name))
            await uow.caseload.events(records)
            done += len(due)


async def sweep_expiries(unit_of_work: UnitOfWorkFactory, today: Callable[[], date], *,
                         every_s: float = 3600) -> None:
    """Run expire_due now and then every `every_s` (a consent expires by the day)."""
    while True:
        await expire_due(unit_of_work, today=today())
        await asyncio.sleep(every_s)


async def consents(uow: IntakeUnitOfWork, principal: Principal, beneficiary_id: UUID, *,
                   today: date) -> dict[str, Any]:
    """The person's consents: no personal data, so no purpose is needed to read them."""
    async with uow:
        if await uow.people.get(organisation_id=principal.organisation_id, beneficiary_id=beneficiary_id) is None:
            raise NotFound(f"no beneficiary {beneficiary_id} in your organisation", field="beneficiary_id")
        return await _view(uow, beneficiary_id, today)


async def _view(uow: IntakeUnitOfWork, beneficiary_id: UUID, today: date) -> dict[str, Any]:
    """Each purpose's state today (in force, withdrawn, expired, or never given), and the history."""
    latest = {r["purpose"]: r for r in await uow.consents.current(beneficiary_id=beneficiary_id)}
    purposes = []
    for code, purpose in consent_data.purposes().items():
        row = latest.get(code)
        state = _state(row)
        status = ("never_given" if state is None else "withdrawn" if not state.given
                  else "in_force" if state.in_force(today) else "expired")
        purposes.append({"purpose": code, "name": purpose.name_en, "status": status,
                         "since": row["on_date"] if row else None, "expires_on": row["expires_on"] if row else None,
                         "legal_basis": row["legal_basis"] if row else None,
                         "notice_version": row["notice_version"] if row else None,
                         "given_by": row["given_by"] if row else None})
    history = [{k: r[k] for k in ("purpose", "action", "cause", "legal_basis", "notice_version", "given_by",
                                  "on_date", "expires_on", "recorded_by", "recorded_at")}
               for r in await uow.consents.history(beneficiary_id=beneficiary_id)]
    return {"beneficiary_id": beneficiary_id, "purposes": purposes, "history": history}
