"""What employment's service layer works through: a unit of work with employment's repositories, on
PostgreSQL or its in-memory twin (adapters/unit_of_work.py).

The union is deliberate, as in intake: each call the service layer makes is checked against both, so a
twin that drifts from the real repository's names or parameters fails the type check."""

from __future__ import annotations

from employment.adapters.unit_of_work import (
    PRODUCER,
    InMemoryEmploymentUnitOfWork,
    MemoryStore,
    PostgresEmploymentUnitOfWork,
    Work,
)

__all__ = ["PRODUCER", "InMemoryEmploymentUnitOfWork", "MemoryStore", "PostgresEmploymentUnitOfWork", "Work"]
