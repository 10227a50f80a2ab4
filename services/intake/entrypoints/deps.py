"""What a route takes from the app besides the request: a fresh unit of work and the vault."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from intake.service_layer.unit_of_work import PostgresIntakeUnitOfWork


def unit_of_work(request: Request) -> PostgresIntakeUnitOfWork:
    """A new unit of work on the service's pool (bootstrap puts the factory on the app)."""
    uow: PostgresIntakeUnitOfWork = request.app.state.unit_of_work()
    return uow


def parts(request: Request) -> tuple[PostgresIntakeUnitOfWork, Any]:
    """The unit of work and the vault that seals and opens personal data."""
    return unit_of_work(request), request.app.state.vault
