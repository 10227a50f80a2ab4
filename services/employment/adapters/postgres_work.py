"""SQL for openings, placements and their stage history, funds and instalments. Money moves only by
conditional UPDATEs (`... WHERE paid + amount <= budget`): under concurrent payments the row lock
orders them and each re-checks the condition on the row as the previous one left it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg

from employment.adapters.codec import hire_json, opening_of, placement_of, terms_json
from employment.domain.funds import Fund, Instalment
from employment.domain.levels import OpeningKind
from employment.domain.openings import Opening
from employment.domain.pipeline import BEGUN, HOLDS_SEAT, Placement, Stage
from employment.domain.stats import StageVisit
from shared.funds_sql import SqlLedgers

_SEAT_STAGES = sorted(s.value for s in HOLDS_SEAT - {Stage.proposed})
_BEGUN = sorted(s.value for s in BEGUN)


class PostgresOpenings:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def put(self, o: Opening, *, region: str) -> None:
        await self._conn.execute(
            """INSERT INTO openings (opening_id, organisation_id, kind, title, municipality, region, sector, start_date,
                   end_date, seats, weekly_hours, italian_level, driving_licence, max_weekly_hours, project_id, fund_id,
                   monthly_project_eur, instalments, terms, status)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
               ON CONFLICT (opening_id) DO UPDATE SET title = EXCLUDED.title, municipality = EXCLUDED.municipality,
                   region = EXCLUDED.region, sector = EXCLUDED.sector, start_date = EXCLUDED.start_date,
                   end_date = EXCLUDED.end_date, seats = EXCLUDED.seats, weekly_hours = EXCLUDED.weekly_hours,
                   italian_level = EXCLUDED.italian_level, driving_licence = EXCLUDED.driving_licence,
                   max_weekly_hours = EXCLUDED.max_weekly_hours, project_id = EXCLUDED.project_id,
                   fund_id = EXCLUDED.fund_id, monthly_project_eur = EXCLUDED.monthly_project_eur,
                   instalments = EXCLUDED.instalments, terms = EXCLUDED.terms, status = EXCLUDED.status""",
            o.opening_id, o.organisation_id, o.kind.value, o.title, o.municipality, region, o.sector, o.start_date,
            o.end_date, o.seats, o.weekly_hours, o.requirements.italian_level, o.requirements.driving_licence,
            o.requirements.max_weekly_hours, o.project_id, o.fund_id(), o.project_pays_monthly(), o.instalments(),
            terms_json(o), o.status)

    async def get(self, organisation_id: str, opening_id: UUID, *, lock: bool = False) -> Opening | None:
        row = await self._conn.fetchrow(
            "SELECT * FROM openings WHERE organisation_id = $1 AND opening_id = $2" + (" FOR UPDATE" if lock else ""),
            organisation_id, opening_id)
        return None if row is None else opening_of(row)

    async def page(self, organisation_id: str, *, kind: OpeningKind | None, status: str | None, limit: int,
                   offset: int) -> tuple[list[tuple[Opening, int]], int]:
        """A page of openings, each with its seats not held by a placement past the proposal."""
        where = "organisation_id = $1 AND ($2::text IS NULL OR kind = $2) AND ($3::text IS NULL OR status = $3)"
        args = (organisation_id, kind.value if kind else None, status)
        rows = await self._conn.fetch(
            f"""SELECT o.*, o.seats - (SELECT count(*) FROM placements p WHERE p.opening_id = o.opening_id
                   AND (p.stage = ANY($6::text[]) OR p.pinned AND p.stage = 'proposed')) AS free
                FROM openings o WHERE {where} ORDER BY start_date, opening_id LIMIT $4 OFFSET $5""",
            *args, limit, offset, _SEAT_STAGES)
        total = await self._conn.fetchval(f"SELECT count(*) FROM openings WHERE {where}", *args)
        return [(opening_of(r), int(r["free"])) for r in rows], total

    async def open_with_free_seats(self, organisation_id: str) -> list[tuple[Opening, int]]:
        """Open openings and their seats not held by a placement past the proposal."""
        rows = await self._conn.fetch(
            """SELECT o.*, o.seats - count(p.placement_id) AS free FROM openings o
               LEFT JOIN placements p ON p.opening_id = o.opening_id AND (p.stage = ANY($2::text[]) OR p.pinned
                   AND p.stage = 'proposed')
               WHERE o.organisation_id = $1 AND o.status = 'open' GROUP BY o.opening_id""",
            organisation_id, _SEAT_STAGES)
        return [(opening_of(r), int(r["free"])) for r in rows]

    async def started(self, opening_id: UUID) -> int:
        """Placements on it that began (their money and dates were fixed then)."""
        return await self._conn.fetchval(
            "SELECT count(*) FROM placements p WHERE p.opening_id = $1 AND (p.stage = ANY($2::text[]) OR EXISTS "
            "(SELECT 1 FROM instalments i WHERE i.placement_id = p.placement_id))", opening_id, _BEGUN)

    async def free_seats(self, opening_id: UUID) -> int:
        return await self._conn.fetchval(
            "SELECT o.seats - (SELECT count(*) FROM placements p WHERE p.opening_id = o.opening_id "
            "AND (p.stage = ANY($2::text[]) OR p.pinned AND p.stage = 'proposed')) FROM openings o "
            "WHERE o.opening_id = $1", opening_id, _SEAT_STAGES)

    async def ending_between(self, organisation_id: str, first: date, last: date, *, limit: int, offset: int
                             ) -> tuple[list[dict[str, Any]], int]:
        where = """FROM openings o JOIN placements p ON p.opening_id = o.opening_id AND p.stage = 'started'
                   WHERE o.organisation_id = $1 AND o.kind = 'traineeship' AND o.end_date BETWEEN $2 AND $3"""
        rows = await self._conn.fetch(
            f"SELECT o.opening_id, o.title, o.end_date, p.placement_id, p.beneficiary_id {where} "
            "ORDER BY o.end_date, p.placement_id LIMIT $4 OFFSET $5", organisation_id, first, last, limit, offset)
        total = await self._conn.fetchval(f"SELECT count(*) {where}", organisation_id, first, last)
        return [dict(r) for r in rows], total


class PostgresPlacements:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, p: Placement, parts: dict[str, Any]) -> None:
        await self._conn.execute(
            "INSERT INTO placements (placement_id, opening_id, beneficiary_id, organisation_id, kind, stage, since, "
            "score, score_parts, pinned) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)", p.placement_id,
            p.opening_id, p.beneficiary_id, p.organisation_id, p.kind.value, p.stage.value, p.since, p.score, parts,
            p.pinned)
        await self._conn.execute("INSERT INTO stage_history (placement_id, stage, entered_on) VALUES ($1, $2, $3)",
                                 p.placement_id, p.stage.value, p.since)

    async def move(self, before: Placement, after: Placement) -> None:
        await self._conn.execute(
            "UPDATE placements SET stage = $2, since = $3, reason = $4, hire = $5, updated_at = now() "
            "WHERE placement_id = $1", after.placement_id, after.stage.value, after.since, after.reason,
            hire_json(after.hire))
        await self._conn.execute("UPDATE stage_history SET left_on = $3 WHERE placement_id = $1 AND stage = $2",
                                 before.placement_id, before.stage.value, after.since)
        await self._conn.execute(
            "INSERT INTO stage_history (placement_id, stage, entered_on) VALUES ($1, $2, $3) "
            "ON CONFLICT (placement_id, stage) DO UPDATE SET entered_on = EXCLUDED.entered_on, left_on = NULL",
            after.placement_id, after.stage.value, after.since)

    async def get(self, organisation_id: str, placement_id: UUID) -> Placement | None:
        row = await self._conn.fetchrow(
            "SELECT * FROM placements WHERE organisation_id = $1 AND placement_id = $2 FOR UPDATE",
            organisation_id, placement_id)
        return None if row is None else placement_of(row)

    async def active_of(self, beneficiary_id: UUID) -> Placement | None:
        row = await self._conn.fetchrow(
            "SELECT * FROM placements WHERE beneficiary_id = $1 AND stage = ANY($2::text[]) FOR UPDATE",
            beneficiary_id, sorted(s.value for s in HOLDS_SEAT))
        return None if row is None else placement_of(row)

    async def holding_seats(self, organisation_id: str) -> set[UUID]:
        """People whose placement is past the proposal and under way (they are out of matching)."""
        rows = await self._conn.fetch("SELECT beneficiary_id FROM placements WHERE organisation_id = $1 "
                                      "AND (stage = ANY($2::text[]) OR pinned AND stage = 'proposed')",
                                      organisation_id, _SEAT_STAGES)
        return {r["beneficiary_id"] for r in rows}

    async def proposed(self, organisation_id: str) -> dict[UUID, Placement]:
        rows = await self._conn.fetch("SELECT * FROM placements WHERE organisation_id = $1 AND stage = 'proposed' "
                                      "AND NOT pinned", organisation_id)
        return {r["beneficiary_id"]: placement_of(r) for r in rows}

    async def page(self, organisation_id: str, *, stage: Stage | None, opening_id: UUID | None, limit: int,
                   offset: int) -> tuple[list[tuple[Placement, dict[str, Any]]], int]:
        where = ("organisation_id = $1 AND ($2::text IS NULL OR stage = $2) AND ($3::uuid IS NULL OR opening_id = $3)")
        args = (organisation_id, stage.value if stage else None, opening_id)
        rows = await self._conn.fetch(f"SELECT * FROM placements WHERE {where} ORDER BY since, placement_id "
                                      "LIMIT $4 OFFSET $5", *args, limit, offset)
        total = await self._conn.fetchval(f"SELECT count(*) FROM placements WHERE {where}", *args)
        return [(placement_of(r), r["score_parts"]) for r in rows], total

    async def stage_counts(self, organisation_id: str) -> dict[str, int]:
        rows = await self._conn.fetch("SELECT stage, count(*) AS n FROM placements WHERE organisation_id = $1 "
                                      "GROUP BY stage", organisation_id)
        return {r["stage"]: r["n"] for r in rows}

    async def visits(self, organisation_id: str, opening_id: UUID | None = None) -> list[StageVisit]:
        rows = await self._conn.fetch(
            """SELECT h.placement_id, p.opening_id, p.kind, h.stage, h.entered_on, h.left_on FROM stage_history h
               JOIN placements p USING (placement_id)
               WHERE p.organisation_id = $1 AND ($2::uuid IS NULL OR p.opening_id = $2)""",
            organisation_id, opening_id)
        return [StageVisit(r["placement_id"], r["opening_id"], OpeningKind(r["kind"]), Stage(r["stage"]),
                           r["entered_on"], r["left_on"]) for r in rows]


class PostgresFunds(SqlLedgers):
    """Funds by project and name; every money move is the shared ledger's conditional UPDATE."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        super().__init__(conn, table="funds", budget="budget")

    async def add(self, f: Fund) -> bool:
        status = await self._conn.execute(
            "INSERT INTO funds (fund_id, organisation_id, project_id, name, budget) VALUES ($1, $2, $3, $4, $5) "
            "ON CONFLICT (organisation_id, project_id, name) DO NOTHING", f.fund_id, f.organisation_id, f.project_id,
            f.name, f.budget)
        return status.endswith(" 1")

    async def get(self, organisation_id: str, fund_id: UUID) -> Fund | None:
        row = await self._conn.fetchrow("SELECT * FROM funds WHERE organisation_id = $1 AND fund_id = $2",
                                        organisation_id, fund_id)
        return None if row is None else _fund(row)

    async def page(self, organisation_id: str, *, limit: int, offset: int) -> tuple[list[Fund], int]:
        rows, total = await self.page_of(organisation_id, order_by=("project_id", "name"), limit=limit,
                                         offset=offset)
        return [_fund(r) for r in rows], total

    async def set_budget(self, fund_id: UUID, budget: Decimal) -> bool:
        """A budget revision, never below what was already paid or committed."""
        return await self.revise(fund_id, budget)


