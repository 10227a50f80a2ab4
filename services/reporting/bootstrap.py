"""Reporting's composition root."""

from __future__ import annotations

from fastapi import FastAPI

from reporting.entrypoints.http import router
from reporting.service_layer.handlers import CONSUMED, HANDLERS
from shared.http import create_app
from shared.runtime import EventWiring, Runtime
from shared.settings import ServiceSettings
from shared.topics import EMPLOYMENT_EVENTS, HOUSING_EVENTS, INTAKE_EVENTS

HTTP_PORT = 8004


def settings() -> ServiceSettings:
    return ServiceSettings.for_service("reporting", http_port=HTTP_PORT)


def wiring() -> EventWiring:
    return EventWiring(
        consumes=[INTAKE_EVENTS, HOUSING_EVENTS, EMPLOYMENT_EVENTS], handlers=HANDLERS, consumed=CONSUMED,
    )


def build_app(config: ServiceSettings | None = None) -> FastAPI:
    return create_app(Runtime(config or settings(), wiring()), title="Percorsi reporting", routers=[router])
