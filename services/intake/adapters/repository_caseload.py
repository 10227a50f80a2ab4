"""SQL a caseload's import needs: project starts, and what the organisation already holds for many
rows at once (references, fiscal codes, name-and-birth keys), each a single statement."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg

from intake.adapters.repository_projects import VISIBLE_TO_ORGANISATION
from shared.db import Connection

# Registrations take this lock shared, an import exclusive: no one registers in the organisation while
# its import checks duplicates and stores, and registrations never wait on each other for it.
IMPORT_LOCK = "hashtextextended('import:' || $1, 0)"


async def project_starts(conn: Connection, *, organisation_id: str, codes: Sequence[str]) -> dict[str, date]:
    """The start of each of `codes` the organisation leads or partners (the lead's own first)."""
    rows = await conn.fetch(
        f"""
        SELECT DISTINCT ON (p.code) p.code, p.start_date FROM projects p
        WHERE {VISIBLE_TO_ORGANISATION} AND p.code = ANY($2::text[])
        ORDER BY p.code, (p.lead_organisation_id = $1) DESC, p.start_date
        """,
        organisation_id, list(codes),
    )
    return {r["code"]: r["start_date"] for r in rows}


async def lock_for_import(conn: Connection, *, organisation_id: str) -> None:
    await conn.execute(f"SELECT pg_advisory_xact_lock({IMPORT_LOCK})", organisation_id)


async def _by_reference(conn: Connection, select: str, organisation_id: str,
                        indexes: Sequence[bytes], then: str = "") -> dict[bytes, asyncpg.Record]:
    """`select` (columns FROM table, reference_index among them) of the organisation's rows with any of
    the reference indexes, by index; `then` ends the statement (an order and a lock)."""
    rows = await conn.fetch(f"SELECT {select} WHERE organisation_id = $1 AND reference_index = ANY($2::bytea[]) "
                            f"{then}", organisation_id, list(indexes))
    return {r["reference_index"]: r for r in rows}


async def known_references(
    conn: Connection, *, organisation_id: str, indexes: Sequence[bytes]
) -> dict[bytes, asyncpg.Record]:
    """The organisation's people (erased ones too: their reference stays taken) by reference index."""
    return await _by_reference(conn, "reference_index, beneficiary_id, erased_at FROM beneficiaries",
                               organisation_id, indexes)


async def duplicates_of_many(
    conn: Connection, *, organisation_id: str, fiscal_code_indexes: Sequence[bytes],
    match_key_indexes: Sequence[bytes],
) -> list[asyncpg.Record]:
    """The organisation's people (not erased) with any of the fiscal codes or name-and-birth keys,
    looked up on their own indexes first, as registration's duplicate search does."""
    return await conn.fetch(
        """
        WITH same AS MATERIALIZED (
            SELECT beneficiary_id, organisation_id, erased_at, fiscal_code_index, match_key_index
            FROM beneficiaries WHERE fiscal_code_index = ANY($2::bytea[])
            UNION
            SELECT beneficiary_id, organisation_id, erased_at, fiscal_code_index, match_key_index
            FROM beneficiaries WHERE match_key_index = ANY($3::bytea[])
        )
        SELECT beneficiary_id, fiscal_code_index, match_key_index FROM same
        WHERE organisation_id = $1 AND erased_at IS NULL
        """,
        organisation_id, list(fiscal_code_indexes), list(match_key_indexes),
    )


BENEFICIARY_COLUMNS = (
    "beneficiary_id", "organisation_id", "personal", "fiscal_code_index", "match_key_index", "name_index", "sex",
    "age_band", "legal_status", "reception", "must_leave_by", "permit_expiry", "household_size", "children",
    "single_parent", "italian_level", "languages", "vulnerabilities", "project_ids", "consent_date",
    "consent_scope", "registered_on", "registered_by", "taken_in_charge_on", "reference_index", "area",
    "municipality", "accepted_areas", "consent_legal_basis", "consent_notice_version", "consent_given_by",
    "consent_expires_on", "work_status", "permit_renewal_pending",
)


async def copy_people(conn: Connection, people: Sequence[tuple], keys: Sequence[tuple]) -> None:
    """Many people (rows in BENEFICIARY_COLUMNS order) and their wrapped keys, by COPY: the import's
    bulk path, in the caller's transaction."""
    await conn.copy_records_to_table("person_keys", records=keys, columns=("beneficiary_id", "wrapped_key"))
    await conn.copy_records_to_table("beneficiaries", records=people, columns=BENEFICIARY_COLUMNS)


async def last_move_on(conn: Connection, *, beneficiary_id: UUID) -> date | None:
    """The day of the person's latest path move, if any."""
    return await conn.fetchval("SELECT max(changed_on) FROM path_transitions WHERE beneficiary_id = $1", beneficiary_id)


async def people_by_reference(
    conn: Connection, *, organisation_id: str, indexes: Sequence[bytes]
) -> dict[bytes, asyncpg.Record]:
    """The organisation's people by reference index, each row locked until commit, as a command on
    one person locks it."""
    return await _by_reference(conn, "* FROM beneficiaries", organisation_id, indexes,
                               "ORDER BY beneficiary_id FOR UPDATE")


async def known_intervention_references(
    conn: Connection, *, organisation_id: str, indexes: Sequence[bytes]
) -> dict[bytes, asyncpg.Record]:
    return await _by_reference(conn, "reference_index, intervention_id FROM interventions", organisation_id,
                               indexes)


async def insert_imported_intervention(conn: Connection, i: Any, reference_index: bytes) -> None:
    """An intervention (repository_activities.NewIntervention) with the organisation's reference for it."""
    await conn.execute(
        """
        INSERT INTO interventions (intervention_id, beneficiary_id, organisation_id, kind, on_date, duration_minutes,
            hours, operator_id, project_id, cost_eur, course_id, recorded_by, reference_index)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
        """,
        i.intervention_id, i.beneficiary_id, i.organisation_id, i.kind, i.on_date, i.duration_minutes, i.hours,
        i.operator_id, i.project_id, i.cost_eur, i.course_id, i.recorded_by, reference_index,
    )


async def course_by_reference(conn: Connection, *, organisation_id: str, index: bytes) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM courses WHERE organisation_id = $1 AND reference_index = $2",
                               organisation_id, index)


async def set_course_reference(conn: Connection, *, course_id: UUID, index: bytes) -> None:
    await conn.execute("UPDATE courses SET reference_index = $2 WHERE course_id = $1", course_id, index)
