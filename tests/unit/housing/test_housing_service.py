"""The housing service layer through its unit of work, on the in-memory twin: demand from events,
re-matching after each kind of event, every workflow step and refusal, and the funds."""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from uuid import uuid4

import pytest

from housing.domain.funds import FundKind, Lease, SupportKind
from housing.domain.offer import GenderPolicy, PlaceKind
from housing.domain.workflow import Status
from housing.service_layer import funds, offer, views, workflow
from housing.service_layer.commands import (
    CreateFund,
    ProposalStep,
    RecordPlace,
    RequestSupport,
    SupportStep,
)
from shared.commands import ProposeByHand
from shared.errors import Conflict, NotFound, RuleViolation, Violations
from shared.events.contracts import (
    BeneficiaryCorrected,
    BeneficiaryErased,
    BeneficiaryRegistered,
    ConsentGiven,
    ConsentWithdrawn,
    EmploymentIncomeChanged,
    GoalsAdded,
    GoalSummary,
    PlanAgreed,
)
from tests.unit.housing.service_support import Harness
from tests.unit.housing.support import ORG, ROMA, TODAY

pytestmark = pytest.mark.unit

MADE, CHANGED = "housing.proposal_made", "housing.proposal_status_changed"


def flat(**kw) -> RecordPlace:
    base = dict(organisation_id=ORG, kind=PlaceKind.cohousing, municipality=ROMA, beds_total=4, beds_free=1,
                monthly_cost_per_bed=Decimal("250"), address="Via Example 1")
    base.update(kw)
    return RecordPlace(**base)


async def open_of(t: Harness, bid):
    return await t.uow.proposals.open_of(bid)


async def test_registration_alone_waits_but_is_not_matched():
    t = Harness()
    await offer.record_place(t.ctx, flat())
    bid = await t.person(goal=False, consent=False)
    assert len(t.events("housing.candidate_waiting")) == 1
    assert await open_of(t, bid) is None
    items, total = await views.waiting(t.ctx, ORG, only_matchable=True, limit=10, offset=0)
    assert total == 0


async def test_goal_and_consent_make_a_proposal_with_score_parts():
    t = Harness()
    place = await offer.record_place(t.ctx, flat())
    bid = await t.person()
    p = await open_of(t, bid)
    assert p is not None and p.place_id == place.place_id and p.status is Status.proposed
    made = t.events(MADE)[-1]
    assert made.beneficiary_id == bid
    assert set(made.payload["score_parts"]) == {"affordability", "distance", "languages", "waiting", "urgency",
                                               "vulnerability"}
    assert "Via" not in str(made.payload)  # the address never travels
    items, _ = await views.proposals(t.ctx, ORG, status=Status.proposed, stalled=False, limit=10, offset=0)
    assert items[0][2] == made.payload["score_parts"]


async def test_a_new_place_rematches_the_waiting():
    t = Harness()
    a = await t.person()
    assert await open_of(t, a) is None
    await offer.record_place(t.ctx, flat())
    assert (await open_of(t, a)) is not None


async def test_the_whole_workflow_each_step_an_event_and_moving_out_closes_the_goal():
    t = Harness()
    place = await offer.record_place(t.ctx, flat(beds_free=2))
    bid = await t.person()
    p = await open_of(t, bid)
    for action, actor in [("accept", "team"), ("confirm", "person"), ("confirm", "host"), ("move_in", "team")]:
        await workflow.step(t.ctx, ProposalStep(ORG, p.proposal_id, action, actor))
    steps = [(e.payload["from_status"], e.payload["to_status"], e.payload["actor"]) for e in t.events(CHANGED)]
    assert steps == [("proposed", "accepted", "team"), ("accepted", "confirmed_by_person", "person"),
                     ("confirmed_by_person", "confirmed", "host"), ("confirmed", "moved_in", "team")]
    assert len(t.events("housing.moved_in")) == 1
    assert (await t.uow.places.get(place.place_id, ORG))[0].beds_free == 1
    assert (await t.uow.households.get(bid)).status == "housed"
    await workflow.step(t.ctx, ProposalStep(ORG, p.proposal_id, "move_out", reason="autonomy_reached"))
    out = t.events("housing.moved_out")[-1].payload
    assert out["housing_goal_closed"] is True and out["reason"] == "autonomy_reached"
    assert (await t.uow.households.get(bid)).status == "closed"
    assert (await t.uow.places.get(place.place_id, ORG))[0].beds_free == 2


