"""The PostgreSQL side of `shared.funds.Ledger`: each money move is one conditional UPDATE on the service's
own fund table, so two requests that race are serialised by the row lock PostgreSQL takes and the one
that comes second sees the new figures and fails (returns False) instead of overspending.

Parameterised by table and column names because housing calls its budget `total` and employment
`budget`; the names come from code, never from a request, and are checked to be plain identifiers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from uuid import UUID

import asyncpg

from shared.db import Connection

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


def _name(value: str) -> str:
    if not _IDENTIFIER.match(value):
        raise ValueError(f"not a plain SQL identifier: {value!r}")
    return value


class SqlLedgers:
    """A service's fund repository builds on this: the money moves, and one organisation's funds by page."""

    def __init__(self, conn: Connection, *, table: str = "funds", key: str = "fund_id",
                 budget: str = "budget") -> None:
        self._conn = conn
        t, k, b = _name(table), _name(key), _name(budget)
        self._table = t
        self._commit = (f"UPDATE {t} SET committed = committed + $2 WHERE {k} = $1 "
                        f"AND committed + $2 <= {b} RETURNING true")
        self._release = f"UPDATE {t} SET committed = committed - $2 WHERE {k} = $1"
        self._pay = f"UPDATE {t} SET paid = paid + $2 WHERE {k} = $1 AND paid + $2 <= {b} RETURNING true"
        self._revise = (f"UPDATE {t} SET {b} = $2 WHERE {k} = $1 AND paid <= $2 AND committed <= $2 "
                        f"RETURNING true")

    async def commit(self, fund_id: UUID, amount: Decimal) -> bool:
        """Commit `amount` if the budget covers it, atomically."""
        return bool(await self._conn.fetchval(self._commit, fund_id, amount))

    async def release(self, fund_id: UUID, amount: Decimal) -> None:
        await self._conn.execute(self._release, fund_id, amount)

    async def pay(self, fund_id: UUID, amount: Decimal) -> bool:
        """Pay `amount` if the budget covers it, atomically."""
        return bool(await self._conn.fetchval(self._pay, fund_id, amount))

    async def revise(self, fund_id: UUID, budget: Decimal) -> bool:
        """A budget revision, never below what was already paid or committed."""
        return bool(await self._conn.fetchval(self._revise, fund_id, budget))

    async def page_of(self, organisation_id: str, *, order_by: Sequence[str], limit: int,
                      offset: int) -> tuple[list[asyncpg.Record], int]:
        """One organisation's funds in `order_by` order, and how many it has."""
        order = ", ".join(_name(c) for c in order_by)
        rows = await self._conn.fetch(f"SELECT * FROM {self._table} WHERE organisation_id = $1 ORDER BY {order} "
                                      "LIMIT $2 OFFSET $3", organisation_id, limit, offset)
        total = await self._conn.fetchval(f"SELECT count(*) FROM {self._table} WHERE organisation_id = $1",
                                          organisation_id)
        return list(rows), int(total)
