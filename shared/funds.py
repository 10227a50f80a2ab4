"""A project fund's ledger: a budget, what is committed from it and what is paid from it, in exact
Decimal euros. Housing (rent advances, contributions) and employment (allowances, bursaries) keep
their own funds, tables and events; what a fund *is* as money is the same for both, so it is here.

Why both a rule here and a conditional UPDATE (`shared.funds_sql`): the rule gives the clear refusal in
the ordinary case, the single conditional statement is what holds when two requests race (both could
pass the rule on the same snapshot). The in-memory twins below apply the very same rule, so a
service-layer unit test sees the refusals the database gives."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar, cast
from uuid import UUID

from shared.errors import Conflict

CENT = Decimal("0.01")
ZERO = Decimal("0")


def is_cents(value: Decimal) -> bool:
    """True when the amount has at most two decimals (a euro amount to the cent)."""
    return value == value.quantize(CENT)


@dataclass(frozen=True)
class Ledger:
    """A fund's three figures. Every move returns a new ledger, or None when the budget does not cover it."""

    budget: Decimal
    committed: Decimal = ZERO
    paid: Decimal = ZERO

    @property
    def uncommitted(self) -> Decimal:
        return self.budget - self.committed

    @property
    def unpaid(self) -> Decimal:
        return self.budget - self.paid

    def commit(self, amount: Decimal) -> Ledger | None:
        if self.committed + amount > self.budget:
            return None
        return Ledger(self.budget, self.committed + amount, self.paid)

    def release(self, amount: Decimal) -> Ledger:
        return Ledger(self.budget, self.committed - amount, self.paid)

    def pay(self, amount: Decimal) -> Ledger | None:
        if self.paid + amount > self.budget:
            return None
        return Ledger(self.budget, self.committed, self.paid + amount)

    def revise(self, budget: Decimal) -> Ledger | None:
        """A new budget, never below what is already paid or committed."""
        if self.paid > budget or self.committed > budget:
            return None
        return Ledger(budget, self.committed, self.paid)


@dataclass(frozen=True)
class ProjectFund:
    """What every service's fund is: its id, the organisation that holds it, the project it belongs to,
    and a ledger. A service's fund subclasses it with its own fields (a kind, a name, a cap) and its
    budget (named `BUDGET`); `committed` and `paid` are here, keyword-only (so they follow the
    subclass's fields), and the ledger is read and replaced as one value."""

    BUDGET: ClassVar[str] = "budget"

    fund_id: UUID
    organisation_id: str
    project_id: str
    committed: Decimal = field(default=ZERO, kw_only=True)
    paid: Decimal = field(default=ZERO, kw_only=True)

    @property
    def ledger(self) -> Ledger:
        return Ledger(self._figure(self.BUDGET), self.committed, self.paid)

    def with_ledger(self, ledger: Ledger) -> Self:
        moved: dict[str, Any] = {self.BUDGET: ledger.budget, "committed": ledger.committed, "paid": ledger.paid}
        return replace(self, **moved)

    def _figure(self, name: str) -> Decimal:
        return cast(Decimal, getattr(self, name))


def fund_exhausted(message: str, *, field: str, **left: Decimal) -> Conflict:
    """The one refusal of a fund that cannot cover an amount: 409 `fund_exhausted`, the amount left as a string."""
    return Conflict(message, rule="fund_exhausted", field=field, **{k: str(v) for k, v in left.items()})


class HasLedger(Protocol):
    """A service's fund: its own fields, its ledger read and replaced as one value."""

    @property
    def ledger(self) -> Ledger: ...

    def with_ledger(self, ledger: Ledger) -> Self: ...


F = TypeVar("F", bound=HasLedger)


class MemoryLedgers(Generic[F]):
    """The in-memory twin of `shared.funds_sql.SqlLedgers`: the same moves, on a dict of a service's funds
    (the dict itself, so a twin whose state is swapped on rollback builds one per call)."""

    def __init__(self, rows: dict[UUID, F]) -> None:
        self._rows = rows

    def _move(self, fund_id: UUID, moved: Ledger | None) -> bool:
        if moved is None:
            return False
        self._rows[fund_id] = self._rows[fund_id].with_ledger(moved)
        return True

    def _ledger(self, fund_id: UUID) -> Ledger:
        return self._rows[fund_id].ledger

    def commit(self, fund_id: UUID, amount: Decimal) -> bool:
        return self._move(fund_id, self._ledger(fund_id).commit(amount))

    def release(self, fund_id: UUID, amount: Decimal) -> None:
        self._move(fund_id, self._ledger(fund_id).release(amount))

    def pay(self, fund_id: UUID, amount: Decimal) -> bool:
        return self._move(fund_id, self._ledger(fund_id).pay(amount))

    def revise(self, fund_id: UUID, budget: Decimal) -> bool:
        return self._move(fund_id, self._ledger(fund_id).revise(budget))
