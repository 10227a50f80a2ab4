"""Housing's funds and supports on the real servers (PostgreSQL, the HTTP app): six months of rent per
person across requests and racing approvals, one fund of a kind per project, error fields named as the
request names them, the support's input checks, money in and out, and the supports' list and read.

The people are put in housing's own table directly: these tests are about the funds, and the path from
intake's events is tested in test_housing_service.py."""

import asyncio
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from housing.domain import funds as domain
from housing.domain.funds import Lease, SupportKind
from housing.domain.rules import default_funds
from tests.integration.housing_support import Housing, running_housing, team
from tests.unit.housing.support import TODAY, household

pytestmark = pytest.mark.integration
API = "/api/v1"


@pytest.fixture
async def housing(real_servers, topics):
    async with running_housing(real_servers) as h:
        yield h


async def someone(h: Housing) -> UUID:
    person = household(organisation_id=h.org, housing_goal=False, consent=False)
    async with h.uow() as uow:
        await uow.households.add(person)
    return person.beneficiary_id


async def new_fund(h: Housing, kind="rent_advance", total="9000.00", cap="9000.00", project="FAMI-2026-7") -> dict:
    r = await h.http.post(f"{API}/funds", headers=h.auth, json={
        "project_id": project, "kind": kind, "total_eur": total, "cap_per_person_eur": cap})
    assert r.status_code == 201, r.text
    return r.json()


def advance(fund: dict, bid: UUID, months: int, rent="200.00", **kw) -> dict:
    return {"fund_id": fund["fund_id"], "beneficiary_id": str(bid), "kind": "rent_advance",
            "amount_eur": str(Decimal(rent) * months), "months": months, "monthly_rent_eur": rent,
            "lease_ref": "RM-T1-2026-1"} | kw


def errors_of(r) -> dict[str, str]:
    return {e["field"]: e["rule"] for e in r.json()["errors"]}


async def test_six_months_of_rent_per_person_across_requests(housing: Housing):
    h = housing
    fund, bid = await new_fund(h), await someone(h)
    first = await h.http.post(f"{API}/supports", headers=h.auth, json=advance(fund, bid, 6))
    assert first.status_code == 201, first.text
    again = await h.http.post(f"{API}/supports", headers=h.auth, json=advance(fund, bid, 6))
    assert again.status_code == 422 and errors_of(again) == {"months": "rent_advance_months_per_person"}
    assert "6 already requested, approved or paid" in again.json()["errors"][0]["message"]
    one_more = await h.http.post(f"{API}/supports", headers=h.auth, json=advance(fund, bid, 1))
    assert one_more.status_code == 422, one_more.text
    assert (await h.http.post(f"{API}/supports/{first.json()['support_id']}/refuse", headers=h.auth)).status_code == 200
    four = await h.http.post(f"{API}/supports", headers=h.auth, json=advance(fund, bid, 4))
    assert four.status_code == 201, four.text  # the refused six no longer count
    assert (await h.http.post(f"{API}/supports/{four.json()['support_id']}/approve", headers=h.auth)).status_code == 200
    three = await h.http.post(f"{API}/supports", headers=h.auth, json=advance(fund, bid, 3))
    assert three.status_code == 422 and "so 2 more at most" in three.json()["errors"][0]["message"]
    other = await h.http.post(f"{API}/supports", headers=h.auth, json=advance(fund, await someone(h), 6))
    assert other.status_code == 201, other.text  # six months per person, not per fund


