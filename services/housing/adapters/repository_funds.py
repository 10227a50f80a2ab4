"""Housing's SQL for funds and the supports paid from them, on the unit of work's connection.

The fund's guard is the shared ledger's single conditional UPDATE (`committed + amount <= total`,
`shared.funds_sql`), so two approvals that race are serialised by the row lock PostgreSQL takes, and the
loser sees the new total and fails. A support's step locks its fund's row first (`PgFunds.lock`), so the
checks per person at an approval read every approval committed before it."""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

import asyncpg

from housing.domain.funds import Fund, FundKind, Held, Lease, Support, SupportKind, SupportStatus
from shared.funds_sql import SqlLedgers


def _fund(r: asyncpg.Record) -> Fund:
    return Fund(r["fund_id"], r["organisation_id"], r["project_id"], FundKind(r["kind"]), r["total"],
                r["cap_per_person"], committed=r["committed"], paid=r["paid"])


class PgFunds(SqlLedgers):
    """Housing's funds; commit and pay are the shared ledger's conditional UPDATEs on `total`."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        super().__init__(conn, table="funds", budget="total")

    async def add(self, f: Fund) -> bool:
        """False when the project has a fund of that kind: ON CONFLICT waits for a racing insert to end, so
        a read after it sees the fund that won (READ COMMITTED takes a new snapshot per statement)."""
        status = await self._conn.execute(
            """INSERT INTO funds (fund_id, organisation_id, project_id, kind, total, cap_per_person, committed, paid)
               VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT (organisation_id, project_id, kind) DO NOTHING""",
            f.fund_id, f.organisation_id, f.project_id, f.kind.value, f.total, f.cap_per_person, f.committed, f.paid)
        return bool(status.endswith(" 1"))

    async def get(self, fund_id: UUID, organisation_id: str) -> Fund | None:
        r = await self._conn.fetchrow("SELECT * FROM funds WHERE fund_id = $1 AND organisation_id = $2",
                                      fund_id, organisation_id)
        return _fund(r) if r else None

    async def of_project(self, organisation_id: str, project_id: str, kind: FundKind) -> Fund | None:
        r = await self._conn.fetchrow("SELECT * FROM funds WHERE organisation_id = $1 AND project_id = $2 "
                                      "AND kind = $3", organisation_id, project_id, kind.value)
        return _fund(r) if r else None

    async def lock(self, fund_id: UUID, organisation_id: str) -> Fund | None:
        """SELECT ... FOR UPDATE: a second caller waits here until the first one's transaction ends."""
        r = await self._conn.fetchrow("SELECT * FROM funds WHERE fund_id = $1 AND organisation_id = $2 FOR UPDATE",
                                      fund_id, organisation_id)
        return _fund(r) if r else None

    async def listing(self, organisation_id: str, *, limit: int, offset: int) -> tuple[list[Fund], int]:
        rows, total = await self.page_of(organisation_id, order_by=("project_id", "fund_id"), limit=limit,
                                         offset=offset)
        return [_fund(r) for r in rows], total


def _support(r: asyncpg.Record) -> Support:
    return Support(r["support_id"], r["fund_id"], r["organisation_id"], r["beneficiary_id"], SupportKind(r["kind"]),
                   r["amount"], SupportStatus(r["status"]), r["requested_on"],
                   Lease(r["months"], r["monthly_rent"], r["lease_ref"]))


class PgSupports:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, s: Support) -> None:
        await self._conn.execute(
            """INSERT INTO supports (support_id, fund_id, organisation_id, beneficiary_id, kind, amount, months,
                   monthly_rent, lease_ref, status, requested_on) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)""",
            s.support_id, s.fund_id, s.organisation_id, s.beneficiary_id, s.kind.value, s.amount, s.lease.months,
            s.lease.monthly_rent, s.lease.ref, s.status.value, s.requested_on)

    async def get(self, support_id: UUID, organisation_id: str) -> Support | None:
        r = await self._conn.fetchrow("SELECT * FROM supports WHERE support_id = $1 AND organisation_id = $2",
                                      support_id, organisation_id)
        return _support(r) if r else None

    async def save(self, s: Support, *, expected: SupportStatus) -> bool:
        done = await self._conn.fetchval(
            "UPDATE supports SET status = $2 WHERE support_id = $1 AND status = $3 RETURNING true",
            s.support_id, s.status.value, expected.value)
        return bool(done)

    async def held(self, fund_id: UUID, beneficiary_id: UUID, *, statuses: Collection[SupportStatus]) -> Held:
        r = await self._conn.fetchrow(
            "SELECT COALESCE(sum(amount), 0) AS amount, "
            "COALESCE(sum(months) FILTER (WHERE kind = 'rent_advance'), 0) AS months "
            "FROM supports WHERE fund_id = $1 AND beneficiary_id = $2 AND status = ANY($3::text[])",
            fund_id, beneficiary_id, sorted(s.value for s in statuses))
        assert r is not None  # an aggregate without GROUP BY is always one row
        return Held(r["amount"], int(r["months"]))

    async def forget_leases(self, beneficiary_id: UUID) -> None:
        await self._conn.execute("UPDATE supports SET lease_ref = NULL WHERE beneficiary_id = $1 AND lease_ref IS NOT "
                                 "NULL", beneficiary_id)

    async def listing(self, organisation_id: str, *, fund_id: UUID | None, beneficiary_id: UUID | None,
                      status: SupportStatus | None, limit: int, offset: int) -> tuple[list[Support], int]:
        where = ("FROM supports WHERE organisation_id = $1 AND ($2::uuid IS NULL OR fund_id = $2) "
                 "AND ($3::uuid IS NULL OR beneficiary_id = $3) AND ($4::text IS NULL OR status = $4)")
        args = (organisation_id, fund_id, beneficiary_id, status.value if status else None)
        rows = await self._conn.fetch(f"SELECT * {where} ORDER BY requested_on, seq LIMIT $5 OFFSET $6",
                                      *args, limit, offset)
        total = await self._conn.fetchval(f"SELECT count(*) {where}", *args)
        return [_support(r) for r in rows], int(total)
