"""The work status at intake across the four services as real processes: registered at intake, it travels
on Kafka only as women_inactive; employment's person shows it (the women's-inactivity priority of the
score) and reporting's women_inactive indicator counts her; a correction at intake moves both."""

from __future__ import annotations

import json
from datetime import date

import pytest

from shared.auth import Role
from shared.topics import INTAKE_EVENTS
from tests.e2e.conftest import token
from tests.e2e.people import registration
from tests.e2e.test_thin_slice import register, wait_for
from tests.kafka_support import read_all

pytestmark = pytest.mark.e2e
ORG = "coop-work-status-e2e"


async def test_a_woman_registered_inactive_reaches_employment_and_the_indicator_and_a_correction_follows(
        services, http, real_servers, registered_personal_data):
    intake, employment, reporting = services["intake"], services["employment"], services["reporting"]
    operator, team = token(Role.operator, ORG), token(Role.employment, ORG)
    people = {
        "woman": registration("Hibo", "Nur", "F", date(1993, 4, 4), work_status="inactive"),
        "man": registration("Ahmed", "Gure", "M", date(1991, 7, 7), work_status="inactive"),
        "unrecorded": registration("Sagal", "Aden", "F", date(1995, 8, 8)),
        "seeking": registration("Farhiya", "Dirie", "F", date(1992, 9, 9), work_status="seeking_work"),
    }
    ids = {k: (await register(http, services, body, registered_personal_data, org=ORG))["beneficiary_id"]
           for k, body in people.items()}

    async def on_kafka(event_type: str, count: int):  # type: ignore[no-untyped-def]
        records = await read_all(real_servers.kafka, INTAKE_EVENTS.name)
        found: dict[str, list[dict]] = {}
        for r in records:
            envelope = json.loads(r.value)
            if envelope["event_type"] == event_type and envelope["beneficiary_id"] in ids.values():
                found.setdefault(envelope["beneficiary_id"], []).append(envelope["payload"])
        return found if sum(map(len, found.values())) >= count else None

    registered = await wait_for(lambda: on_kafka("intake.beneficiary_registered", 4))
    assert {k: registered[ids[k]][0]["women_inactive"] for k in ids} == {
        "woman": True, "man": False, "unrecorded": None, "seeking": False}
    assert all("work_status" not in p for payloads in registered.values() for p in payloads)

    async def at_employment(who: str, inactive: bool):  # type: ignore[no-untyped-def]
        r = await http.get(f"{employment}/api/v1/people/{ids[who]}", headers=team)
        return r.status_code == 200 and r.json()["person"]["women_inactive"] is inactive

    for who, inactive in (("woman", True), ("man", False), ("unrecorded", False), ("seeking", False)):
        await wait_for(lambda who=who, inactive=inactive: at_employment(who, inactive))

    async def counted(expected: int):  # type: ignore[no-untyped-def]
        r = await http.get(f"{reporting}/api/v1/indicators", headers=operator,
                           params={"set": "fami_amif", "indicator": "women_inactive"})
        assert r.status_code == 200, r.text
        return r.json()["figures"][0]["total"] == expected

    await wait_for(lambda: counted(1))  # the woman only

    # the woman seeking work was in fact inactive; the inactive one had found work
    for who, status in (("seeking", "inactive"), ("woman", "employed")):
        answer = await http.post(f"{intake}/api/v1/beneficiaries/{ids[who]}/corrections", headers=operator,
                                 json={"work_status": status, "reason": "verificato al colloquio"})
        assert answer.status_code == 201, answer.text
        assert answer.json()["corrected_fields"] == ["work_status"]
    corrected = await wait_for(lambda: on_kafka("intake.beneficiary_corrected", 2))
    assert (corrected[ids["seeking"]][0]["women_inactive"], corrected[ids["woman"]][0]["women_inactive"]) == (
        True, False)
    await wait_for(lambda: at_employment("seeking", True))
    await wait_for(lambda: at_employment("woman", False))
    await wait_for(lambda: counted(1))  # now the corrected one, not the first
    seen = await http.get(f"{intake}/api/v1/beneficiaries/{ids['seeking']}", headers=team)
    assert seen.json()["work_status"] == "inactive"  # a coarse attribute: the employment team sees it

    answer = await http.post(f"{intake}/api/v1/beneficiaries/{ids['unrecorded']}/corrections", headers=operator,
                             json={"work_status": "inactive", "reason": "registrato dopo"})
    assert answer.status_code == 201, answer.text
    await wait_for(lambda: counted(2))
    await wait_for(lambda: at_employment("unrecorded", True))
