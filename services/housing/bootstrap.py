"""Housing's composition root."""

from __future__ import annotations

from fastapi import FastAPI

from housing.entrypoints.http import router
from housing.service_layer.handlers import HANDLERS
from shared.events.contracts import BeneficiaryRegistered, HousingCandidateWaiting
from shared.http import create_app
from shared.runtime import EventWiring, Runtime
from shared.settings import ServiceSettings
from shared.topics import HOUSING_EVENTS, INTAKE_EVENTS
from shared.uow import PostgresUnitOfWork

HTTP_PORT = 8002


def settings() -> ServiceSettings:
    return ServiceSettings.for_service("housing", http_port=HTTP_PORT)


def wiring() -> EventWiring:
    return EventWiring(
        publishes=HOUSING_EVENTS, published=[HousingCandidateWaiting],
        consumes=[INTAKE_EVENTS], handlers=HANDLERS, consumed=[BeneficiaryRegistered],
        unit_of_work=lambda conn: PostgresUnitOfWork.joined(conn, topic=HOUSING_EVENTS.name, producer='housing'),
    )


def build_app(config: ServiceSettings | None = None) -> FastAPI:
    return create_app(Runtime(config or settings(), wiring()), title="Percorsi housing", routers=[router])
