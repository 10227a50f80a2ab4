"""The consumer's side: every event reporting knows becomes facts, in every open generation, in
the consumer's transaction (so the tracking rows and the facts commit together)."""

from __future__ import annotations

from collections.abc import Sequence

from reporting.service_layer.unit_of_work import ReportingUnitOfWork
from shared.consumer import Batched
from shared.events.envelope import Event, EventPayload
from shared.events.registry import known_types


async def project_events(uow: ReportingUnitOfWork, events: Sequence[Event[EventPayload]]) -> None:
    await uow.facts.append(events)


def consumed_contracts() -> list[type[EventPayload]]:
    """Every contract of the services reporting reads (intake's, housing's, employment's; consent too)."""
    import shared.events.contracts  # noqa: F401  (registers them all)

    return [c for t, c in sorted(known_types().items()) if t.split(".")[0] in ("intake", "housing", "employment",
                                                                                  "consent")]


def handlers() -> dict[str, Batched]:
    every = Batched(project_events, mixed=True)  # one insert per batch, whatever its mix of types
    return {contract.event_type: every for contract in consumed_contracts()}
