"""A consent withdrawn at intake reaches housing and employment: each service's consumer has taken
the withdrawal in (its tracking row is committed with whatever it does about it), and the person's
consents at intake say so."""

from __future__ import annotations

from datetime import date

import asyncpg
import pytest

from shared.auth import Role
from shared.settings import PlatformSettings
from tests.e2e.conftest import token
from tests.e2e.people import registration
from tests.e2e.test_thin_slice import register, wait_for

pytestmark = pytest.mark.e2e


async def test_a_withdrawal_per_purpose_reaches_housing_and_employment(services, http, real_servers,
                                                                       registered_personal_data):
    org = "coop-consent-e2e"
    body = registration("Ayaan", "Hirsi", "F", date(1990, 2, 2))
    body["consent"]["scope"] = ["processing", "housing_referral", "employment_referral"]
    person = (await register(http, services, body, registered_personal_data, org=org))["beneficiary_id"]
    operator = token(Role.operator, org)
    url = f"{services['intake']}/api/v1/beneficiaries/{person}/consents"
    for purpose in ("housing_referral", "employment_referral"):
        withdrawn = await http.post(f"{url}/{purpose}/withdrawal", headers=operator)
        assert withdrawn.status_code == 201, withdrawn.text
    states = {p["purpose"]: p["status"] for p in (await http.get(url, headers=operator)).json()["purposes"]}
    assert (states["housing_referral"], states["employment_referral"], states["processing"]) == (
        "withdrawn", "withdrawn", "in_force")

    platform = PlatformSettings(PERCORSI_POSTGRES_DSN=real_servers.postgres)
    intake = await asyncpg.connect(platform.database_dsn("percorsi_intake_e2e"))
    try:
        withdrawals = {r["event_id"] for r in await intake.fetch(
            "SELECT event_id FROM outbox WHERE key = $1 AND headers->>'event_type' = 'intake.consent_withdrawn'",
            person.encode())}
    finally:
        await intake.close()
    assert len(withdrawals) == 2
    for service in ("housing", "employment"):
        conn = await asyncpg.connect(platform.database_dsn(f"percorsi_{service}_e2e"))
        try:
            async def taken_in(conn=conn) -> bool:
                rows = await conn.fetch("SELECT outcome FROM processed_events WHERE event_id = ANY($1::uuid[])",
                                        list(withdrawals))
                return len(rows) == 2 and "dead_lettered" not in {r["outcome"] for r in rows}

            await wait_for(taken_in)
        finally:
            await conn.close()
