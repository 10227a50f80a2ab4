"""SQL for consents: append a given or withdrawn row, read a person's current ones and history, and
keep the person's `consent_scope` column (the purposes in force, what lists show) in step."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

import asyncpg

from shared.db import Connection


@dataclass(frozen=True)
class ConsentRow:
    beneficiary_id: UUID
    organisation_id: str
    purpose: str
    action: str
    on_date: date
    recorded_by: str
    legal_basis: str | None = None
    notice_version: str | None = None
    given_by: str | None = None
    expires_on: date | None = None
    cause: str | None = None  # of a withdrawal: withdrawn or expired


COLUMNS = ("beneficiary_id", "organisation_id", "purpose", "action", "legal_basis", "notice_version", "given_by",
           "on_date", "expires_on", "recorded_by", "cause")


def _record(c: ConsentRow) -> tuple:
    return tuple(getattr(c, k) for k in COLUMNS)


async def append(conn: Connection, rows: Sequence[ConsentRow]) -> None:
    """The rows, in order, in one statement."""
    if rows:
        await conn.executemany(
            f"INSERT INTO consents ({', '.join(COLUMNS)}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            [_record(r) for r in rows])


async def copy(conn: Connection, rows: Sequence[ConsentRow]) -> None:
    """Many rows by COPY (an import)."""
    await conn.copy_records_to_table("consents", records=[_record(r) for r in rows], columns=COLUMNS)


async def current(conn: Connection, *, beneficiary_id: UUID) -> list[asyncpg.Record]:
    return await conn.fetch("SELECT * FROM current_consents WHERE beneficiary_id = $1 ORDER BY purpose",
                            beneficiary_id)


async def history(conn: Connection, *, beneficiary_id: UUID) -> list[asyncpg.Record]:
    return await conn.fetch("SELECT * FROM consents WHERE beneficiary_id = $1 ORDER BY seq", beneficiary_id)


async def expired(conn: Connection, *, today: date, limit: int) -> list[asyncpg.Record]:
    """Consents in force by their rows whose expiry is before `today`, with the person's first project,
    each person's row locked (people of erased paths left out: nothing more is recorded about them)."""
    return await conn.fetch(
        """
        SELECT c.beneficiary_id, c.organisation_id, c.purpose, c.expires_on, b.project_ids[1] AS project_id
        FROM current_consents c JOIN beneficiaries b USING (beneficiary_id)
        WHERE c.action = 'given' AND c.expires_on < $1 AND b.erased_at IS NULL
        ORDER BY c.beneficiary_id, c.purpose LIMIT $2
        FOR UPDATE OF b
        """,
        today, limit)


async def refresh_scope(conn: Connection, *, beneficiary_id: UUID) -> None:
    """The person's consent_scope: the purposes whose latest row gives consent."""
    await conn.execute(
        """
        UPDATE beneficiaries SET consent_scope = coalesce((
            SELECT array_agg(purpose ORDER BY purpose) FROM current_consents
            WHERE beneficiary_id = $1 AND action = 'given'), '{}')
        WHERE beneficiary_id = $1
        """,
        beneficiary_id)