async def test_racing_approvals_for_one_person_pass_six_months_once(housing: Housing):
    """Two pending advances of four months (both got in before the check, as two requests side by side
    can): approved at once, one passes; the other is refused and stays requested."""
    h = housing
    fund, bid = await new_fund(h), await someone(h)
    async with h.uow() as uow:
        got = await uow.funds.get(UUID(fund["fund_id"]), h.org)
        pending = [domain.request(uuid4(), got, bid, SupportKind.rent_advance, Decimal("800"), TODAY, default_funds(),
                                  held=domain.Held(), lease=Lease(4, Decimal("200"), "L-1")) for _ in range(2)]
        for s in pending:
            await uow.supports.add(s)
    answers = await asyncio.gather(*(h.http.post(f"{API}/supports/{s.support_id}/approve", headers=h.auth)
                                     for s in pending))
    assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
    refused = next(a for a in answers if a.status_code == 409)
    assert errors_of(refused) == {"months": "rent_advance_months_per_person"}
    statuses = sorted([(await h.http.get(f"{API}/supports/{s.support_id}", headers=h.auth)).json()["status"]
                       for s in pending])
    assert statuses == ["approved", "requested"]
    listed = (await h.http.get(f"{API}/funds", headers=h.auth)).json()["items"][0]
    assert listed["committed_eur"] == "800.00"
    # two requests of six months side by side, then their approvals side by side: six months at most
    other = await someone(h)
    made = await asyncio.gather(*(h.http.post(f"{API}/supports", headers=h.auth, json=advance(fund, other, 6))
                                  for _ in range(2)))
    # the requests lock the fund's row in turn, so the second already sees the first's six months
    assert sorted(r.status_code for r in made) == [201, 422], [r.text for r in made]
    ids = [r.json()["support_id"] for r in made if r.status_code == 201]
    third = await someone(h)
    four = await asyncio.gather(*(h.http.post(f"{API}/supports", headers=h.auth, json=advance(fund, third, 4))
                                  for _ in range(4)))
    assert sorted(r.status_code for r in four) == [201, 422, 422, 422], [r.text for r in four]
    approvals = await asyncio.gather(*(h.http.post(f"{API}/supports/{s}/approve", headers=h.auth) for s in ids))
    assert [a.status_code for a in approvals].count(200) == 1
    mine = (await h.http.get(f"{API}/supports", headers=h.auth, params={"beneficiary_id": str(other),
                                                                         "status": "approved"})).json()
    assert mine["total"] == 1 and mine["items"][0]["months"] == 6


async def test_one_fund_of_a_kind_per_project_of_an_organisation(housing: Housing):
    h = housing
    first = await new_fund(h)
    again = await h.http.post(f"{API}/funds", headers=h.auth, json={
        "project_id": "FAMI-2026-7", "kind": "rent_advance", "total_eur": "50.00", "cap_per_person_eur": "50.00"})
    assert again.status_code == 409 and errors_of(again) == {"project_id": "fund_exists"}
    assert again.json()["fund_id"] == first["fund_id"] and first["fund_id"] in again.json()["detail"]
    await new_fund(h, kind="contributions")  # the other kind, the same project
    other_org = await h.http.post(f"{API}/funds", headers=team(f"coop-{uuid4().hex[:8]}"), json={
        "project_id": "FAMI-2026-7", "kind": "rent_advance", "total_eur": "50.00", "cap_per_person_eur": "50.00"})
    assert other_org.status_code == 201, other_org.text
    racing = await asyncio.gather(*(h.http.post(f"{API}/funds", headers=h.auth, json={
        "project_id": "FAMI-2026-9", "kind": "rent_advance", "total_eur": "50.00", "cap_per_person_eur": "50.00"})
        for _ in range(3)))
    assert sorted(r.status_code for r in racing) == [201, 409, 409]
    winner = next(r.json()["fund_id"] for r in racing if r.status_code == 201)
    assert all(r.json()["fund_id"] == winner for r in racing if r.status_code == 409)
    for blank in ("", "   ", " FAMI-2026-7", "FAMI\t7"):
        r = await h.http.post(f"{API}/funds", headers=h.auth, json={
            "project_id": blank, "kind": "rent_advance", "total_eur": "50.00", "cap_per_person_eur": "50.00"})
        assert r.status_code == 422 and set(errors_of(r)) == {"project_id"}, (blank, r.text)
    listed = (await h.http.get(f"{API}/funds", headers=h.auth)).json()
    assert listed["total"] == 3 and {f["project_id"] for f in listed["items"]} == {"FAMI-2026-7", "FAMI-2026-9"}


