"""SQL for intake's beneficiaries, keys and audit log; every function takes the caller's
connection, so the caller's transaction decides what commits together."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

import asyncpg

from intake.adapters.repository_caseload import IMPORT_LOCK
from intake.adapters.repository_projects import NOT_VISIBLE
from intake.domain.duplicates import ExistingKeys
from shared import outbox
from shared.db import Connection


@dataclass(frozen=True, kw_only=True)
class PersonColumns:
    """What registration writes and a correction rewrites: the sealed data, its search indexes and
    the coarse attributes."""

    beneficiary_id: UUID
    personal: bytes
    fiscal_code_index: bytes | None
    match_key_index: bytes
    name_index: list[bytes]
    sex: str
    age_band: str
    legal_status: str
    reception: str
    must_leave_by: date | None
    permit_expiry: date | None
    household_size: int
    children: int
    single_parent: bool
    italian_level: str
    languages: list[str]
    vulnerabilities: list[str]
    area: str | None = None  # the province where the person lives or is hosted
    municipality: str | None = None  # its ISTAT code
    accepted_areas: list[str] = field(default_factory=list)  # provinces where they would live or work
    step_free_need: bool | None = None  # needs a step-free place; None: not recorded
    work_status: str | None = None  # employed, seeking_work or inactive at intake; None: not recorded
    # The permit's renewal was applied for (the sealed permit's renewal_pending, in plain): past its
    # expiry day the permit shows 'renewal_pending', not 'expired' (domain/permit.py permit_flags).
    permit_renewal_pending: bool = False


@dataclass(frozen=True, kw_only=True)
class NewBeneficiary(PersonColumns):
    organisation_id: str
    wrapped_key: bytes
    project_ids: list[str]
    consent_date: date
    consent_scope: list[str]
    registered_on: date
    registered_by: str
    taken_in_charge_on: date | None = None  # None: the day it is registered
    # How the consent of consent_scope was given; a trigger records it as one consents row per purpose.
    consent_legal_basis: str = "consent"
    consent_notice_version: str = "unrecorded"
    consent_given_by: str = "person"
    consent_expires_on: date | None = None


def _lock_keys(indexes: Sequence[bytes | None]) -> list[str]:
    return sorted(i.hex() for i in indexes if i)  # sorted: two registrations never wait on each other in a cycle


def _lock_sql(param: int) -> str:
    """Advisory locks on the keys in text-array parameter `param`, taken in order until commit."""
    return (f"SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(${param}::text[]) "
            "WITH ORDINALITY AS l(k, n) ORDER BY n")


async def lock_identity(conn: Connection, *indexes: bytes | None) -> None:
    """Serialise registrations that could be duplicates of each other, until commit."""
    await conn.execute(_lock_sql(1), _lock_keys(indexes))


async def lock_identity_and_find_unknown_projects(
    conn: Connection, *indexes: bytes | None, organisation_id: str, project_codes: Sequence[str]
) -> list[str]:
    """lock_identity, then the codes among `project_codes` (in their order) of no project the organisation
    leads or partners, in one round trip: a registration's checks before its duplicate search. The count
    is one row whatever the codes, so every lock is taken before the codes are looked at; the
    organisation's import lock is taken shared (an import running there holds it exclusive)."""
    return list(await conn.fetchval(
        f"WITH import_lock AS MATERIALIZED (SELECT pg_advisory_xact_lock_shared({IMPORT_LOCK})), "
        f"locked AS MATERIALIZED ({_lock_sql(3)}) "
        f"SELECT array({NOT_VISIBLE}) FROM (SELECT count(*) FROM locked, import_lock) AS taken",
        organisation_id, list(project_codes), _lock_keys(indexes),
    ))


async def find_duplicates(
    conn: Connection, *, organisation_id: str, fiscal_code_index: bytes | None,
    match_key_index: bytes | None, other_than: UUID | None = None,
) -> list[ExistingKeys]:
    """The organisation's people (but `other_than`) with that fiscal code or name-and-birth key, with
    their keys for the domain to match; None checks nothing. The keyed hashes are looked up first, on
    their own indexes, and the organisation filtered after (a materialised CTE keeps it there):
    otherwise, for an organisation the statistics do not know yet (a new one, or one growing fast),
    the planner walks all its people instead."""
    rows = await conn.fetch(
        """
        WITH same AS MATERIALIZED (
            SELECT beneficiary_id, organisation_id, erased_at, fiscal_code_index, match_key_index
            FROM beneficiaries WHERE fiscal_code_index = $2
            UNION
            SELECT beneficiary_id, organisation_id, erased_at, fiscal_code_index, match_key_index
            FROM beneficiaries WHERE match_key_index = $3
        )
        SELECT beneficiary_id, fiscal_code_index, match_key_index
        FROM same
        WHERE organisation_id = $1 AND erased_at IS NULL AND beneficiary_id IS DISTINCT FROM $4
        """,
        organisation_id, fiscal_code_index, match_key_index, other_than,
    )
    return [ExistingKeys(r["beneficiary_id"], r["fiscal_code_index"], r["match_key_index"]) for r in rows]


