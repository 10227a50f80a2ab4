"""Employment's composition root: settings, rules on file, the matcher, the unit of work, the
consumer's handlers and the HTTP routes, wired once."""

from __future__ import annotations

from fastapi import FastAPI

from employment.adapters.rulebook import rulebook
from employment.entrypoints import http, http_money, http_people
from employment.service_layer.context import Employment
from employment.service_layer.intake_events import CONSUMED, handlers
from employment.service_layer.matching import Matcher
from employment.service_layer.unit_of_work import PRODUCER, PostgresEmploymentUnitOfWork
from employment.settings import EmploymentSettings, settings
from shared.events.contracts import (
    EmploymentCandidateWaiting,
    EmploymentHired,
    EmploymentIncomeChanged,
    EmploymentPaymentMade,
    EmploymentProposalMade,
    EmploymentStageChanged,
    QualificationRecognitionChanged,
    SkillsCertified,
)
from shared.events.envelope import EventPayload
from shared.http import create_app
from shared.runtime import EventWiring, Runtime
from shared.topics import EMPLOYMENT_EVENTS, INTAKE_EVENTS

PUBLISHED: list[type[EventPayload]] = [
    EmploymentCandidateWaiting, EmploymentProposalMade, EmploymentStageChanged, EmploymentHired,
    EmploymentIncomeChanged, EmploymentPaymentMade, QualificationRecognitionChanged, SkillsCertified,
]


def _joined(conn):  # noqa: ANN001, ANN202 - the consumer's connection, typed by shared.consumer
    return PostgresEmploymentUnitOfWork.joined(conn, topic=EMPLOYMENT_EVENTS.name, producer=PRODUCER)


def build_app(config: EmploymentSettings | None = None) -> FastAPI:
    config = config or settings()
    book = rulebook(config.rules_dir, config.data_dir)
    runtime_box: list[Runtime] = []

    def unit_of_work() -> PostgresEmploymentUnitOfWork:
        return PostgresEmploymentUnitOfWork(runtime_box[0].pool, topic=EMPLOYMENT_EVENTS.name, producer=PRODUCER)

    context = Employment(uow=unit_of_work, rulebook=book, matcher=Matcher(book))
    wiring = EventWiring(
        publishes=EMPLOYMENT_EVENTS, published=PUBLISHED, consumes=[INTAKE_EVENTS], handlers=handlers(context),
        consumed=CONSUMED, unit_of_work=_joined,
    )
    runtime = Runtime(config, wiring)
    runtime_box.append(runtime)

    def attach(_runtime: Runtime, app: FastAPI) -> None:
        app.state.employment = context

    return create_app(runtime, title="Percorsi employment", routers=[http.router, http_money.router,
                                                                      http_people.router], on_start=attach)


__all__ = ["build_app", "settings"]
