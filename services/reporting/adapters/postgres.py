"""The PostgreSQL side of the ports: facts in the active generation's schema, projects."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from uuid import UUID

import asyncpg

from reporting.adapters import facts_sql, indicator_sql
from reporting.adapters.ports import TimelineRow
from reporting.domain.access import ProjectInfo
from reporting.domain.budgets import BudgetLine, BudgetVersion, in_order, next_version
from reporting.domain.counting import Cell, Query
from reporting.domain.facts import Fact
from reporting.domain.project_roles import ALWAYS, RoleVersion, next_role_version
from shared.db import Connection
from shared.events.envelope import Event


class PostgresFacts:
    """Borrows the unit of work's connection; owns nothing."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._generation: int | None = None

    async def _active(self) -> int:
        """One generation for the whole unit of work, so every part of a report reads the same one."""
        if self._generation is None:
            self._generation = await facts_sql.active_generation(self._conn)
        return self._generation

    async def append(self, events: Sequence[Event], *, generation: int | None = None) -> int:
        rows = facts_sql.rows_of(events)
        targets = [generation] if generation is not None else await facts_sql.open_generations(self._conn)
        if len(rows) >= facts_sql.STAGED_FROM:
            await facts_sql.append_staged(self._conn, targets, rows)
        else:
            for target in targets:
                await facts_sql.append(self._conn, target, rows)
        return len(rows)

    async def cells(self, queries: Sequence[Query]) -> list[list[Cell]]:
        if not queries:
            return []
        generation = await self._active()
        first = queries[0]
        await indicator_sql.load_people(self._conn, generation, as_of=first.as_of, scope=first.scope)
        return [await indicator_sql.cells(self._conn, q, generation) for q in queries]

    async def timeline(self, beneficiary_id: UUID, *, as_of: datetime) -> list[TimelineRow]:
        generation = await self._active()
        rows = await facts_sql.timeline(self._conn, generation, beneficiary_id=beneficiary_id, organisations=None,
                                        as_of=as_of)
        return [TimelineRow(_fact(r, beneficiary_id), r["schema_version"], r["producer"], r["payload"] or {})
                for r in rows]

    async def amounts(self, project_id: str, *, as_of: datetime) -> list[tuple[str, str | None, str | None,
                                                                              Decimal]]:
        generation = await self._active()
        facts = f"{facts_sql.schema(generation)}.facts"
        rows = await self._conn.fetch(
            f"""
            SELECT event_type, kind, category, sum(amount) AS amount FROM {facts} f
            WHERE project_id = $1 AND amount IS NOT NULL AND recorded_at <= $2
              AND (record_id IS NULL OR NOT EXISTS (SELECT 1 FROM {facts} c WHERE c.supersedes = f.record_id
                                                    AND c.recorded_at <= $2))
            GROUP BY event_type, kind, category
            """,
            project_id, as_of,
        )
        return [(r["event_type"], r["kind"], r["category"], Decimal(r["amount"])) for r in rows]

    async def count(self, generation: int | None = None) -> int:
        target = generation if generation is not None else await self._active()
        return int(await self._conn.fetchval(f"SELECT count(*) FROM {facts_sql.schema(target)}.facts"))


def _fact(r: asyncpg.Record, beneficiary_id: UUID) -> Fact:
    return Fact(
        event_id=r["event_id"], seq=0, event_type=r["event_type"], recorded_at=r["recorded_at"],
        occurred_on=r["occurred_on"], beneficiary_id=beneficiary_id, organisation_id=r["organisation_id"],
        project_id=r["project_id"], kind=r["kind"], category=r["category"], sector=r["sector"],
        amount=Decimal(r["amount"]) if r["amount"] is not None else None,
        quantity=Decimal(r["quantity"]) if r["quantity"] is not None else None,
    )


# `domain.project_roles.roles_in_force` as an ordering ($2 the as-of time): the latest version recorded
# by then, else the first.
_IN_FORCE_FIRST = "(recorded_at <= $2) DESC, CASE WHEN recorded_at <= $2 THEN version ELSE -version END DESC"


