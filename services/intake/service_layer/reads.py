"""What every read of a person's sealed records shares: the person must be the caller's
organisation's, a read with a stated purpose is audited in the reading transaction, and sealed
notes open only while the person's key exists."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from intake.adapters.vault import Vault, VaultError
from intake.domain.access import access_for
from intake.service_layer.errors import NotFound
from intake.service_layer.unit_of_work import IntakeUnitOfWork
from shared.auth import Principal
from shared.repository import Row


async def person_for_read(
    uow: IntakeUnitOfWork, principal: Principal, beneficiary_id: UUID, *, action: str, purpose: str | None,
    audit_only: bool = False,
) -> Row:
    """The person's row and wrapped key, or NotFound; with a purpose, the read is written to
    pii_access_log as `action`, in the caller's transaction."""
    access = access_for(principal.role.value, purpose, action=action, audit_only=audit_only)
    person = await uow.people.get(organisation_id=principal.organisation_id, beneficiary_id=beneficiary_id)
    if person is None:
        raise NotFound(f"no beneficiary {beneficiary_id} in your organisation", field="beneficiary_id")
    if purpose and access.audit_action:
        await uow.people.log_access(
            actor=principal.subject, actor_role=principal.role.value,
            organisation_id=principal.organisation_id, beneficiary_ids=[beneficiary_id],
            action=access.audit_action, purpose=purpose,
        )
    return person


class Opener:
    """Opens one person's sealed notes; None for a note never written or a person erased."""

    def __init__(self, vault: Vault, person: Row) -> None:
        self._vault, self._id, self._key = vault, person["beneficiary_id"], person["wrapped_key"]

    def __call__(self, sealed: bytes | None) -> dict[str, Any] | None:
        if sealed is None:
            return None
        try:
            return self._vault.open(self._id, self._key, sealed)
        except VaultError:
            return None  # erased: the key is gone