def _fund(r: asyncpg.Record) -> Fund:
    return Fund(r["fund_id"], r["organisation_id"], r["project_id"], r["name"], r["budget"],
                committed=r["committed"], paid=r["paid"])


class PostgresInstalments:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, organisation_id: str, fund_id: UUID, instalments: list[Instalment]) -> None:
        await self._conn.executemany(
            "INSERT INTO instalments (placement_id, month_no, organisation_id, fund_id, due_on, amount) "
            "VALUES ($1, $2, $3, $4, $5, $6)",
            [(i.placement_id, i.month_no, organisation_id, fund_id, i.due_on, i.amount) for i in instalments])

    async def mark_paid(self, organisation_id: str, placement_id: UUID, month_no: int, on: date
                        ) -> tuple[UUID, Decimal, date] | None:
        """Mark one unpaid instalment paid (its row locked until commit); None when it was paid or cancelled."""
        row = await self._conn.fetchrow(
            "UPDATE instalments SET paid_on = $4 WHERE organisation_id = $1 AND placement_id = $2 AND month_no = $3 "
            "AND paid_on IS NULL AND NOT cancelled RETURNING fund_id, amount, due_on", organisation_id, placement_id,
            month_no, on)
        return None if row is None else (row["fund_id"], row["amount"], row["due_on"])

    async def state(self, organisation_id: str, placement_id: UUID, month_no: int) -> str | None:
        row = await self._conn.fetchrow("SELECT paid_on, cancelled FROM instalments WHERE organisation_id = $1 AND "
                                        "placement_id = $2 AND month_no = $3", organisation_id, placement_id, month_no)
        if row is None:
            return None
        return "cancelled" if row["cancelled"] else "paid" if row["paid_on"] else "due"

    async def cancel_unpaid(self, placement_id: UUID) -> tuple[UUID | None, Decimal]:
        rows = await self._conn.fetch("UPDATE instalments SET cancelled = true WHERE placement_id = $1 AND paid_on IS "
                                      "NULL AND NOT cancelled RETURNING fund_id, amount", placement_id)
        return (rows[0]["fund_id"] if rows else None), sum((r["amount"] for r in rows), Decimal("0"))

    async def cut(self, placement_id: UUID, keep: dict[int, Decimal]) -> tuple[UUID | None, Decimal]:
        """A placement ended early: unpaid months not in `keep` are cancelled, the month of the end goes down to
        its pro-rata amount; returns the fund and the amount no longer due (paid months stay as paid)."""
        rows = await self._conn.fetch(
            "SELECT month_no, fund_id, amount FROM instalments WHERE placement_id = $1 AND paid_on IS NULL "
            "AND NOT cancelled ORDER BY month_no FOR UPDATE", placement_id)
        released = Decimal("0")
        for r in rows:
            kept = keep.get(r["month_no"], Decimal("0"))
            if kept >= r["amount"]:
                continue
            await self.settle(placement_id, r["month_no"], kept)
            released += r["amount"] - kept
        return (rows[0]["fund_id"] if rows else None), released

    async def settle(self, placement_id: UUID, month_no: int, amount: Decimal) -> None:
        """Lower one instalment to `amount` (its row is locked by the caller); nothing due cancels it."""
        if amount > 0:
            await self._conn.execute("UPDATE instalments SET amount = $3 WHERE placement_id = $1 AND month_no = $2",
                                     placement_id, month_no, amount)
        else:
            await self._conn.execute("UPDATE instalments SET cancelled = true, paid_on = NULL WHERE placement_id = $1 "
                                     "AND month_no = $2", placement_id, month_no)

    async def due(self, organisation_id: str, first: date, last: date, *, limit: int, offset: int
                  ) -> tuple[list[dict[str, Any]], int]:
        where = ("FROM instalments WHERE organisation_id = $1 AND paid_on IS NULL AND NOT cancelled "
                 "AND due_on <= $3 AND due_on >= $2")
        rows = await self._conn.fetch(
            f"SELECT placement_id, month_no, fund_id, due_on, amount {where} "
            "ORDER BY due_on, placement_id, month_no LIMIT $4 OFFSET $5", organisation_id, first, last, limit, offset)
        total = await self._conn.fetchval(f"SELECT count(*) {where}", organisation_id, first, last)
        return [dict(r) for r in rows], total