async def insert(conn: Connection, b: NewBeneficiary, events: Sequence[outbox.OutboxRecord]) -> None:
    """The person, their key and the events announcing them, in one statement (one round trip)."""
    events_cte, event_args = outbox.insert_cte(events, first_param=36)
    await conn.execute(
        f"""
        WITH person_key AS (INSERT INTO person_keys (beneficiary_id, wrapped_key) VALUES ($1, $24)), {events_cte}
        INSERT INTO beneficiaries (
            beneficiary_id, organisation_id, personal, fiscal_code_index, match_key_index, name_index, sex,
            age_band, legal_status, reception, must_leave_by, permit_expiry, household_size, children,
            single_parent, italian_level, languages, vulnerabilities, project_ids, consent_date, consent_scope,
            registered_on, registered_by, taken_in_charge_on, area, municipality, accepted_areas, consent_legal_basis,
            consent_notice_version, consent_given_by, consent_expires_on, step_free_need, work_status,
            permit_renewal_pending)
        VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$25,$26,$27,$28,
                $29,$30,$31,$32,$33,$34,$35)
        """,
        b.beneficiary_id, b.organisation_id, b.personal, b.fiscal_code_index, b.match_key_index, b.name_index,
        b.sex, b.age_band, b.legal_status, b.reception, b.must_leave_by, b.permit_expiry, b.household_size,
        b.children, b.single_parent, b.italian_level, b.languages, b.vulnerabilities, b.project_ids,
        b.consent_date, b.consent_scope, b.registered_on, b.registered_by, b.wrapped_key,
        b.taken_in_charge_on or b.registered_on, b.area, b.municipality, list(b.accepted_areas),
        b.consent_legal_basis, b.consent_notice_version, b.consent_given_by, b.consent_expires_on, b.step_free_need,
        b.work_status, b.permit_renewal_pending, *event_args,
    )


_LIST_COLUMNS = """
    b.beneficiary_id, b.sex, b.age_band, b.legal_status, b.reception, b.must_leave_by, b.permit_expiry,
    b.permit_renewal_pending, b.household_size, b.children, b.single_parent, b.italian_level, b.languages,
    b.vulnerabilities,
    b.consent_date, b.consent_scope, b.project_ids, b.path_status, b.registered_on,
    coalesce(b.taken_in_charge_on, b.registered_on) AS taken_in_charge_on, b.erased_at,
    b.area, b.municipality, b.accepted_areas, b.step_free_need, b.work_status,
    b.personal, k.wrapped_key
"""


async def list_page(
    conn: Connection, *, organisation_id: str, limit: int, offset: int,
    fiscal_code_index: bytes | None = None, name_indexes: Sequence[bytes] = (), status: str | None = None,
    project_id: str | None = None, operator: str | None = None, due_by: date | None = None,
    closed_statuses: Sequence[str] = (),
) -> tuple[int, list[asyncpg.Record]]:
    """One page of an organisation's people, newest first, with the total that match. `operator`:
    registered by them or responsible for one of their goals. `due_by`: people not erased and whose path
    is not in `closed_statuses`, with an open goal, must_leave_by, permit expiry or a consent's expiry on or before then
    (overdue ones included: they are the most urgent).

    A permit whose renewal is pending (permit_renewal_pending) does not make its holder due, before or
    after its expiry day: what the expiry asks of the operator is to apply for the renewal, and that
    was done; the person keeps their rights on the post-office receipt while the questura decides, a
    wait of months that would otherwise fill the list with people nobody can act on. They stay due for
    their other deadlines, and the list and the person show permit_status 'renewal_pending' past the
    expiry day. A refused or granted renewal is recorded by correcting the permit, which clears the
    flag (a new expiry, or the old one due again)."""
    where = """
        b.organisation_id = $1
        AND ($2::bytea IS NULL OR b.fiscal_code_index = $2)
        AND (cardinality($3::bytea[]) = 0 OR b.name_index @> $3)
        AND ($4::text IS NULL OR b.path_status = $4)
        AND ($5::text IS NULL OR $5 = ANY(b.project_ids))
        AND ($6::text IS NULL OR b.registered_by = $6 OR EXISTS (
            SELECT 1 FROM goals g WHERE g.beneficiary_id = b.beneficiary_id AND g.responsible_operator = $6))
        AND ($7::date IS NULL OR (
            b.erased_at IS NULL AND b.path_status <> ALL($8::text[])
            AND (b.must_leave_by <= $7 OR (b.permit_expiry <= $7 AND NOT b.permit_renewal_pending)
                 OR EXISTS (SELECT 1 FROM goals g WHERE g.beneficiary_id = b.beneficiary_id
                            AND g.status IN ('open', 'replanned') AND g.deadline <= $7)
                 OR EXISTS (SELECT 1 FROM current_consents c WHERE c.beneficiary_id = b.beneficiary_id
                            AND c.action = 'given' AND c.expires_on <= $7))))
    """
    args = (organisation_id, fiscal_code_index, list(name_indexes), status, project_id, operator, due_by,
            list(closed_statuses))
    total = await conn.fetchval(f"SELECT count(*) FROM beneficiaries b WHERE {where}", *args)
    rows = await conn.fetch(
        f"""
        SELECT {_LIST_COLUMNS} FROM beneficiaries b LEFT JOIN person_keys k USING (beneficiary_id)
        WHERE {where} ORDER BY b.created_at DESC, b.beneficiary_id LIMIT $9 OFFSET $10
        """,
        *args, limit, offset,
    )
    return total, rows


