"""Housing's unit of work: the shared one (shared/uow.py) with housing's five repositories on it."""

from __future__ import annotations

import copy

import asyncpg

from housing.adapters.memory import MemoryFunds, MemoryHouseholds, MemoryPlaces, MemoryProposals, MemorySupports
from housing.adapters.ports import Funds, Households, Places, Proposals, Supports
from housing.adapters.repository import PgHouseholds, PgPlaces, PgProposals
from housing.adapters.repository_funds import PgFunds, PgSupports
from shared.db import Connection
from shared.topics import HOUSING_EVENTS
from shared.uow import InMemoryUnitOfWork, PostgresUnitOfWork, UnitOfWork

PRODUCER = "housing"


class HousingUnitOfWork(UnitOfWork):
    households: Households
    places: Places
    proposals: Proposals
    funds: Funds
    supports: Supports


class PostgresHousingUnitOfWork(PostgresUnitOfWork, HousingUnitOfWork):
    households: PgHouseholds
    places: PgPlaces
    proposals: PgProposals
    funds: PgFunds
    supports: PgSupports


def postgres_uow(pool: asyncpg.Pool) -> PostgresHousingUnitOfWork:
    return PostgresHousingUnitOfWork(pool, topic=HOUSING_EVENTS.name, producer=PRODUCER)


def joined_uow(conn: Connection) -> PostgresHousingUnitOfWork:
    """For the consumer: joined to its transaction, so the tracking row commits with the effects."""
    return PostgresHousingUnitOfWork.joined(conn, topic=HOUSING_EVENTS.name, producer=PRODUCER)


class InMemoryHousingUnitOfWork(InMemoryUnitOfWork, HousingUnitOfWork):
    """One store shared by every unit made from it, as the database is."""

    households: MemoryHouseholds
    places: MemoryPlaces
    proposals: MemoryProposals
    funds: MemoryFunds
    supports: MemorySupports

    def __init__(self) -> None:
        super().__init__(topic=HOUSING_EVENTS.name, producer=PRODUCER)
        self.households = MemoryHouseholds()
        self.proposals = MemoryProposals()
        self.places = MemoryPlaces(self.proposals)
        self.funds = MemoryFunds()
        self.supports = MemorySupports()

    def _snapshot(self) -> object:
        return copy.deepcopy([self.households.rows, self.places.rows, self.proposals.rows, self.funds.rows,
                              self.supports.rows])

    def _restore(self, saved: object) -> None:
        (self.households.rows, self.places.rows, self.proposals.rows, self.funds.rows,
         self.supports.rows) = saved  # type: ignore[misc]
