"""Housing's composition root: settings, rules, the unit of work, the handlers and the routes."""

from __future__ import annotations

from fastapi import FastAPI

from housing.domain.geo import italian_municipalities
from housing.domain.rules import fund_rules, scoring_rules, workflow_rules
from housing.entrypoints import http_funds, http_offer, http_proposals
from housing.service_layer.context import Context
from housing.service_layer.handlers import CONSUMED, handlers
from housing.service_layer.unit_of_work import joined_uow, postgres_uow
from housing.settings import HousingSettings, settings
from shared.events.contracts import (
    HousingCandidateWaiting,
    HousingMovedIn,
    HousingMovedOut,
    HousingProposalMade,
    HousingProposalStatusChanged,
    HousingSupportChanged,
)
from shared.events.envelope import EventPayload
from shared.http import create_app
from shared.runtime import EventWiring, Runtime
from shared.topics import EMPLOYMENT_EVENTS, HOUSING_EVENTS, INTAKE_EVENTS

PUBLISHED: list[type[EventPayload]] = [
    HousingCandidateWaiting, HousingProposalMade, HousingProposalStatusChanged, HousingMovedIn, HousingMovedOut,
    HousingSupportChanged,
]


def context(config: HousingSettings) -> Context:
    """Rules read once at start: a broken rules file stops the service before it serves."""
    return Context(uow=lambda: None,  # type: ignore[arg-type, return-value]  # bound to the pool at start
                   scoring=scoring_rules(config.rules_dir), workflow=workflow_rules(config.rules_dir),
                   funds=fund_rules(config.rules_dir), geo=italian_municipalities())


def wiring(ctx: Context) -> EventWiring:
    return EventWiring(
        publishes=HOUSING_EVENTS, published=PUBLISHED, consumes=[INTAKE_EVENTS, EMPLOYMENT_EVENTS],
        handlers=handlers(ctx), consumed=CONSUMED, unit_of_work=joined_uow,
    )


def build_app(config: HousingSettings | None = None) -> FastAPI:
    config = config or settings()
    ctx = context(config)

    def attach(runtime: Runtime, app: FastAPI) -> None:
        pool = runtime.pool
        assert pool is not None  # the runtime has started: on_start runs after the pool exists
        ctx.uow = lambda: postgres_uow(pool)
        app.state.housing = ctx

    routers = [http_offer.router, http_proposals.router, http_funds.router]
    return create_app(Runtime(config, wiring(ctx)), title="Percorsi housing", routers=routers, on_start=attach)
