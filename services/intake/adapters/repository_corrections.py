"""SQL for corrections: the corrected registration, the duplicate check against the other people,
and the append-only log of corrections. Every function takes the caller's connection."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from intake.adapters.repository import PersonColumns
from shared.db import Connection


@dataclass(frozen=True)
class NewCorrection:
    beneficiary_id: UUID
    organisation_id: str
    target: str
    fields: list[str]
    reason: bytes
    corrected_on: date
    corrected_by: str
    intervention_id: UUID | None = None
    corrected_intervention_id: UUID | None = None


async def update_registration(conn: Connection, c: PersonColumns) -> None:
    """The person's sealed data, search indexes and coarse columns after a correction."""
    await conn.execute(
        """
        UPDATE beneficiaries SET personal = $2, fiscal_code_index = $3, match_key_index = $4, name_index = $5,
            sex = $6, age_band = $7, legal_status = $8, reception = $9, must_leave_by = $10, permit_expiry = $11,
            household_size = $12, children = $13, single_parent = $14, italian_level = $15, languages = $16,
            vulnerabilities = $17, area = $18, municipality = $19, accepted_areas = $20, step_free_need = $21,
            work_status = $22, permit_renewal_pending = $23
        WHERE beneficiary_id = $1
        """,
        c.beneficiary_id, c.personal, c.fiscal_code_index, c.match_key_index, c.name_index, c.sex, c.age_band,
        c.legal_status, c.reception, c.must_leave_by, c.permit_expiry, c.household_size, c.children,
        c.single_parent, c.italian_level, c.languages, c.vulnerabilities, c.area, c.municipality,
        list(c.accepted_areas), c.step_free_need, c.work_status, c.permit_renewal_pending,
    )


async def append(conn: Connection, c: NewCorrection) -> int:
    """Log the correction; returns its sequence number."""
    return await conn.fetchval(
        """
        INSERT INTO corrections (beneficiary_id, organisation_id, target, intervention_id,
            corrected_intervention_id, fields, reason, corrected_on, corrected_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        RETURNING seq
        """,
        c.beneficiary_id, c.organisation_id, c.target, c.intervention_id, c.corrected_intervention_id, c.fields,
        c.reason, c.corrected_on, c.corrected_by,
    )


async def keep_superseded(
    conn: Connection, *, beneficiary_id: UUID, correction_seq: int, registration: bytes
) -> None:
    """The sealed registration as it stood before correction `correction_seq`, appended, never edited."""
    await conn.execute(
        "INSERT INTO registration_versions (beneficiary_id, correction_seq, registration) VALUES ($1, $2, $3)",
        beneficiary_id, correction_seq, registration,
    )