async def test_moving_out_for_conflict_puts_the_person_back_on_the_list():
    t = Harness()
    await offer.record_place(t.ctx, flat())
    bid = await t.person()
    p = await open_of(t, bid)
    for action, actor in [("accept", "team"), ("confirm", "person"), ("confirm", "host"), ("move_in", "team")]:
        await workflow.step(t.ctx, ProposalStep(ORG, p.proposal_id, action, actor))
    await workflow.step(t.ctx, ProposalStep(ORG, p.proposal_id, "move_out", reason="conflict"))
    assert (await t.uow.households.get(bid)).status == "waiting"


async def test_forbidden_steps_are_refused_and_change_nothing():
    t = Harness()
    await offer.record_place(t.ctx, flat())
    bid = await t.person()
    p = await open_of(t, bid)
    with pytest.raises(Conflict) as e:
        await workflow.step(t.ctx, ProposalStep(ORG, p.proposal_id, "move_in"))
    assert e.value.rule == "move_in_not_allowed"
    await workflow.step(t.ctx, ProposalStep(ORG, p.proposal_id, "decline", "person", "refuses_area"))
    before = list(t.uow.committed)
    for action in ("move_in", "accept", "confirm"):
        with pytest.raises(Conflict):
            await workflow.step(t.ctx, ProposalStep(ORG, p.proposal_id, action, "person"))
    with pytest.raises(RuleViolation, match="reason"):
        await workflow.step(t.ctx, ProposalStep(ORG, p.proposal_id, "decline", "host", "refuses_area"))
    assert t.uow.committed == before
    assert (await t.uow.proposals.get(p.proposal_id, ORG)).status is Status.declined
    with pytest.raises(NotFound):
        await workflow.step(t.ctx, ProposalStep("coop-other", p.proposal_id, "accept"))


async def test_other_needs_a_note_and_the_note_never_travels():
    t = Harness()
    await offer.record_place(t.ctx, flat())
    p = await open_of(t, await t.person())
    with pytest.raises(RuleViolation, match="note"):
        await workflow.step(t.ctx, ProposalStep(ORG, p.proposal_id, "decline", "team", "other"))
    await workflow.step(t.ctx, ProposalStep(ORG, p.proposal_id, "decline", "team", "other", "Mario said no"))
    assert "Mario" not in str([e.payload for e in t.uow.committed])


async def test_a_declined_match_rematches_to_another_place_and_never_the_same_again():
    t = Harness()
    first = await offer.record_place(t.ctx, flat(monthly_cost_per_bed=Decimal("100")))
    second = await offer.record_place(t.ctx, flat(monthly_cost_per_bed=Decimal("390")))
    bid = await t.person()
    p = await open_of(t, bid)
    assert p.place_id == first.place_id
    await workflow.step(t.ctx, ProposalStep(ORG, p.proposal_id, "decline", "person", "refuses_place"))
    again = await open_of(t, bid)
    assert again is not None and again.place_id == second.place_id


async def test_consent_withdrawal_takes_the_person_out_at_once():
    t = Harness()
    place = await offer.record_place(t.ctx, flat())
    a = await t.person()
    b = await t.person()  # waits: one bed only
    pa = await open_of(t, a)
    assert pa is not None and await open_of(t, b) is None
    await t.deliver(ConsentWithdrawn(purpose="housing_referral", withdrawn_on=TODAY), a)
    assert (await t.uow.proposals.get(pa.proposal_id, ORG)).status is Status.declined
    last = [e.payload for e in t.events(CHANGED) if e.beneficiary_id == a][-1]
    assert (last["actor"], last["decline_reason"]) == ("administrative", "consent_withdrawn")
    pb = await open_of(t, b)
    assert pb is not None and pb.place_id == place.place_id  # the bed went to the next person
    _, total = await views.waiting(t.ctx, ORG, only_matchable=True, limit=10, offset=0)
    assert total == 1


