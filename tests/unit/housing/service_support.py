"""The housing service on its in-memory twin: a context, and events as the consumer hands them over."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID, uuid4

from housing.service_layer.context import Context
from housing.service_layer.handlers import handlers
from housing.service_layer.unit_of_work import InMemoryHousingUnitOfWork
from shared.consumer import Batched
from shared.events.codec import envelope_for
from shared.events.contracts import (
    BeneficiaryRegistered,
    ConsentGiven,
    PlanAgreed,
)
from shared.events.contracts.path import GoalSummary
from shared.events.envelope import Event, EventPayload
from tests.unit.housing.support import ORG, TODAY


class Harness:
    def __init__(self, today: date = TODAY) -> None:
        self.uow = InMemoryHousingUnitOfWork()
        self.day = today
        self.ctx = Context(uow=lambda: self.uow, today=lambda: self.day)
        self.table = handlers(self.ctx)

    async def deliver(self, payload: EventPayload, beneficiary_id: UUID, org: str = ORG) -> None:
        """As the consumer does: one unit of work per event, the handler inside it."""
        env = envelope_for(payload, beneficiary_id=beneficiary_id, organisation_id=org, producer="intake")
        event = Event(env, payload)
        handler = self.table[payload.event_type]
        async with self.uow as uow:
            if isinstance(handler, Batched):
                await handler.handle(uow, [event])
            else:
                await handler(uow, event)

    async def person(self, *, sex: str = "M", size: int = 1, children: int = 0, area: str = "RM",
                     org: str = ORG, goal: bool = True, consent: bool = True, languages: list[str] | None = None,
                     age_band: str = "25_34") -> UUID:
        bid = uuid4()
        await self.deliver(BeneficiaryRegistered(
            registered_on=self.day - timedelta(days=20), sex=sex, age_band=age_band, legal_status="refugee",
            household_size=size, children=children, area=area, languages=languages or ["en"],
            single_parent=children > 0 and size - children == 1), bid, org)
        if goal:
            await self.deliver(PlanAgreed(agreed_on=self.day, goals=[GoalSummary(
                goal_id=uuid4(), area="housing", deadline=self.day + timedelta(days=60))]), bid, org)
        if consent:
            await self.deliver(ConsentGiven(purpose="housing_referral", given_on=self.day, legal_basis="consent",
                                            notice_version="v1", given_by="person"), bid, org)
        return bid

    def events(self, event_type: str) -> list:
        return [e for e in self.uow.committed if e.event_type == event_type]
