"""SQL for funding projects and their budget by work package."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import asyncpg

from shared.db import Connection


class ProjectCodeTaken(Exception):
    """The lead organisation already has a project with this code."""


@dataclass(frozen=True)
class NewProject:
    lead_organisation_id: str
    code: str
    funder: str
    title: str
    partners: list[str]
    territories: list[str]
    start_date: date
    end_date: date
    budget: list[tuple[str, Decimal]]
    created_by: str


async def insert(conn: Connection, p: NewProject) -> None:
    try:
        await conn.execute(
            """
            INSERT INTO projects (lead_organisation_id, code, funder, title, partners, territories, start_date,
                end_date, created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """,
            p.lead_organisation_id, p.code, p.funder, p.title, p.partners, p.territories, p.start_date, p.end_date,
            p.created_by,
        )
    except asyncpg.UniqueViolationError:
        raise ProjectCodeTaken(p.code) from None
    await conn.executemany(
        "INSERT INTO project_budget (lead_organisation_id, code, work_package, amount_eur) VALUES ($1, $2, $3, $4)",
        [(p.lead_organisation_id, p.code, package, amount) for package, amount in p.budget],
    )


# Projects the organisation in parameter $1 leads or is a partner in.
VISIBLE_TO_ORGANISATION = "(p.lead_organisation_id = $1 OR $1 = ANY(p.partners))"


async def visible_to(conn: Connection, *, organisation_id: str) -> list[asyncpg.Record]:
    """Projects the organisation leads or is a partner in, with their budget lines as JSON."""
    return await conn.fetch(
        f"""
        SELECT p.*, COALESCE(
            (SELECT json_agg(json_build_object('work_package', b.work_package, 'amount_eur', b.amount_eur::text)
                             ORDER BY b.work_package)
             FROM project_budget b WHERE (b.lead_organisation_id, b.code) = (p.lead_organisation_id, p.code)),
            '[]'::json) AS budget
        FROM projects p WHERE {VISIBLE_TO_ORGANISATION} ORDER BY p.start_date DESC, p.code
        """,
        organisation_id,
    )


# The codes in parameter $2, in their order, of no project the organisation in $1 leads or partners.
NOT_VISIBLE = f"""
    SELECT u.code FROM unnest($2::text[]) WITH ORDINALITY AS u(code, n)
    WHERE NOT EXISTS (SELECT 1 FROM projects p WHERE {VISIBLE_TO_ORGANISATION} AND p.code = u.code)
    ORDER BY u.n
"""


async def not_visible(conn: Connection, *, organisation_id: str, codes: list[str]) -> list[str]:
    """The codes among `codes`, in their order, of no project the organisation leads or is a partner in."""
    return [r["code"] for r in await conn.fetch(NOT_VISIBLE, organisation_id, codes)]


async def period_of(conn: Connection, *, organisation_id: str, code: str) -> asyncpg.Record | None:
    """Start and end of the project `code` the organisation leads or, failing that, is a partner in."""
    return await conn.fetchrow(
        f"""
        SELECT p.start_date, p.end_date FROM projects p WHERE {VISIBLE_TO_ORGANISATION} AND p.code = $2
        ORDER BY (p.lead_organisation_id = $1) DESC, p.start_date LIMIT 1
        """,
        organisation_id, code,
    )