async def test_other_purposes_do_not_touch_housing():
    t = Harness()
    await offer.record_place(t.ctx, flat())
    a = await t.person()
    await t.deliver(ConsentWithdrawn(purpose="employment_referral", withdrawn_on=TODAY), a)
    assert await open_of(t, a) is not None


async def test_erasure_takes_the_person_out():
    t = Harness()
    await offer.record_place(t.ctx, flat())
    a = await t.person()
    await t.deliver(BeneficiaryErased(erased_on=TODAY), a)
    assert await open_of(t, a) is None
    assert (await t.uow.households.get(a)).status == "erased"


async def test_income_and_workplace_change_rematch_to_the_nearer_place():
    t = Harness()
    await offer.record_place(t.ctx, flat(municipality="058091"))  # Roma
    near = await offer.record_place(t.ctx, flat(municipality="058047"))  # Guidonia, where the job is
    bid = await t.person()
    await t.deliver(EmploymentIncomeChanged(source="contract", monthly_income_eur="1200.00", since=TODAY,
                                            workplace_municipality="058047"), bid)
    h = await t.uow.households.get(bid)
    assert h.monthly_income == Decimal("1200.00") and h.work_municipality == "058047"
    assert (await open_of(t, bid)).place_id == near.place_id


async def test_a_correction_that_breaks_a_constraint_rematches():
    t = Harness()
    await offer.record_place(t.ctx, flat(gender_policy=GenderPolicy.men))
    bid = await t.person(sex="M")
    assert await open_of(t, bid) is not None
    await t.deliver(BeneficiaryCorrected(corrected_on=TODAY, corrected_fields=["sex"], sex="F"), bid)
    assert await open_of(t, bid) is None  # a women can't stay proposed to a men-only flat


async def test_manual_proposal_breaking_a_hard_constraint_is_refused_with_each_rule():
    t = Harness()
    p = await offer.record_place(t.ctx, flat(gender_policy=GenderPolicy.men, beds_free=1))
    bid = await t.person(sex="F", size=2, children=1)
    with pytest.raises(Violations) as e:
        await workflow.propose(t.ctx, ProposeByHand(ORG, bid, p.place_id))
    assert {v.rule for v in e.value.violations} == {"hard_constraint_capacity", "hard_constraint_gender_policy"}


async def test_accepting_holds_the_beds_and_stalled_proposals_show():
    t = Harness()
    await offer.record_place(t.ctx, flat(beds_free=1))
    a = await t.person()
    pa = await open_of(t, a)
    await workflow.step(t.ctx, ProposalStep(ORG, pa.proposal_id, "accept"))
    b = await t.person()
    assert await open_of(t, b) is None  # the bed is held for a
    t.day = TODAY + timedelta(days=8)
    items, total = await views.proposals(t.ctx, ORG, status=None, stalled=True, limit=10, offset=0)
    assert total == 1 and items[0][0].proposal_id == pa.proposal_id


async def test_invalid_place_reports_every_rule():
    t = Harness()
    with pytest.raises(Violations) as e:
        await offer.record_place(t.ctx, flat(municipality="999999", beds_free=5,
                                             kind=PlaceKind.host_family))
    assert {v.field for v in e.value.violations} == {"municipality", "beds_free", "available_to"}
    assert t.uow.places.rows == {}


async def fund_and_person(t: Harness, total="3000", cap="1500", kind=FundKind.rent_advance):
    f = await funds.create_fund(t.ctx, CreateFund(ORG, "FAMI-1", kind, Decimal(total), Decimal(cap)))
    return f, await t.person(goal=False, consent=False)


