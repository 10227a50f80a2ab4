"""What housing's service layer works through: a unit of work with housing's five repositories, on
PostgreSQL or its in-memory twin (both in adapters/unit_of_work.py, the repositories' ports in
adapters/ports.py). The use cases are typed by the base, so each call they make is checked against the
ports both implementations satisfy."""

from __future__ import annotations

from collections.abc import Callable

from housing.adapters.unit_of_work import (
    HousingUnitOfWork,
    InMemoryHousingUnitOfWork,
    PostgresHousingUnitOfWork,
    joined_uow,
    postgres_uow,
)

UnitOfWorkFactory = Callable[[], HousingUnitOfWork]

__all__ = ["HousingUnitOfWork", "InMemoryHousingUnitOfWork", "PostgresHousingUnitOfWork", "UnitOfWorkFactory",
           "joined_uow", "postgres_uow"]
