"""Erasure across services: the person's personal data is gone at intake, the funder-facing and
operator counts at reporting stay right, and the erasure is on the person's timeline."""

from __future__ import annotations

from datetime import date

import pytest

from shared.auth import Role
from tests.e2e.conftest import token
from tests.e2e.people import registration
from tests.e2e.test_thin_slice import people_taken_in_charge, register, wait_for

pytestmark = pytest.mark.e2e


async def test_erased_person_is_unreadable_and_still_counted(services, http, registered_personal_data):
    org = "coop-erasure"
    kept = await register(http, services, registration("Sagal", "Nur", "F", date(1993, 4, 4)),
                          registered_personal_data, org=org)
    gone = await register(http, services, registration("Bashir", "Osman", "M", date(1991, 8, 8)),
                          registered_personal_data, org=org)
    operator = token(Role.operator, org)

    async def counts():
        cells = await people_taken_in_charge(http, services, operator)
        return cells if cells.get(None) == 2 else None

    before = await wait_for(counts)
    url = f"{services['intake']}/api/v1/beneficiaries/{gone['beneficiary_id']}"
    assert (await http.post(f"{url}/erasure", json={"reason": "art. 17 request"}, headers=operator)).status_code == 403
    erased = await http.post(f"{url}/erasure", json={"reason": "art. 17 request"}, headers=token(Role.admin, org))
    assert erased.status_code == 200, erased.text

    read = (await http.get(url, params={"purpose": "audit"}, headers=operator)).json()
    assert read["erased"] is True and read["personal"] is None
    other = (await http.get(f"{services['intake']}/api/v1/beneficiaries/{kept['beneficiary_id']}",
                            params={"purpose": "casework"}, headers=operator)).json()
    assert other["personal"]["last_name"] == "Nur"

    async def erasure_on_timeline():
        body = (await http.get(f"{services['reporting']}/api/v1/beneficiaries/{gone['beneficiary_id']}/timeline",
                               headers=operator)).json()
        return "intake.beneficiary_erased" in {e["event_type"] for e in body["events"]}

    await wait_for(erasure_on_timeline)
    assert await counts() == before  # anonymous counts stand
    # The same person registered again is no longer flagged as a duplicate of the erased record.
    again = await http.post(f"{services['intake']}/api/v1/beneficiaries",
                            json=registration("Bashir", "Osman", "M", date(1991, 8, 8)), headers=operator)
    assert again.status_code == 201, again.text
