"""What reporting's service layer works through: the fact and project stores on one transaction, on
PostgreSQL or its in-memory twin (adapters/unit_of_work.py; the stores' ports in adapters/ports.py)."""

from __future__ import annotations

from reporting.adapters.unit_of_work import (
    InMemoryReportingUnitOfWork,
    PostgresReportingUnitOfWork,
    ReportingUnitOfWork,
)

__all__ = ["InMemoryReportingUnitOfWork", "PostgresReportingUnitOfWork", "ReportingUnitOfWork"]
