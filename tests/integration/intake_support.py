"""Helpers for intake's integration tests: tokens, realistic registrations, and the outbox as read
back from PostgreSQL."""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import httpx

from intake.bootstrap import build_app
from intake.domain.fiscal_code import MONTH_LETTERS, check_character
from intake.service_layer.commands_common import today_in_italy
from intake.settings import IntakeSettings
from shared.auth import AuthSettings, Role, issue_token
from tests import personal_data
from tests.databases import service_database
from tests.keys import add_idempotency_key

HOOKS = {"request": [personal_data.note_request, add_idempotency_key]}

INTAKE_DIR = Path(__file__).resolve().parents[2] / "services" / "intake"

ORG = "coop-a"
OTHER_ORG = "coop-b"
PROJECT = "FAMI-2024-001"
SECOND_PROJECT = "ESF-77"
_people = itertools.count(1)
_NAMES = [("Amina", "Warsame"), ("Yonas", "Tesfaye"), ("Fatou", "Diallo"), ("Omar", "Haidari"), ("Grace", "Okafor")]


def headers(role: Role = Role.operator, org: str = ORG, sub: str = "op-1") -> dict[str, str]:
    token = issue_token(AuthSettings(), subject=sub, role=role, organisation_id=org)
    return {"Authorization": f"Bearer {token}"}


def project_body(code: str, org: str) -> dict[str, Any]:
    """A funding line `org` leads, with OTHER_ORG as partner unless it is the lead."""
    today = today_in_italy()
    return {
        "funder": "fami", "code": code, "title": "Rifugiato Cittadino",
        "partners": [OTHER_ORG] if org != OTHER_ORG else [], "territories": ["RM", "LT"],
        "start_date": (today - timedelta(days=100)).isoformat(), "end_date": (today + timedelta(days=900)).isoformat(),
        "budget": [{"work_package": "work", "amount_eur": "120000.00"},
                   {"work_package": "housing", "amount_eur": 80000},
                   {"work_package": "management", "amount_eur": "15000.50"}],
    }


def fiscal_code(last: str, first: str, birth: date, sex: str, place: str = "Z345") -> str:
    """A well-formed code; `place` is the birth place's cadastral code (Z345: Somalia, registration()'s)."""
    day = birth.day + (40 if sex == "F" else 0)
    first15 = f"{(last.upper() + 'XXX')[:3]}{(first.upper() + 'XXX')[:3]}{birth.year % 100:02d}"
    first15 += f"{MONTH_LETTERS[birth.month - 1]}{day:02d}{place}"
    return first15 + check_character(first15)


def registration(*, with_code: bool = False, **extra: Any) -> dict[str, Any]:
    """A valid registration of a new person: each call a different birth date, so never a duplicate."""
    n = next(_people)
    first, last = _NAMES[n % len(_NAMES)]
    sex = "F" if first in ("Amina", "Fatou", "Grace") else "M"
    birth = date(1975, 1, 1) + timedelta(days=41 * n)
    body: dict[str, Any] = {
        "first_name": first, "last_name": last, "sex": sex, "birth_date": birth.isoformat(),
        "birth_country": "SO", "citizenship": "SO", "legal_status": "refugee",
        "reception": {"kind": "sai", "centre": "Casa Aurora"},
        "household": {"size": 1, "children": [], "single_parent": False},
        "italian_level": "A1", "languages": ["so", "en"],
        "contacts": {"phone": "+39 333 1234567", "email": f"{first.lower()}.{n}@example.org"},
        "consent": {"given": True, "date": today_in_italy().isoformat(), "scope": ["processing", "funder_reporting"]},
        "project_ids": [PROJECT],
        "vulnerabilities": ["health_condition"],
    }
    if with_code:
        body["fiscal_code"] = fiscal_code(last, first, birth, sex)
    return body | extra


