"""Unaccompanied minors over HTTP on the real PostgreSQL: 18 or older on the registration date is
refused at registration and in corrections, which judge the age on the day the person was taken in charge
(the day registered, unless the registration dated the path's start in the past)."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

import pytest

from intake.service_layer.commands_common import today_in_italy
from tests.integration.intake_support import Intake, errors_of, headers, registration, running_intake

pytestmark = pytest.mark.integration

TODAY = today_in_italy()


def years_ago(years: int, days: int = 0) -> str:
    """The birth date of someone who turns `years` `days` days from today (negative: days ago)."""
    try:
        birthday = TODAY.replace(year=TODAY.year - years)
    except ValueError:  # 29 February
        birthday = date(TODAY.year - years, 3, 1)
    return (birthday + timedelta(days=days)).isoformat()


@pytest.fixture(scope="module")
async def intake(real_servers, topics):
    async with running_intake(real_servers, "it_minors") as running:
        yield running


async def counts(intake: Intake) -> tuple[int, int]:
    return (await intake.fetchval("SELECT count(*) FROM beneficiaries"),
            await intake.fetchval("SELECT count(*) FROM outbox"))


async def test_an_adult_registered_as_unaccompanied_minor_is_refused_and_nothing_stored(intake: Intake):
    await intake.ensure_projects("coop-a", registration()["project_ids"])
    before = await counts(intake)
    for birth_date in (years_ago(18), years_ago(25), f"{TODAY.year - 18}-01-01"):
        body = registration(legal_status="unaccompanied_minor", birth_date=birth_date)
        response = await intake.client.post("/api/v1/beneficiaries", json=body, headers=headers())
        assert errors_of(response) == {"legal_status": "unaccompanied_minor_of_age"}, birth_date
        assert "birth_date" in response.json()["errors"][0]["message"]
    assert await counts(intake) == before
    # 18 tomorrow: still a minor today.
    assert await intake.register(registration(legal_status="unaccompanied_minor", birth_date=years_ago(18, 1)))


async def correct(intake: Intake, person: UUID, body: dict):
    return await intake.client.post(f"/api/v1/beneficiaries/{person}/corrections", json=body | {"reason": "r"},
                                    headers=headers())


async def test_corrections_apply_the_rule_on_the_registration_date(intake: Intake):
    minor = await intake.register(registration(legal_status="unaccompanied_minor", birth_date=years_ago(16)))
    adult = await intake.register(registration(legal_status="asylum_seeker", birth_date=years_ago(30)))
    corrected_before = await intake.fetchval("SELECT count(*) FROM corrections")
    refused = [await correct(intake, minor, {"birth_date": years_ago(19)}),
               await correct(intake, adult, {"legal_status": "unaccompanied_minor"})]
    for response in refused:
        assert errors_of(response) == {"legal_status": "unaccompanied_minor_of_age"}
    assert await intake.fetchval("SELECT count(*) FROM corrections") == corrected_before

    # Registered at 17 some 200 days ago, 18 for ten days now: still valid, and corrections go through.
    grown = await intake.register(registration(legal_status="unaccompanied_minor", birth_date=years_ago(18, 100)))
    async with intake.pool.acquire() as conn:
        await conn.execute("UPDATE beneficiaries SET registered_on = $2, taken_in_charge_on = $2 "
                           "WHERE beneficiary_id = $1", grown, TODAY - timedelta(days=200))
    ok = await correct(intake, grown, {"italian_level": "A2", "birth_date": years_ago(18, -10)})
    assert ok.status_code == 201, ok.text


async def test_a_minor_taken_in_charge_before_registration_is_judged_on_that_day_in_corrections_too(intake: Intake):
    """Registered today with the day their path began, 60 days ago, when they were 17; 18 for 30 days now. The
    registration is judged on that day; a correction used to judge it on the day it was typed in: every
    correction (a language added) was refused as unaccompanied_minor_of_age, and one that passed (the new legal
    status at 18) moved the age band taken in charge from under_18 to 18_24."""
    await intake.ensure_projects("coop-a", registration()["project_ids"])
    began = (TODAY - timedelta(days=60)).isoformat()
    body = registration(legal_status="unaccompanied_minor", birth_date=years_ago(18, -30), taken_in_charge_on=began)
    body["consent"] = body["consent"] | {"date": began, "given_by": "guardian"}
    grown = await intake.register(body)
    ok = await correct(intake, grown, {"languages": ["so", "en", "ar"]})
    assert ok.status_code == 201, ok.text
    ok = await correct(intake, grown, {"legal_status": "asylum_seeker"})
    assert ok.status_code == 201, ok.text
    assert await intake.fetchval("SELECT age_band FROM beneficiaries WHERE beneficiary_id = $1", grown) == "under_18"
    corrected = [e for e in await intake.events(grown) if e.event_type == "intake.beneficiary_corrected"]
    assert len(corrected) == 2 and all("age_band" not in e.payload or e.payload["age_band"] is None
                                       for e in corrected), [e.payload for e in corrected]
