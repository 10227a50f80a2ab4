"""Intake's composition root."""

from __future__ import annotations

from fastapi import FastAPI

from intake.adapters.unit_of_work import PostgresIntakeUnitOfWork
from intake.adapters.vault import Vault
from intake.entrypoints import (
    http,
    http_activities,
    http_audit,
    http_consent,
    http_import,
    http_path,
    http_projects,
)
from intake.service_layer import consent
from intake.service_layer.commands_common import today_in_italy
from intake.settings import IntakeSettings, settings
from shared.events.contracts import INTAKE_PUBLISHED
from shared.http import create_app
from shared.runtime import EventWiring, Runtime
from shared.topics import INTAKE_EVENTS


def wiring() -> EventWiring:
    return EventWiring(publishes=INTAKE_EVENTS, published=INTAKE_PUBLISHED)


def build_app(config: IntakeSettings | None = None) -> FastAPI:
    config = config or settings()
    vault = Vault(*config.keys())

    def attach(runtime: Runtime, app: FastAPI) -> None:
        app.state.vault = vault
        pool = runtime.pool
        if pool is None:
            raise RuntimeError("the runtime started without a database pool")
        app.state.unit_of_work = lambda: PostgresIntakeUnitOfWork(pool)
        # Supervised and stopped with the process's other background tasks.
        runtime._spawn(lambda: consent.sweep_expiries(app.state.unit_of_work, today_in_italy), consent.EXPIRY_SWEEPER)

    routers = [http.router, http_path.router, http_activities.router, http_projects.router, http_import.router,
               http_audit.router, http_consent.router]
    app = create_app(Runtime(config, wiring()), title="Percorsi intake", routers=routers, on_start=attach)
    return app