@dataclass
class Intake:
    """The in-process app, a client speaking to it, and its pool for reading what was stored."""

    client: httpx.AsyncClient
    pool: asyncpg.Pool
    app: Any
    # The server's administrative user on the same database: for a test that inspects or sabotages
    # beyond what the service's role may (the service's own code never uses it).
    admin_dsn: str = ""
    _projects: set[tuple[str, str]] = field(default_factory=set)

    async def register(self, body: dict[str, Any] | None = None, *, org: str = ORG, sub: str = "op-1") -> UUID:
        """Register a person, once the projects they are taken in charge in exist for `org`."""
        body = body or registration()
        await self.ensure_projects(org, body["project_ids"])
        response = await self.client.post("/api/v1/beneficiaries", json=body, headers=headers(org=org, sub=sub))
        assert response.status_code == 201, response.text
        return UUID(response.json()["beneficiary_id"])

    async def ensure_projects(self, org: str, codes: Iterable[str]) -> None:
        """Each project `org` is not yet in is registered by an admin of `org`, as its lead."""
        missing = {c for c in codes if (org, c) not in self._projects}
        if missing:
            listed = await self.client.get("/api/v1/projects", headers=headers(org=org))
            missing -= {p["code"] for p in listed.json()["items"]}
        for code in sorted(missing):
            created = await self.client.post("/api/v1/projects", json=project_body(code, org),
                                             headers=headers(Role.admin, org=org, sub="admin-1"))
            assert created.status_code == 201, created.text
        self._projects |= {(org, c) for c in codes}

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        async with self.pool.acquire() as conn:
            return await conn.fetch(query, *args)

    async def fetchrow(self, query: str, *args: Any) -> asyncpg.Record | None:
        async with self.pool.acquire() as conn:
            return await conn.fetchrow(query, *args)

    async def fetchval(self, query: str, *args: Any) -> Any:
        async with self.pool.acquire() as conn:
            return await conn.fetchval(query, *args)

    async def events(self, beneficiary_id: UUID) -> list[OutboxEvent]:
        """The person's outbox rows in the order the relay publishes them."""
        rows = await self.fetch(
            "SELECT headers, value FROM outbox WHERE key = $1 ORDER BY seq", str(beneficiary_id).encode()
        )
        return [OutboxEvent(r["headers"]["event_type"], json.loads(bytes(r["value"])), bytes(r["value"]),
                            json.dumps(r["headers"])) for r in rows]

    async def event_types(self, beneficiary_id: UUID) -> list[str]:
        return [e.event_type for e in await self.events(beneficiary_id)]


@dataclass(frozen=True)
class OutboxEvent:
    event_type: str  # from the Kafka header
    envelope: dict[str, Any]
    raw: bytes
    raw_headers: str

    @property
    def payload(self) -> dict[str, Any]:
        return self.envelope["payload"]


def assert_no_personal_data(events: Iterable[OutboxEvent], secrets: Iterable[str]) -> None:
    """None of the words written about the person appears in any header or payload."""
    for event in events:
        assert event.event_type == event.envelope["event_type"]
        text = (event.raw.decode() + event.raw_headers).casefold()
        for secret in secrets:
            assert secret.casefold() not in text, f"{secret!r} leaked into {event.event_type}"


@asynccontextmanager
async def running_intake(real_servers, prefix: str) -> AsyncIterator[Intake]:
    """Intake in-process on a fresh database of the session's PostgreSQL, relaying to its Kafka."""
    db = await service_database(real_servers.postgres, "intake", prefix)
    dsn = db.dsn  # the code under test connects as the service role
    app = build_app(IntakeSettings.for_service("intake", http_port=0, database_url=dsn))
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://intake",
                                         event_hooks=HOOKS) as client:
                yield Intake(client, app.state.runtime.pool, app, db.admin_dsn)
    finally:
        await db.drop()


def errors_of(response: httpx.Response) -> dict[str, str]:
    """field -> error type, from a 422 body."""
    assert response.status_code == 422, response.text
    return {e["field"]: e["rule"] for e in response.json()["errors"]}