async def test_every_error_names_the_field_the_request_sent(housing: Housing):
    h = housing
    bad_fund = await h.http.post(f"{API}/funds", headers=h.auth, json={
        "project_id": "P-1", "kind": "contributions", "total_eur": "0", "cap_per_person_eur": "0"})
    assert errors_of(bad_fund) == {"total_eur": "amount_positive", "cap_per_person_eur": "amount_positive"}
    over = await h.http.post(f"{API}/funds", headers=h.auth, json={
        "project_id": "P-1", "kind": "contributions", "total_eur": "100", "cap_per_person_eur": "100.01"})
    assert errors_of(over) == {"cap_per_person_eur": "cap_within_total"}
    contributions = await new_fund(h, kind="contributions", total="500.00", cap="300.00")
    advances = await new_fund(h)
    bid = await someone(h)
    past_cap = await h.http.post(f"{API}/supports", headers=h.auth, json={
        "fund_id": contributions["fund_id"], "beneficiary_id": str(bid), "kind": "furniture", "amount_eur": "300.01"})
    assert errors_of(past_cap) == {"amount_eur": "cap_per_person"}
    no_rent = await h.http.post(f"{API}/supports", headers=h.auth, json=advance(advances, bid, 6, rent="0",
                                                                                amount_eur="100.00"))
    assert errors_of(no_rent) == {"monthly_rent_eur": "amount_positive"}
    beyond = await h.http.post(f"{API}/supports", headers=h.auth, json=advance(advances, bid, 6, amount_eur="1200.01"))
    assert errors_of(beyond) == {"amount_eur": "advance_within_months"}
    # fund_exhausted names the amount too
    ids = []
    for _ in range(2):
        r = await h.http.post(f"{API}/supports", headers=h.auth, json={
            "fund_id": contributions["fund_id"], "beneficiary_id": str(await someone(h)), "kind": "utilities",
            "amount_eur": "300.00"})
        ids.append(r.json()["support_id"])
    assert (await h.http.post(f"{API}/supports/{ids[0]}/approve", headers=h.auth)).status_code == 200
    exhausted = await h.http.post(f"{API}/supports/{ids[1]}/approve", headers=h.auth)
    assert exhausted.status_code == 409 and errors_of(exhausted) == {"amount_eur": "fund_exhausted"}


async def test_support_input_checks_report_every_field_at_once(housing: Housing):
    h = housing
    contributions, advances = await new_fund(h, kind="contributions"), await new_fund(h)
    bid = await someone(h)
    furniture = await h.http.post(f"{API}/supports", headers=h.auth, json={
        "fund_id": contributions["fund_id"], "beneficiary_id": str(bid), "kind": "furniture", "amount_eur": "300.00",
        "months": 6, "lease_ref": "L-1"})
    assert furniture.status_code == 422
    assert errors_of(furniture) == {"months": "rent_advance_only", "lease_ref": "rent_advance_only"}
    bare = await h.http.post(f"{API}/supports", headers=h.auth, json={
        "fund_id": advances["fund_id"], "beneficiary_id": str(bid), "kind": "rent_advance", "amount_eur": "300.00"})
    assert errors_of(bare) == {"months": "rent_advance_months", "monthly_rent_eur": "required",
                               "lease_ref": "required"}
    for months in (0, 7, 13, 2**31 - 1):  # one rule for the one limit
        r = await h.http.post(f"{API}/supports", headers=h.auth, json=advance(advances, bid, 1) | {"months": months})
        assert r.status_code == 422 and errors_of(r) == {"months": "rent_advance_months"}, (months, r.text)
    listed = (await h.http.get(f"{API}/supports", headers=h.auth)).json()
    assert listed["total"] == 0


async def test_money_is_plain_decimals_in_and_two_decimals_out(housing: Housing):
    h = housing
    place = {"kind": "cohousing", "municipality": "058091", "beds_total": 4, "beds_free": 1,
             "gender_policy": "mixed", "monthly_cost_per_bed": "1e3"}
    refused = await h.http.post(f"{API}/places", headers=h.auth, json=place)
    assert refused.status_code == 422 and errors_of(refused) == {"monthly_cost_per_bed": "money_format"}
    too_dear = await h.http.post(f"{API}/places", headers=h.auth, json=place | {"monthly_cost_per_bed": "100000000"})
    assert too_dear.status_code == 422 and errors_of(too_dear) == {"monthly_cost_per_bed": "less_than_equal"}
    for spelt in ("1E+3", "1_000", " 250", "Infinity"):
        r = await h.http.post(f"{API}/funds", headers=h.auth, json={
            "project_id": "P-1", "kind": "rent_advance", "total_eur": spelt, "cap_per_person_eur": "10"})
        assert errors_of(r) == {"total_eur": "money_format"}, (spelt, r.text)
    made = await h.http.post(f"{API}/places", headers=h.auth, json=place | {"monthly_cost_per_bed": "250"})
    assert made.status_code == 201 and made.json()["monthly_cost_per_bed"] == "250.00"
    read = await h.http.get(f"{API}/places/{made.json()['place_id']}", headers=h.auth)
    assert read.json()["monthly_cost_per_bed"] == "250.00"
    assert (await h.http.get(f"{API}/places", headers=h.auth)).json()["items"][0]["monthly_cost_per_bed"] == "250.00"
    fund = await new_fund(h, total="1000", cap="300.5")
    money = ("budget_eur", "committed_eur", "paid_eur", "available_eur", "cap_per_person_eur")
    assert [fund[k] for k in money] == ["1000.00", "0.00", "0.00", "1000.00", "300.50"]
    listed = (await h.http.get(f"{API}/funds", headers=h.auth)).json()["items"][0]
    assert [listed[k] for k in money] == ["1000.00", "0.00", "0.00", "1000.00", "300.50"]
    s = await h.http.post(f"{API}/supports", headers=h.auth, json=advance(fund, await someone(h), 3, rent="100",
                                                                          amount_eur="300"))
    assert s.status_code == 201, s.text
    assert (s.json()["amount_eur"], s.json()["monthly_rent_eur"]) == ("300.00", "100.00")
    again = (await h.http.get(f"{API}/supports/{s.json()['support_id']}", headers=h.auth)).json()
    assert (again["amount_eur"], again["monthly_rent_eur"]) == ("300.00", "100.00")