class PostgresProjects:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def lock(self, project_id: str) -> None:
        """A transaction advisory lock on the id: there may be no row to lock yet."""
        await self._conn.execute("SELECT pg_advisory_xact_lock(hashtextextended('reporting.project:' || $1, 0))",
                                 project_id)

    async def get(self, project_id: str, *, as_of: datetime | None = None) -> ProjectInfo | None:
        if as_of is None:
            row = await self._conn.fetchrow("SELECT * FROM projects WHERE project_id = $1", project_id)
        else:
            row = await self._conn.fetchrow(f"SELECT * FROM project_role_versions WHERE project_id = $1 "
                                            f"ORDER BY {_IN_FORCE_FIRST} LIMIT 1", project_id, as_of)
        return _project(row) if row else None

    async def funded_by(self, funder: str, *, as_of: datetime | None = None) -> list[ProjectInfo]:
        if as_of is None:
            rows = await self._conn.fetch("SELECT * FROM projects WHERE funder = $1 ORDER BY project_id", funder)
        else:
            rows = await self._conn.fetch(
                f"""
                SELECT * FROM (
                    SELECT DISTINCT ON (project_id) * FROM project_role_versions
                    ORDER BY project_id, {_IN_FORCE_FIRST}
                ) AS in_force WHERE funder = $1 ORDER BY project_id COLLATE "C"
                """, funder, as_of)
        return [_project(r) for r in rows]

    async def put(self, project: ProjectInfo, *, title: str, now: datetime | None = None) -> None:
        """The project's row (the latest roles, the title) and a new version of its roles, numbered
        under the row lock the upsert takes, so concurrent PUTs each get their own."""
        async with self._conn.transaction():
            await self._conn.execute(
                """
                INSERT INTO projects (project_id, funder, lead_organisation_id, partners, title)
                VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (project_id) DO UPDATE SET funder = excluded.funder,
                    lead_organisation_id = excluded.lead_organisation_id, partners = excluded.partners,
                    title = excluded.title
                """,
                project.project_id, project.funder, project.lead_organisation_id, list(project.partners), title,
            )
            latest = await self._conn.fetchrow(
                "SELECT version, recorded_at FROM project_role_versions WHERE project_id = $1 "
                "ORDER BY version DESC LIMIT 1", project.project_id)
            version = next_role_version(
                RoleVersion(latest["version"], _aware(latest["recorded_at"]), project) if latest else None,
                now or ALWAYS, project)
            await self._conn.execute(
                "INSERT INTO project_role_versions (project_id, version, recorded_at, funder, lead_organisation_id, "
                "partners) VALUES ($1, $2, $3, $4, $5, $6)", project.project_id, version.version,
                version.recorded_at, project.funder, project.lead_organisation_id, list(project.partners))

    async def add_budget(self, project_id: str, lines: tuple[BudgetLine, ...], *, now: datetime) -> BudgetVersion:
        """The project's row locked first, so two PUTs at once number their versions one after the other
        (the primary key refuses a number taken twice); the version and its lines in one transaction."""
        async with self._conn.transaction():
            locked = await self._conn.fetchval("SELECT 1 FROM projects WHERE project_id = $1 FOR UPDATE", project_id)
            if locked is None:
                raise LookupError(f"no project {project_id!r}")
            latest = await self._conn.fetchrow(
                "SELECT version, recorded_at FROM budget_versions WHERE project_id = $1 ORDER BY version DESC LIMIT 1",
                project_id)
            previous = BudgetVersion(latest["version"], latest["recorded_at"], ()) if latest else None
            version = next_version(previous, now, in_order(lines))
            await self._conn.execute(
                "INSERT INTO budget_versions (project_id, version, recorded_at) VALUES ($1, $2, $3)",
                project_id, version.version, version.recorded_at)
            await self._conn.executemany(
                "INSERT INTO budget_version_lines (project_id, version, work_package, budget_line, amount_eur) "
                "VALUES ($1, $2, $3, $4, $5)",
                [(project_id, version.version, b.work_package, b.budget_line, b.amount_eur) for b in version.lines])
        return version

    async def budget(self, project_id: str, *, as_of: datetime) -> BudgetVersion | None:
        row = await self._conn.fetchrow(
            "SELECT version, recorded_at FROM budget_versions WHERE project_id = $1 AND recorded_at <= $2 "
            "ORDER BY recorded_at DESC, version DESC LIMIT 1", project_id, as_of)
        if row is None:
            return None
        return BudgetVersion(row["version"], row["recorded_at"], await self._lines(project_id, row["version"]))

    async def budgets(self, project_id: str) -> list[BudgetVersion]:
        rows = await self._conn.fetch(
            "SELECT version, recorded_at FROM budget_versions WHERE project_id = $1 ORDER BY version", project_id)
        return [BudgetVersion(r["version"], r["recorded_at"], await self._lines(project_id, r["version"]))
                for r in rows]

    async def _lines(self, project_id: str, version: int) -> tuple[BudgetLine, ...]:
        rows = await self._conn.fetch(
            "SELECT work_package, budget_line, amount_eur FROM budget_version_lines WHERE project_id = $1 "
            "AND version = $2", project_id, version)
        # ordered as the twin and the domain order them (by code point, whatever the database's collation)
        return in_order(BudgetLine(r["work_package"], r["budget_line"], Decimal(r["amount_eur"])) for r in rows)


def _aware(at: datetime) -> datetime:
    """asyncpg gives the earliest timestamptz (ALWAYS) back without its zone."""
    return at if at.tzinfo is not None else ALWAYS


def _project(row: asyncpg.Record) -> ProjectInfo:
    return ProjectInfo(row["project_id"], row["funder"], row["lead_organisation_id"], tuple(row["partners"]))