async def get(conn: Connection, *, organisation_id: str, beneficiary_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(
        f"""
        SELECT {_LIST_COLUMNS} FROM beneficiaries b LEFT JOIN person_keys k USING (beneficiary_id)
        WHERE b.organisation_id = $1 AND b.beneficiary_id = $2
        """,
        organisation_id, beneficiary_id,
    )


async def log_access(
    conn: Connection, *, actor: str, actor_role: str, organisation_id: str,
    beneficiary_ids: Sequence[UUID | None], action: str, purpose: str,
) -> None:
    """One audit row per person read, in one statement (None: a search that found nobody)."""
    if not beneficiary_ids:
        return
    await conn.execute(
        """
        INSERT INTO pii_access_log (actor, actor_role, organisation_id, beneficiary_id, action, purpose)
        SELECT $1, $2, $3, unnest($4::uuid[]), $5, $6
        """,
        actor, actor_role, organisation_id, list(beneficiary_ids), action, purpose,
    )


async def lock(conn: Connection, *, organisation_id: str, beneficiary_id: UUID) -> asyncpg.Record | None:
    """The person's whole row and key, locked FOR UPDATE until the caller's transaction ends."""
    return await conn.fetchrow(
        """
        SELECT b.*, k.wrapped_key
        FROM beneficiaries b LEFT JOIN person_keys k USING (beneficiary_id)
        WHERE b.organisation_id = $1 AND b.beneficiary_id = $2
        FOR UPDATE OF b
        """,
        organisation_id, beneficiary_id,
    )


async def set_path_status(conn: Connection, *, beneficiary_id: UUID, status: str) -> None:
    await conn.execute("UPDATE beneficiaries SET path_status = $2 WHERE beneficiary_id = $1", beneficiary_id, status)


async def set_projects(conn: Connection, *, beneficiary_id: UUID, project_ids: list[str]) -> None:
    await conn.execute("UPDATE beneficiaries SET project_ids = $2 WHERE beneficiary_id = $1", beneficiary_id,
                       project_ids)


async def set_italian_level(conn: Connection, *, beneficiary_id: UUID, level: str) -> None:
    await conn.execute("UPDATE beneficiaries SET italian_level = $2 WHERE beneficiary_id = $1", beneficiary_id, level)


async def erase(conn: Connection, *, beneficiary_id: UUID) -> None:
    """Destroy the person's key and every searchable trace; the coarse attributes stay for counts, and
    so does the keyed hash of the organisation's reference, so that importing an old file again never
    brings an erased person back."""
    await conn.execute("DELETE FROM person_keys WHERE beneficiary_id = $1", beneficiary_id)
    await conn.execute(
        """
        UPDATE beneficiaries SET personal = NULL, fiscal_code_index = NULL, match_key_index = NULL,
            name_index = '{}', vulnerabilities = '{}', erased_at = now()
        WHERE beneficiary_id = $1
        """,
        beneficiary_id,
    )


async def log_erasure(
    conn: Connection, *, beneficiary_id: UUID, organisation_id: str, reason: str, erased_by: str
) -> None:
    await conn.execute(
        "INSERT INTO erasures (beneficiary_id, organisation_id, reason, erased_by) VALUES ($1, $2, $3, $4)",
        beneficiary_id, organisation_id, reason, erased_by,
    )
