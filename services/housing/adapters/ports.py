"""What the service layer needs from storage: one repository per aggregate. The PostgreSQL adapters
(adapters/repository*.py) and the in-memory twins (adapters/memory.py) implement these, and one contract test
suite runs against both."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Protocol
from uuid import UUID

from housing.domain.demand import Household
from housing.domain.funds import Fund, FundKind, Held, Support, SupportStatus
from housing.domain.offer import Place
from housing.domain.workflow import Proposal, Status


class Households(Protocol):
    async def add(self, h: Household) -> bool:
        """Insert if new; False when the person was known already."""

    async def add_new(self, households: Sequence[Household]) -> set[UUID]:
        """Insert those not known already, all at once; the ids of those inserted."""

    async def get(self, beneficiary_id: UUID) -> Household | None: ...

    async def save(self, h: Household) -> None: ...

    async def exclude(self, beneficiary_id: UUID, place_id: UUID) -> None:
        """Never propose this pair again."""

    async def lock(self, beneficiary_id: UUID) -> None:
        """Hold the household's row to the end of the transaction (after its place's, never before)."""

    async def matchable(self, organisation_id: str) -> list[Household]: ...

    async def waiting(self, organisation_id: str, *, only_matchable: bool, limit: int,
                      offset: int) -> tuple[list[Household], int]:
        """Longest-waiting first."""

    async def arrived_since(self, organisation_id: str, since: date) -> list[Household]:
        """Households that joined the list on or after `since` with a housing goal, whatever became of
        them: the recent arrivals a forecast of the next ones is drawn from."""


class Places(Protocol):
    async def add(self, p: Place, *, address: str | None, managing_organisation: str | None) -> None: ...

    async def get(self, place_id: UUID, organisation_id: str) -> tuple[Place, dict[str, Any]] | None:
        """The place and its housing-only details (address, managing organisation)."""

    async def save(self, p: Place, *, address: str | None, managing_organisation: str | None) -> None: ...

    async def lock(self, place_id: UUID) -> None:
        """Hold the place's row until the unit of work ends: two steps on the same place's beds (two
        accepts racing for its last bed) then run one after the other."""

    async def retire(self, place_id: UUID) -> None:
        """Out of the offer: no longer listed nor matched (its history stays)."""

    async def take_beds(self, place_id: UUID, beds: int) -> bool:
        """Take beds if that many are free (one conditional statement); False if not."""

    async def free_beds(self, place_id: UUID, beds: int) -> None: ...

    async def active(self, organisation_id: str) -> list[Place]: ...

    async def listing(self, organisation_id: str, *, free_by: date | None, today: date | None = None, limit: int,
                      offset: int) -> tuple[list[Place], int]:
        """The active offer; with `free_by`, only places with beds not held by an accepted proposal, open
        by then and with a period not over by `today`."""


class Proposals(Protocol):
    async def add(self, p: Proposal, *, score: float, parts: dict[str, float]) -> bool:
        """False, and nothing stored, when the household already has an open proposal (one made by another
        transaction since this one read): the matcher, which locks no person, then leaves them be."""

    async def get(self, proposal_id: UUID, organisation_id: str) -> Proposal | None: ...

    async def save(self, p: Proposal, *, note: str | None = None, expected: Status | None = None) -> bool:
        """With `expected`, only while the proposal is still in that status (False otherwise, nothing
        changed): the matcher supersedes its own proposal only if the team has not acted on it since."""

    async def rescore(self, scores: Sequence[tuple[UUID, float, dict[str, float]]]) -> None:
        """(proposal, score, parts) of kept proposals, as the household's and the place's facts are now."""

    async def living_in(self, place_id: UUID) -> int:
        """How many people live there now (the households moved in, not out, each by its size)."""

    async def get_scored(self, proposal_id: UUID,
                         organisation_id: str) -> tuple[Proposal, float, dict[str, float]] | None: ...

    async def forget_notes(self, beneficiary_id: UUID) -> None:
        """Erasure: the free-text decline notes about the person go."""

    async def open(self, organisation_id: str) -> list[Proposal]: ...

    async def open_of(self, beneficiary_id: UUID) -> Proposal | None: ...

    async def listing(self, organisation_id: str, *, status: Status | None, stalled_before: date | None,
                      limit: int, offset: int) -> tuple[list[tuple[Proposal, float, dict[str, float]]], int]: ...


class Funds(Protocol):
    async def add(self, f: Fund) -> bool:
        """Insert unless the organisation has a fund of that kind for that project (the unique constraint):
        False then, and nothing written."""

    async def get(self, fund_id: UUID, organisation_id: str) -> Fund | None: ...

    async def of_project(self, organisation_id: str, project_id: str, kind: FundKind) -> Fund | None: ...

    async def lock(self, fund_id: UUID, organisation_id: str) -> Fund | None:
        """The fund as it is now, its row locked until the unit of work ends: the steps of one fund's
        supports are decided one at a time from here, each seeing the steps committed before it."""

    async def listing(self, organisation_id: str, *, limit: int, offset: int) -> tuple[list[Fund], int]: ...

    async def commit(self, fund_id: UUID, amount: Decimal) -> bool:
        """Add to committed only if the total still covers it, in one conditional statement: the
        guard that holds when approvals race."""

    async def pay(self, fund_id: UUID, amount: Decimal) -> bool: ...


class Supports(Protocol):
    async def add(self, s: Support) -> None: ...

    async def forget_leases(self, beneficiary_id: UUID) -> None:
        """Erasure: the lease references of the person's rent advances go (the amounts stay, as the
        fund's accounts must)."""

    async def get(self, support_id: UUID, organisation_id: str) -> Support | None: ...

    async def save(self, s: Support, *, expected: SupportStatus) -> bool:
        """Move the support from `expected` to its new status; False if someone moved it first."""

    async def held(self, fund_id: UUID, beneficiary_id: UUID, *, statuses: Collection[SupportStatus]) -> Held:
        """The amount and the months of rent advanced of the person's supports from the fund in `statuses`."""

    async def listing(self, organisation_id: str, *, fund_id: UUID | None, beneficiary_id: UUID | None,
                      status: SupportStatus | None, limit: int, offset: int) -> tuple[list[Support], int]:
        """Oldest request first."""