async def test_rent_advance_requested_approved_paid_against_the_fund():
    t = Harness()
    f, bid = await fund_and_person(t)
    s = await funds.request_support(t.ctx, RequestSupport(ORG, f.fund_id, bid, SupportKind.rent_advance,
                                                          Decimal("1200.00"), Lease(6, Decimal("200.00"), "RM-2026-1")))
    await funds.support_step(t.ctx, SupportStep(ORG, s.support_id, "approve"))
    await funds.support_step(t.ctx, SupportStep(ORG, s.support_id, "pay"))
    got = await t.uow.funds.get(f.fund_id, ORG)
    assert (got.committed, got.paid, got.available) == (Decimal("1200.00"), Decimal("1200.00"), Decimal("1800.00"))
    statuses = [e.payload["status"] for e in t.events("housing.support_changed")]
    assert statuses == ["requested", "approved", "paid"]
    assert all(isinstance(e.payload["amount_eur"], str) for e in t.events("housing.support_changed"))


def broken(e: pytest.ExceptionInfo) -> dict[str, str]:
    """field -> rule of a refusal, one violation or several."""
    found = e.value.violations if isinstance(e.value, Violations) else [e.value]
    return {v.field: v.rule for v in found}


async def test_rent_advance_rules():
    t = Harness()
    f, bid = await fund_and_person(t)

    async def ask(amount, months=6, rent="200.00", lease="L-1", kind=SupportKind.rent_advance):
        return await funds.request_support(t.ctx, RequestSupport(
            ORG, f.fund_id, bid, kind, Decimal(amount), Lease(months, Decimal(rent) if rent else None, lease)))

    for months in (0, 7, 13):  # one rule for the one limit, whatever the number
        with pytest.raises(Violations) as e:
            await ask("1200", months=months)
        assert broken(e) == {"months": "rent_advance_months"}
    with pytest.raises(Violations, match="at most 6 months") as e:
        await ask("1300")
    assert broken(e) == {"amount_eur": "advance_within_months"}
    with pytest.raises(Violations) as e:
        await ask("1200", lease=None)
    assert broken(e) == {"lease_ref": "required"}
    with pytest.raises(RuleViolation, match="per person") as e:
        await ask("1600", rent="300")
    assert broken(e) == {"amount_eur": "cap_per_person"}
    with pytest.raises(RuleViolation, match="fund_id"):
        await funds.request_support(t.ctx, RequestSupport(ORG, f.fund_id, bid, SupportKind.furniture, Decimal("10")))
    assert t.uow.supports.rows == {}


async def test_a_rent_advance_missing_its_lease_reports_every_missing_field_at_once():
    t = Harness()
    f, bid = await fund_and_person(t)
    with pytest.raises(Violations) as e:
        await funds.request_support(t.ctx, RequestSupport(ORG, f.fund_id, bid, SupportKind.rent_advance,
                                                          Decimal("1200")))
    assert broken(e) == {"months": "rent_advance_months", "monthly_rent_eur": "required", "lease_ref": "required"}
    with pytest.raises(Violations) as e:
        await funds.request_support(t.ctx, RequestSupport(ORG, f.fund_id, bid, SupportKind.rent_advance,
                                                          Decimal("0"), Lease(6, Decimal("0"), " ")))
    assert broken(e) == {"amount_eur": "amount_positive", "monthly_rent_eur": "amount_positive",
                         "lease_ref": "required"}


async def test_a_contribution_carries_no_lease_fields():
    t = Harness()
    f, bid = await fund_and_person(t, kind=FundKind.contributions)
    with pytest.raises(Violations) as e:
        await funds.request_support(t.ctx, RequestSupport(ORG, f.fund_id, bid, SupportKind.furniture, Decimal("300"),
                                                          Lease(6, Decimal("50"), "L-1")))
    assert broken(e) == dict.fromkeys(("months", "monthly_rent_eur", "lease_ref"), "rent_advance_only")
    with pytest.raises(Violations) as e:
        await funds.request_support(t.ctx, RequestSupport(ORG, f.fund_id, bid, SupportKind.utilities, Decimal("300"),
                                                          Lease(months=0)))
    assert broken(e) == {"months": "rent_advance_only"}
    assert t.uow.supports.rows == {}


