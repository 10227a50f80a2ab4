"""What intake's service layer works through: a unit of work with intake's repositories, on
PostgreSQL (adapters/unit_of_work.py) or its in-memory twin (adapters/memory.py).

The union is deliberate: each call the service layer makes is checked against both, so a twin that
drifts from the real repository's names or parameters fails the type check."""

from __future__ import annotations

from collections.abc import Callable

from intake.adapters.memory import InMemoryIntakeUnitOfWork
from intake.adapters.unit_of_work import PostgresIntakeUnitOfWork

IntakeUnitOfWork = PostgresIntakeUnitOfWork | InMemoryIntakeUnitOfWork
UnitOfWorkFactory = Callable[[], IntakeUnitOfWork]

__all__ = ["InMemoryIntakeUnitOfWork", "IntakeUnitOfWork", "PostgresIntakeUnitOfWork", "UnitOfWorkFactory"]
