"""Erasure on request (GDPR art. 17) by crypto-shredding: the person's key is destroyed, so every
sealed copy of their data (the current registration, its superseded versions, notes, reasons)
becomes unreadable wherever the key no longer exists; a backup that still holds the person_keys
row keeps them readable until that backup is gone. Anonymous counts stand."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import asyncpg

from intake.adapters import repository
from intake.service_layer.person import emit, locked_person
from shared.auth import Principal
from shared.events.contracts import BeneficiaryErased


async def erase(pool: asyncpg.Pool, principal: Principal, beneficiary_id: UUID, *, reason: str, today: date) -> None:
    """Destroy the key, the sealed data and the search indexes in one transaction, and announce it."""
    async with pool.acquire() as conn, conn.transaction():
        await locked_person(conn, principal, beneficiary_id)  # refuses a person erased already
        await repository.erase(conn, beneficiary_id=beneficiary_id)
        await repository.log_erasure(
            conn, beneficiary_id=beneficiary_id, organisation_id=principal.organisation_id, reason=reason,
            erased_by=principal.subject,
        )
        await emit(conn, principal, beneficiary_id, BeneficiaryErased(erased_on=today))
