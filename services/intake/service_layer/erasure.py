"""Erasure on request (GDPR art. 17) by crypto-shredding: the person's key is destroyed, so every
sealed copy of their data (the current registration, its superseded versions, notes, reasons)
becomes unreadable wherever the key no longer exists; a backup that still holds the person_keys
row keeps them readable until that backup is gone. Anonymous counts stand."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from intake.service_layer.person import emit, locked_person
from intake.service_layer.unit_of_work import IntakeUnitOfWork
from shared.auth import Principal
from shared.events.contracts import BeneficiaryErased


async def erase(
    uow: IntakeUnitOfWork, principal: Principal, beneficiary_id: UUID, *, reason: str, today: date
) -> None:
    """Destroy the key, the sealed data and the search indexes in one unit of work, and announce it."""
    async with uow:
        person = await locked_person(uow, principal, beneficiary_id)  # refuses a person erased already
        await uow.people.erase(beneficiary_id=beneficiary_id)
        await uow.people.log_erasure(
            beneficiary_id=beneficiary_id, organisation_id=principal.organisation_id, reason=reason,
            erased_by=principal.subject,
        )
        emit(uow, principal, person, BeneficiaryErased(erased_on=today))
