"""Reporting's composition root: the catalogue from the data files, tau-argus, the unit of work on
the pool, the consumer's handlers, the routes."""

from __future__ import annotations

from fastapi import FastAPI

from reporting.adapters.generation_store import PostgresGenerations
from reporting.adapters.indicator_files import load_catalogue
from reporting.adapters.tauargus import TauArgus
from reporting.adapters.topic_reader import TopicReader
from reporting.entrypoints import http, http_admin
from reporting.service_layer.projection import consumed_contracts, handlers
from reporting.service_layer.rebuild import rebuild
from reporting.service_layer.reports import Reporting
from reporting.service_layer.unit_of_work import PostgresReportingUnitOfWork
from shared.http import create_app
from shared.runtime import EventWiring, Runtime
from shared.settings import ServiceSettings
from shared.topics import EMPLOYMENT_EVENTS, HOUSING_EVENTS, INTAKE_EVENTS

HTTP_PORT = 8004
CONSUMES = [INTAKE_EVENTS, HOUSING_EVENTS, EMPLOYMENT_EVENTS]


def settings() -> ServiceSettings:
    return ServiceSettings.for_service("reporting", http_port=HTTP_PORT)


def wiring() -> EventWiring:
    return EventWiring(consumes=CONSUMES, handlers=handlers(), consumed=consumed_contracts(),
                       unit_of_work=PostgresReportingUnitOfWork.on)


def _wire(runtime: Runtime, app: FastAPI) -> None:
    pool = runtime.pool
    if pool is None:
        raise RuntimeError("the runtime started without a database pool")
    app.state.reporting = Reporting(lambda: PostgresReportingUnitOfWork(pool), load_catalogue(), TauArgus())
    event_types = [c.event_type for c in consumed_contracts()]
    servers = runtime.settings.kafka_bootstrap_servers
    store = PostgresGenerations(pool)
    load = store.loader(lambda: TopicReader(servers, [t.name for t in CONSUMES], event_types))
    app.state.generations = store
    app.state.rebuild = lambda: rebuild(store, load)


def build_app(config: ServiceSettings | None = None) -> FastAPI:
    return create_app(Runtime(config or settings(), wiring()), title="Percorsi reporting",
                      routers=[http.router, http_admin.router], on_start=_wire)
