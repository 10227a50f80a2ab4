"""Housing in-process on a fresh database of the session's PostgreSQL, consuming the session's Kafka,
and a producer that plays intake and employment."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg
import httpx
from aiokafka import AIOKafkaProducer

from housing.bootstrap import build_app
from housing.service_layer.unit_of_work import postgres_uow
from housing.settings import HousingSettings
from shared.auth import AuthSettings, Role, issue_token
from shared.events.codec import encode, envelope_for, key_of
from shared.events.envelope import EventPayload
from shared.topics import EMPLOYMENT_EVENTS, INTAKE_EVENTS
from tests.databases import service_database
from tests.keys import add_idempotency_key

HOUSING_DIR = Path(__file__).resolve().parents[2] / "services" / "housing"


def team(org: str) -> dict[str, str]:
    token = issue_token(AuthSettings(), subject="casa-1", role=Role.housing, organisation_id=org)
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Housing:
    http: httpx.AsyncClient
    pool: asyncpg.Pool
    producer: AIOKafkaProducer
    org: str

    @property
    def auth(self) -> dict[str, str]:
        return team(self.org)

    def uow(self):  # type: ignore[no-untyped-def]
        return postgres_uow(self.pool)

    async def step(self, proposal_id: str, action: str, body: dict | None = None) -> httpx.Response:
        """The team's step on a proposal (accept, confirm, move_in, move_out, decline), as its API takes it."""
        return await self.http.post(f"/api/v1/proposals/{proposal_id}/{action}", headers=self.auth, json=body or {})

    async def send(self, payload: EventPayload, beneficiary_id: UUID) -> None:
        """As intake (or employment) would: an envelope on its topic, keyed by the person."""
        producer = "employment" if payload.event_type.startswith("employment.") else "intake"
        topic = EMPLOYMENT_EVENTS.name if producer == "employment" else INTAKE_EVENTS.name
        env = envelope_for(payload, beneficiary_id=beneficiary_id, organisation_id=self.org, producer=producer)
        await self.producer.send_and_wait(topic, encode(env), key=key_of(env), headers=[
            ("event_type", env.event_type.encode())])


@asynccontextmanager
async def running_housing(real_servers) -> AsyncIterator[Housing]:  # type: ignore[no-untyped-def]
    db = await service_database(real_servers.postgres, "housing", "hs")
    dsn = db.dsn  # the code under test connects as the service role
    # its own consumer group, so each test's service reads the topics from the start into its own database
    config = HousingSettings.for_service("housing", http_port=0, database_url=dsn).model_copy(
        update={"service": f"housing-{db.name}"})
    app = build_app(config)  # type: ignore[arg-type]
    producer = AIOKafkaProducer(bootstrap_servers=real_servers.kafka)
    await producer.start()
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://housing",
                                         event_hooks={"request": [add_idempotency_key]}) as client:
                yield Housing(client, app.state.runtime.pool, producer, f"coop-{uuid4().hex[:8]}")
    finally:
        await producer.stop()
        await db.drop()
