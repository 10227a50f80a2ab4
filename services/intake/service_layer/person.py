"""What every command on a person shares: the locked row, and sealing notes with the person's key."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from intake.adapters.vault import Vault
from intake.service_layer.errors import Conflict, NotFound
from intake.service_layer.unit_of_work import IntakeUnitOfWork
from shared.auth import Principal
from shared.events.envelope import EventPayload
from shared.repository import Row


async def locked_person(uow: IntakeUnitOfWork, principal: Principal, beneficiary_id: UUID) -> Row:
    """The person's row, locked until the work commits so one person's commands (and their events)
    happen one after another; refused when not in the caller's organisation or erased."""
    row = await uow.people.lock(organisation_id=principal.organisation_id, beneficiary_id=beneficiary_id)
    if row is None:
        raise NotFound(f"no beneficiary {beneficiary_id} in your organisation", field="beneficiary_id")
    if row["erased_at"] is not None:
        raise Conflict(f"beneficiary {beneficiary_id} was erased: nothing more is recorded about them", rule="erased")
    return row


def emit(
    uow: IntakeUnitOfWork, principal: Principal, person: Row, *payloads: EventPayload, project_id: str | None = None
) -> None:
    """The command's events about `person`, written with its work."""
    for payload in payloads:
        uow.emit(payload, beneficiary_id=person["beneficiary_id"], organisation_id=principal.organisation_id,
                 project_id=project_id)


def seal(vault: Vault, person: Row, notes: dict[str, Any]) -> bytes:
    """Free text about the person, encrypted with their own key so erasure destroys it too."""
    return vault.reseal(person["beneficiary_id"], person["wrapped_key"], notes)


def open_notes(vault: Vault, person: Row, sealed: bytes) -> dict[str, Any]:
    return vault.open(person["beneficiary_id"], person["wrapped_key"], sealed)