async def test_six_months_of_rent_per_person_across_requests():
    t = Harness()
    f, bid = await fund_and_person(t, total="9000", cap="9000")

    def advance(months, who=bid, fund=f):
        return funds.request_support(t.ctx, RequestSupport(ORG, fund.fund_id, who, SupportKind.rent_advance,
                                                           Decimal(200 * months), Lease(months, Decimal("200"), "L-1")))

    first = await advance(6)
    with pytest.raises(Violations, match="6 already requested, approved or paid") as e:
        await advance(6)
    assert broken(e) == {"months": "rent_advance_months_per_person"}
    await funds.support_step(t.ctx, SupportStep(ORG, first.support_id, "refuse"))
    second = await advance(4)  # a refused advance no longer counts
    await funds.support_step(t.ctx, SupportStep(ORG, second.support_id, "approve"))
    await advance(2)
    with pytest.raises(Violations, match="so 0 more at most"):
        await advance(1)
    assert (await advance(6, who=await t.person(goal=False, consent=False))).lease.months == 6  # per person
    elsewhere = await funds.create_fund(t.ctx, CreateFund(ORG, "FAMI-2", FundKind.rent_advance, Decimal("9000"),
                                                          Decimal("9000")))
    assert (await advance(6, fund=elsewhere)).lease.months == 6  # and per fund


async def test_an_approval_counts_the_months_already_approved_again():
    """Two requests of four months that both got in (say, side by side): the second approval is refused."""
    from housing.domain import funds as domain

    t = Harness()
    f, bid = await fund_and_person(t, total="9000", cap="9000")
    ids = []
    for _ in range(2):
        s = domain.request(uuid4(), f, bid, SupportKind.rent_advance, Decimal("800"), TODAY, t.ctx.funds,
                           held=domain.Held(), lease=Lease(4, Decimal("200"), "L-1"))
        await t.uow.supports.add(s)
        ids.append(s.support_id)
    await funds.support_step(t.ctx, SupportStep(ORG, ids[0], "approve"))
    with pytest.raises(Conflict) as e:
        await funds.support_step(t.ctx, SupportStep(ORG, ids[1], "approve"))
    assert (e.value.rule, e.value.field, e.value.extra["months_committed"]) == (
        "rent_advance_months_per_person", "months", 4)
    assert (await t.uow.supports.get(ids[1], ORG)).status.value == "requested"
    assert (await t.uow.funds.get(f.fund_id, ORG)).committed == Decimal("800")


async def test_a_second_fund_of_a_kind_for_a_project_is_refused_naming_the_first():
    t = Harness()
    f, _ = await fund_and_person(t)
    with pytest.raises(Conflict) as e:
        await funds.create_fund(t.ctx, CreateFund(ORG, "FAMI-1", FundKind.rent_advance, Decimal("5"), Decimal("5")))
    assert (e.value.rule, e.value.field, e.value.extra["fund_id"]) == ("fund_exists", "project_id", str(f.fund_id))
    assert list(t.uow.funds.rows) == [f.fund_id]
    other = await funds.create_fund(t.ctx, CreateFund(ORG, "FAMI-1", FundKind.contributions, Decimal("5"),
                                                      Decimal("5")))
    assert other.fund_id in t.uow.funds.rows