async def test_supports_are_listed_by_filter_and_read_within_the_organisation(housing: Housing):
    h = housing
    contributions, advances = await new_fund(h, kind="contributions"), await new_fund(h)
    a, b = await someone(h), await someone(h)
    made = []
    for body in (advance(advances, a, 2), advance(advances, b, 6),
                 {"fund_id": contributions["fund_id"], "beneficiary_id": str(a), "kind": "furniture",
                  "amount_eur": "150.00"}):
        r = await h.http.post(f"{API}/supports", headers=h.auth, json=body)
        assert r.status_code == 201, r.text
        made.append(r.json())
    assert (await h.http.post(f"{API}/supports/{made[1]['support_id']}/approve", headers=h.auth)).status_code == 200

    async def listed(**params) -> dict:
        r = await h.http.get(f"{API}/supports", headers=h.auth, params=params)
        assert r.status_code == 200, r.text
        return r.json()

    everything = await listed()
    assert everything["total"] == 3 and set(everything) == {"items", "total", "limit", "offset"}
    assert {s["support_id"] for s in everything["items"]} == {s["support_id"] for s in made}
    assert (await listed(fund_id=advances["fund_id"]))["total"] == 2
    assert [s["support_id"] for s in (await listed(beneficiary_id=str(a), fund_id=contributions["fund_id"]))[
        "items"]] == [made[2]["support_id"]]
    approved = await listed(status="approved")
    assert [s["support_id"] for s in approved["items"]] == [made[1]["support_id"]]
    assert approved["items"][0]["lease_ref"] == "RM-T1-2026-1" and approved["items"][0]["months"] == 6
    page = await listed(limit=2, offset=2)
    assert page["total"] == 3 and len(page["items"]) == 1 and (page["limit"], page["offset"]) == (2, 2)
    for params, field in (({"status": "lost"}, "query.status"), ({"fund_id": "nope"}, "query.fund_id"),
                          ({"beneficiary_id": "7"}, "query.beneficiary_id")):
        r = await h.http.get(f"{API}/supports", headers=h.auth, params=params)
        assert r.status_code == 422 and set(errors_of(r)) == {field}, r.text
    one = await h.http.get(f"{API}/supports/{made[0]['support_id']}", headers=h.auth)
    assert one.status_code == 200 and one.json() == made[0]
    stranger = team(f"coop-{uuid4().hex[:8]}")
    assert (await h.http.get(f"{API}/supports/{made[0]['support_id']}", headers=stranger)).status_code == 404
    unknown = await h.http.get(f"{API}/supports/{uuid4()}", headers=h.auth)
    assert unknown.status_code == 404 and errors_of(unknown) == {"path.support_id": "not_found"}, unknown.text
    for body, field in (({**advance(advances, a, 1), "fund_id": str(uuid4())}, "fund_id"),
                        (advance(advances, uuid4(), 1), "beneficiary_id")):
        r = await h.http.post(f"{API}/supports", headers=h.auth, json=body)  # two ids: the answer names which
        assert r.status_code == 404 and errors_of(r) == {field: "not_found"}, r.text
    theirs = await h.http.get(f"{API}/supports", headers=stranger, params={"fund_id": advances["fund_id"]})
    assert theirs.json()["total"] == 0
