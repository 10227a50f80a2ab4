"""Employment's composition root."""

from __future__ import annotations

from fastapi import FastAPI

from employment.entrypoints.http import router
from employment.service_layer.handlers import HANDLERS
from shared.events.contracts import BeneficiaryRegistered, EmploymentCandidateWaiting
from shared.http import create_app
from shared.runtime import EventWiring, Runtime
from shared.settings import ServiceSettings
from shared.topics import EMPLOYMENT_EVENTS, INTAKE_EVENTS
from shared.uow import PostgresUnitOfWork

HTTP_PORT = 8003


def settings() -> ServiceSettings:
    return ServiceSettings.for_service("employment", http_port=HTTP_PORT)


def wiring() -> EventWiring:
    return EventWiring(
        publishes=EMPLOYMENT_EVENTS, published=[EmploymentCandidateWaiting],
        consumes=[INTAKE_EVENTS], handlers=HANDLERS, consumed=[BeneficiaryRegistered],
        unit_of_work=lambda conn: PostgresUnitOfWork.joined(conn, topic=EMPLOYMENT_EVENTS.name, producer='employment'),
    )


def build_app(config: ServiceSettings | None = None) -> FastAPI:
    return create_app(Runtime(config or settings(), wiring()), title="Percorsi employment", routers=[router])