async def test_fund_errors_name_the_request_fields():
    t = Harness()

    async def create(total="100", cap="50", project="FAMI-1"):
        return await funds.create_fund(t.ctx, CreateFund(ORG, project, FundKind.contributions, Decimal(total),
                                                         Decimal(cap)))

    with pytest.raises(Violations) as e:
        await create(total="0", cap="0.001", project=" FAMI-1")
    assert broken(e) == {"total_eur": "amount_positive", "cap_per_person_eur": "amount_cents",
                         "project_id": "project_id_format"}
    with pytest.raises(Violations) as e:
        await create(cap="100.01")
    assert broken(e) == {"cap_per_person_eur": "cap_within_total"}
    for bad in ("", "   ", "FAMI\t1", "FAMI-1 "):
        with pytest.raises(Violations):
            await create(project=bad)
    assert t.uow.funds.rows == {}


async def test_nothing_is_approved_beyond_what_the_fund_has_left():
    t = Harness()
    f, _ = await fund_and_person(t, total="1000", cap="800", kind=FundKind.contributions)
    a, b = await t.person(goal=False), await t.person(goal=False)
    sa = await funds.request_support(t.ctx, RequestSupport(ORG, f.fund_id, a, SupportKind.furniture, Decimal("600")))
    sb = await funds.request_support(t.ctx, RequestSupport(ORG, f.fund_id, b, SupportKind.utilities, Decimal("500")))
    await funds.support_step(t.ctx, SupportStep(ORG, sa.support_id, "approve"))
    with pytest.raises(Conflict) as e:
        await funds.support_step(t.ctx, SupportStep(ORG, sb.support_id, "approve"))
    assert e.value.rule == "fund_exhausted" and e.value.extra["available_eur"] == "400.00"
    assert (await t.uow.supports.get(sb.support_id, ORG)).status.value == "requested"
    with pytest.raises(Conflict):
        await funds.support_step(t.ctx, SupportStep(ORG, sa.support_id, "approve"))  # twice: refused
    with pytest.raises(Conflict):
        await funds.support_step(t.ctx, SupportStep(ORG, sb.support_id, "pay"))  # not approved
    assert (await t.uow.funds.get(f.fund_id, ORG)).committed == Decimal("600")


async def test_twin_rolls_back_a_refused_unit():
    t = Harness()
    place = await offer.record_place(t.ctx, flat())
    snapshot = replace(place)
    with pytest.raises(NotFound):
        await offer.record_place(t.ctx, flat(place_id=uuid4()))
    assert (await t.uow.places.get(snapshot.place_id, ORG))[0] == snapshot


async def test_holding_for_arrivals_keeps_a_bed_for_the_kind_of_household_that_keeps_coming():
    from housing.service_layer.matching import Rematch, rematch
    from tests.unit.housing.support import household

    t = Harness()
    await offer.record_place(t.ctx, flat(gender_policy=GenderPolicy.families, beds_free=2))
    for k in range(3):  # recent arrivals, housed since: single mothers, vulnerable
        await t.uow.households.add(household(size=2, children=1, sex="F", vulnerable=True, status="housed",
                                             waiting_since=TODAY - timedelta(days=7 * k + 3)))
    couple = household(size=2, children=0, sex="M", waiting_since=TODAY - timedelta(days=2))
    await t.uow.households.add(couple)

    async def run(hold: bool):
        async with t.uow as uow:
            return await rematch(uow, Rematch(ORG, TODAY, hold_for_arrivals=hold), t.ctx.scoring, t.ctx.workflow,
                                 t.ctx.geo)

    held = await run(True)
    assert held.made == 0 and await open_of(t, couple.beneficiary_id) is None
    plain = await run(False)
    assert plain.made == 1 and (await open_of(t, couple.beneficiary_id)) is not None


async def test_holding_for_arrivals_counts_the_places_recorded_ahead():
    """The same bed held for the single mothers who keep coming is proposed to the couple due now once the
    team has recorded flats for families that open within the weeks those arrivals are expected; flats
    opening only after everyone on the list and in the forecast has had to leave do not count."""
    from housing.service_layer.matching import Rematch, rematch
    from tests.unit.housing.support import household

    async def couple_proposed(opening: timedelta) -> bool:
        t = Harness()
        await offer.record_place(t.ctx, flat(gender_policy=GenderPolicy.families, beds_free=2))
        for _ in range(4):
            await offer.record_place(t.ctx, flat(gender_policy=GenderPolicy.families, beds_free=2,
                                                 available_from=TODAY + opening))
        for k in range(3):  # recent arrivals, housed since: single mothers, vulnerable, four months to go
            since = TODAY - timedelta(days=7 * k + 3)
            await t.uow.households.add(household(size=2, children=1, sex="F", vulnerable=True, status="housed",
                                                 waiting_since=since, leave_by=since + timedelta(days=120)))
        couple = household(size=2, children=0, sex="M", waiting_since=TODAY - timedelta(days=2))
        await t.uow.households.add(couple)
        async with t.uow as uow:
            await rematch(uow, Rematch(ORG, TODAY, hold_for_arrivals=True), t.ctx.scoring, t.ctx.workflow,
                          t.ctx.geo)
        return await open_of(t, couple.beneficiary_id) is not None

    assert Harness().ctx.scoring.lead_days < 45
    assert await couple_proposed(timedelta(days=45))
    assert not await couple_proposed(timedelta(days=400))


def test_an_expected_arrival_has_as_long_to_wait_as_the_past_one_it_is_drawn_from():
    from housing.service_layer.matching import _expected
    from tests.unit.housing.support import household

    past = household(waiting_since=TODAY - timedelta(days=20), leave_by=TODAY + timedelta(days=40), status="housed")
    later = _expected(past, TODAY + timedelta(weeks=3))
    assert later.waiting_since == TODAY + timedelta(weeks=3)
    assert later.leave_by - later.waiting_since == past.leave_by - past.waiting_since
    assert later.beneficiary_id != past.beneficiary_id and later.status == "waiting"
    assert _expected(household(leave_by=None), TODAY).leave_by is None


async def test_holding_for_arrivals_proposes_to_the_households_due_and_lets_the_others_wait():
    from housing.service_layer.matching import Rematch, rematch
    from tests.unit.housing.support import household

    t = Harness()
    await offer.record_place(t.ctx, flat(beds_free=2))
    due = household(leave_by=TODAY + timedelta(days=3))
    later = household(leave_by=TODAY + timedelta(days=120))
    for h in (due, later):
        await t.uow.households.add(h)
    async with t.uow as uow:
        result = await rematch(uow, Rematch(ORG, TODAY, hold_for_arrivals=True), t.ctx.scoring, t.ctx.workflow,
                               t.ctx.geo)
    assert result.made == 1
    assert await open_of(t, due.beneficiary_id) is not None
    assert await open_of(t, later.beneficiary_id) is None


async def test_a_goal_replanned_moves_the_urgency_date_and_a_goal_met_takes_the_person_out():
    from shared.events.contracts import GoalOutcomeRecorded

    t = Harness()
    await offer.record_place(t.ctx, flat())
    a = await t.person()
    p = await open_of(t, a)
    later = TODAY + timedelta(days=120)
    await t.deliver(GoalOutcomeRecorded(goal_id=uuid4(), area="housing", outcome="replanned", recorded_on=TODAY,
                                        deadline=later, previous_deadline=TODAY + timedelta(days=60)), a)
    assert (await t.uow.households.get(a)).leave_by == later
    await t.deliver(GoalOutcomeRecorded(goal_id=uuid4(), area="work", outcome="met", recorded_on=TODAY,
                                        deadline=TODAY), a)
    assert (await open_of(t, a)) is not None  # a work goal does not touch housing
    await t.deliver(GoalOutcomeRecorded(goal_id=uuid4(), area="housing", outcome="met", recorded_on=TODAY,
                                        deadline=TODAY), a)
    assert await open_of(t, a) is None
    closed = await t.uow.proposals.get(p.proposal_id, ORG)
    assert (closed.decline_actor, closed.decline_reason) == ("administrative", "goal_closed")


async def test_the_reception_date_is_the_urgency_date_and_the_step_free_need_a_hard_constraint():
    from shared.events.contracts import BeneficiaryRegistered, ConsentGiven, PlanAgreed
    from shared.events.contracts.path import GoalSummary

    t = Harness()
    steps = await offer.record_place(t.ctx, flat(monthly_cost_per_bed=Decimal("150"), beds_free=1))
    step_free = await offer.record_place(t.ctx, flat(step_free=True, monthly_cost_per_bed=Decimal("300"),
                                                     beds_free=1))
    # an event written before the fields existed still reads, with no date and no need
    old = BeneficiaryRegistered.model_validate({"registered_on": TODAY.isoformat(), "sex": "M", "age_band": "25_34",
                                                "legal_status": "refugee", "household_size": 1, "area": "RM"})
    assert (old.must_leave_by, old.step_free_need) == (None, None)
    leave_by = TODAY + timedelta(days=10)
    a = uuid4()
    await t.deliver(old.model_copy(update={"must_leave_by": leave_by, "step_free_need": True}), a)
    await t.deliver(PlanAgreed(agreed_on=TODAY, goals=[GoalSummary(goal_id=uuid4(), area="housing",
                                                                   deadline=TODAY + timedelta(days=90))]), a)
    await t.deliver(ConsentGiven(purpose="housing_referral", given_on=TODAY, legal_basis="consent",
                                 notice_version="v1", given_by="person"), a)
    household = await t.uow.households.get(a)
    assert household.leave_by == leave_by and household.step_free_need  # the goal's later deadline does not win
    assert (await open_of(t, a)).place_id == step_free.place_id
    b = await t.person()  # no need known: the cheaper flat with steps
    assert (await open_of(t, b)).place_id == steps.place_id


async def test_a_housing_goal_added_to_a_work_only_plan_makes_the_household_matched():
    t = Harness()
    await offer.record_place(t.ctx, flat())
    a = await t.person(goal=False)
    await t.deliver(PlanAgreed(agreed_on=TODAY, goals=[GoalSummary(goal_id=uuid4(), area="work",
                                                                   deadline=TODAY + timedelta(days=200))]), a)
    assert not (await t.uow.households.get(a)).housing_goal and await open_of(t, a) is None
    await t.deliver(GoalsAdded(added_on=TODAY, goals=[GoalSummary(goal_id=uuid4(), area="social",
                                                                  deadline=TODAY + timedelta(days=30))]), a)
    assert not (await t.uow.households.get(a)).housing_goal and await open_of(t, a) is None
    deadline = TODAY + timedelta(days=45)
    await t.deliver(GoalsAdded(added_on=TODAY, goals=[
        GoalSummary(goal_id=uuid4(), area="housing", deadline=deadline + timedelta(days=30)),
        GoalSummary(goal_id=uuid4(), area="housing", deadline=deadline)]), a)
    household = await t.uow.households.get(a)
    assert household.housing_goal and household.leave_by == deadline  # no reception date: the goal's stands in
    assert (await open_of(t, a)) is not None and len(t.events(MADE)) == 1


async def test_a_housing_goal_added_keeps_the_day_reception_ends_as_the_urgency_date():
    t = Harness()
    a, leave_by = uuid4(), TODAY + timedelta(days=10)
    await t.deliver(BeneficiaryRegistered(registered_on=TODAY, sex="M", age_band="25_34", legal_status="refugee",
                                          household_size=1, area="RM", must_leave_by=leave_by), a)
    await t.deliver(ConsentGiven(purpose="housing_referral", given_on=TODAY, legal_basis="consent",
                                 notice_version="v1", given_by="person"), a)
    await t.deliver(GoalsAdded(added_on=TODAY, goals=[GoalSummary(goal_id=uuid4(), area="housing",
                                                                  deadline=TODAY + timedelta(days=90))]), a)
    household = await t.uow.households.get(a)
    assert household.housing_goal and household.leave_by == leave_by
