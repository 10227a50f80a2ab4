"""The service layer through the in-memory twin: every workflow step, refusal and event, no server."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest

from employment.domain.levels import ContractType, OpeningKind
from employment.domain.pipeline import Hire, Stage
from employment.service_layer import money, openings, people, pipeline, queries
from employment.service_layer.commands import (
    CloseOpening,
    CreateFund,
    MoveStage,
    PayInstalment,
    RecordOpening,
    ReviseBudget,
    SetAvailability,
)
from employment.service_layer.intake_events import handlers
from employment.service_layer.unit_of_work import MemoryStore
from shared.errors import Conflict, NotFound, RuleViolation, Violations
from shared.events.contracts import AgeBand, GoalsAdded, GoalSummary, PlanAgreed
from tests.employment_support import (
    ORG,
    TODAY,
    consent,
    context,
    event,
    matchable,
    opening,
    registered,
    withdrawal,
)

pytestmark = pytest.mark.unit


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def app(store):
    return context(store)


@pytest.fixture
def handle(app):
    return handlers(app)


def types(store: MemoryStore) -> list[str]:
    return [e.event_type for e in store.committed]


async def fund(app, budget: str = "2000.00"):
    return await money.create_fund(app, CreateFund(ORG, "FAMI-1", f"bursaries {uuid4()}", Decimal(budget)))


async def proposals(app):
    items, _ = await queries.placements(app, ORG, stage=Stage.proposed, opening_id=None, limit=50, offset=0)
    return items


async def test_a_traineeship_below_the_region_minimum_is_refused_and_nothing_is_stored(app, store):
    f = await fund(app)
    with pytest.raises(Violations) as e:
        await openings.record_opening(app, RecordOpening(opening(OpeningKind.traineeship, fund_id=f.fund_id,
                                                                 allowance="799.99")))
    assert [(v.field, v.rule) for v in e.value.violations] == [("monthly_allowance_eur", "below_regional_minimum")]
    assert store.state.openings == {}


async def test_a_bursary_naming_an_unknown_fund_is_refused(app, store):
    with pytest.raises(RuleViolation) as e:
        await openings.record_opening(app, RecordOpening(opening(fund_id=uuid4())))
    assert e.value.rule == "unknown_fund" and store.state.openings == {}


async def test_registration_with_plan_and_consent_makes_a_proposal_with_score_parts(app, store, handle):
    f = await fund(app)
    o = await openings.record_opening(app, RecordOpening(opening(fund_id=f.fund_id)))
    who = await matchable(app, handle)
    (placement, parts), = await proposals(app)
    assert (placement.beneficiary_id, placement.opening_id) == (who, o.opening_id)
    assert set(parts["parts"]) == {"skills_sector", "distance", "language", "waiting", "women_inactivity"}
    assert parts["points"] == placement.score
    assert "employment.proposal_made" in types(store)
    made = store.committed[types(store).index("employment.proposal_made")]
    assert made.beneficiary_id == who and made.payload["score_parts"]["women_inactivity"] == 0.0  # not switched on


async def test_without_consent_or_without_a_work_goal_nobody_is_proposed(app, store, handle):
    f = await fund(app)
    await openings.record_opening(app, RecordOpening(opening(fund_id=f.fund_id)))
    from tests.employment_support import registered, work_plan

    a, b = uuid4(), uuid4()
    for payload in (registered(), work_plan()):
        async with app.uow() as uow:
            await handle[payload.event_type](uow, event(payload, a))
    async with app.uow() as uow:
        await handle[registered().event_type](uow, event(registered(), b))
    assert await proposals(app) == []
    listed, _ = await queries.people(app, ORG, limit=10, offset=0)
    assert {p.beneficiary_id: why for p, why in listed} == {a: "no_consent_to_employment_referral",
                                                           b: "no_consent_to_employment_referral"}


async def test_a_consent_withdrawal_takes_the_person_out_at_once_and_the_seat_goes_to_the_next(app, store, handle):
    f = await fund(app)
    await openings.record_opening(app, RecordOpening(opening(fund_id=f.fund_id)))
    first = await matchable(app, handle)
    second = await matchable(app, handle, municipality="058118")  # lives in Ciampino itself
    (p, _), = await proposals(app)
    holder = p.beneficiary_id
    other = second if holder == first else first
    async with app.uow() as uow:
        await handle[withdrawal().event_type](uow, event(withdrawal(), holder))
    (p2, _), = await proposals(app)
    assert p2.beneficiary_id == other
    declined = [e for e in store.committed if e.event_type == "employment.stage_changed"
                and e.payload["reason"] == "consent_withdrawn"]
    assert len(declined) == 1 and declined[0].beneficiary_id == holder


async def test_a_withdrawal_at_interview_interrupts_it_and_frees_the_seat_but_a_started_placement_stays(
        app, store, handle):
    f = await fund(app, "4000.00")
    o = await openings.record_opening(app, RecordOpening(opening(fund_id=f.fund_id)))
    first = await matchable(app, handle)
    second = await matchable(app, handle, municipality="058118")
    (p, _), = await proposals(app)
    await pipeline.move_stage(app, MoveStage(ORG, p.placement_id, Stage.interview, date(2027, 1, 15)))
    assert await proposals(app) == []  # the one seat is held by the interview
    async with app.uow() as uow:
        await handle[withdrawal().event_type](uow, event(withdrawal(), p.beneficiary_id))
    interrupted, _ = await queries.placements(app, ORG, stage=Stage.interrupted, opening_id=None, limit=5, offset=0)
    assert [(x.placement_id, x.reason) for x, _ in interrupted] == [(p.placement_id, "consent_withdrawn")]
    (nxt, _), = await proposals(app)
    assert nxt.beneficiary_id == ({first, second} - {p.beneficiary_id}).pop() and nxt.opening_id == o.opening_id
    for stage, on in ((Stage.interview, date(2027, 1, 20)), (Stage.started, date(2027, 2, 1))):
        await pipeline.move_stage(app, MoveStage(ORG, nxt.placement_id, stage, on))
    async with app.uow() as uow:
        await handle[withdrawal().event_type](uow, event(withdrawal(), nxt.beneficiary_id))
    (still, _), = (await queries.placements(app, ORG, stage=Stage.started, opening_id=None, limit=5, offset=0))[0]
    assert still.placement_id == nxt.placement_id  # a bursary under way is the team's to close


async def test_the_whole_bursary_path_commits_pays_and_releases_the_fund(app, store, handle):
    f = await fund(app, "1800.00")
    o = await openings.record_opening(app, RecordOpening(opening(fund_id=f.fund_id, months=4, monthly="450.00")))
    who = await matchable(app, handle)
    (p, _), = await proposals(app)
    await pipeline.move_stage(app, MoveStage(ORG, p.placement_id, Stage.interview, date(2027, 1, 15)))
    started = await pipeline.move_stage(app, MoveStage(ORG, p.placement_id, Stage.started, date(2027, 2, 1)))
    assert started.stage is Stage.started
    funds, _ = await queries.funds(app, ORG, limit=5, offset=0)
    assert (funds[0].committed, funds[0].paid) == (Decimal("1800.00"), Decimal("0"))
    due, _ = await queries.due(app, ORG, (2027, 2))
    assert [(r["month_no"], r["due_on"], r["amount"]) for r in due] == [(1, date(2027, 2, 28), Decimal("450.00"))]
    paid = await money.pay_instalment(app, PayInstalment(ORG, p.placement_id, 1, date(2027, 3, 1)))
    assert paid["amount_eur"] == Decimal("450.00")
    with pytest.raises(Conflict) as e:
        await money.pay_instalment(app, PayInstalment(ORG, p.placement_id, 1, date(2027, 3, 1)))
    assert e.value.rule == "instalment_paid"
    await pipeline.move_stage(app, MoveStage(ORG, p.placement_id, Stage.interrupted, date(2027, 3, 10), "health"))
    # Interrupted on 10 March (included): March is paid 10/30 of 450 = 150.00, April and May are cancelled.
    funds, _ = await queries.funds(app, ORG, limit=5, offset=0)
    assert (funds[0].committed, funds[0].paid) == (Decimal("600.00"), Decimal("450.00"))
    march = await money.pay_instalment(app, PayInstalment(ORG, p.placement_id, 2, date(2027, 3, 31)))
    assert (march["amount_eur"], march["scheduled_eur"]) == (Decimal("150.00"), Decimal("150.00"))
    with pytest.raises(Conflict) as e:
        await money.pay_instalment(app, PayInstalment(ORG, p.placement_id, 3, date(2027, 4, 30)))
    assert e.value.rule == "instalment_cancelled"
    assert types(store).count("employment.payment_made") == 2
    incomes = [e.payload for e in store.committed if e.event_type == "employment.income_changed"]
    assert [(i["source"], i["monthly_income_eur"]) for i in incomes] == [("bursary", "450.00"), ("none", "0.00")]
    assert o.opening_id == p.opening_id and who == p.beneficiary_id


async def test_starting_past_the_fund_is_refused_and_changes_nothing(app, store, handle):
    f = await fund(app, "1000.00")
    await openings.record_opening(app, RecordOpening(opening(fund_id=f.fund_id, months=4, monthly="450.00")))
    await matchable(app, handle)
    (p, _), = await proposals(app)
    await pipeline.move_stage(app, MoveStage(ORG, p.placement_id, Stage.interview, date(2027, 1, 15)))
    before = len(store.committed)
    with pytest.raises(Conflict) as e:
        await pipeline.move_stage(app, MoveStage(ORG, p.placement_id, Stage.started, date(2027, 2, 1)))
    assert e.value.rule == "fund_exhausted" and e.value.extra["uncommitted_eur"] == "1000.00"
    assert len(store.committed) == before
    assert store.state.placements[p.placement_id][0].stage is Stage.interview
    assert store.state.instalments == {}


async def test_a_payment_past_a_revised_budget_is_refused(app, store, handle):
    f = await fund(app, "1800.00")
    await openings.record_opening(app, RecordOpening(opening(fund_id=f.fund_id, months=4, monthly="450.00")))
    await matchable(app, handle)
    (p, _), = await proposals(app)
    for stage in (Stage.interview, Stage.started):
        await pipeline.move_stage(app, MoveStage(ORG, p.placement_id, stage, date(2027, 2, 1)))
    with pytest.raises(Conflict) as e:
        await money.revise_budget(app, ReviseBudget(ORG, f.fund_id, Decimal("1000")))
    assert e.value.rule == "budget_below_spent"
    # the fund as the database keeps it: a budget lowered below the commitment is refused, so payments always fit
    await money.pay_instalment(app, PayInstalment(ORG, p.placement_id, 1, date(2027, 2, 28)))
    store.state.funds[f.fund_id] = replace(store.state.funds[f.fund_id], budget=Decimal("800.00"))
    with pytest.raises(Conflict) as e:
        await money.pay_instalment(app, PayInstalment(ORG, p.placement_id, 2, date(2027, 3, 31)))
    assert e.value.rule == "fund_exhausted" and e.value.extra["left_eur"] == "350.00"
    assert store.state.instalments[(p.placement_id, 2)]["paid_on"] is None  # rolled back with the refusal


async def test_a_declined_proposal_is_never_proposed_again_and_names_a_listed_reason(app, store, handle):
    f = await fund(app)
    await openings.record_opening(app, RecordOpening(opening(fund_id=f.fund_id)))
    await matchable(app, handle)
    (p, _), = await proposals(app)
    with pytest.raises(RuleViolation):
        await pipeline.move_stage(app, MoveStage(ORG, p.placement_id, Stage.declined, TODAY, "bored"))
    await pipeline.move_stage(app, MoveStage(ORG, p.placement_id, Stage.declined, TODAY, "not_selected"))
    assert await proposals(app) == []
    assert store.state.declined == {(p.beneficiary_id, p.opening_id): ORG}


async def test_a_forbidden_step_answers_the_allowed_ones(app, handle):
    f = await fund(app)
    await openings.record_opening(app, RecordOpening(opening(fund_id=f.fund_id)))
    await matchable(app, handle)
    (p, _), = await proposals(app)
    with pytest.raises(Conflict) as e:
        await pipeline.move_stage(app, MoveStage(ORG, p.placement_id, Stage.completed, TODAY))
    assert e.value.extra["allowed"] == ["declined", "interview"]


async def test_a_hire_marks_the_person_employed_and_emits_income_and_workplace(app, store, handle):
    o = await openings.record_opening(app, RecordOpening(opening(OpeningKind.job_offer, end=None)))
    who = await matchable(app, handle)
    (p, _), = await proposals(app)
    await pipeline.move_stage(app, MoveStage(ORG, p.placement_id, Stage.interview, TODAY))
    hire = Hire(ContractType.permanent, Decimal("1400.00"), 38, "058118")
    await pipeline.move_stage(app, MoveStage(ORG, p.placement_id, Stage.hired, TODAY, hire=hire))
    hired = [e for e in store.committed if e.event_type == "employment.hired"]
    assert hired[0].payload["contract_type"] == "permanent" and hired[0].payload["municipality"] == "058118"
    income = [e.payload for e in store.committed if e.event_type == "employment.income_changed"][-1]
    assert (income["source"], income["monthly_income_eur"], income["workplace_municipality"]) == (
        "contract", "1400.00", "058118")
    detail = await queries.person(app, ORG, who)
    assert detail["out_of_matching"] == "employed" and o.opening_id == p.opening_id


async def test_a_hire_names_a_real_workplace_municipality(app, store, handle):
    """The workplace travels to housing (distance to work) and reporting: a code that is no municipality
    is refused before anything moves."""
    await openings.record_opening(app, RecordOpening(opening(OpeningKind.job_offer, end=None)))
    await matchable(app, handle)
    (p, _), = await proposals(app)
    await pipeline.move_stage(app, MoveStage(ORG, p.placement_id, Stage.interview, TODAY))
    with pytest.raises(RuleViolation) as e:
        await pipeline.move_stage(app, MoveStage(ORG, p.placement_id, Stage.hired, TODAY,
                                                 hire=Hire(ContractType.permanent, Decimal("1400.00"), 38, "999999")))
    assert (e.value.field, e.value.rule) == ("hire.workplace_municipality", "unknown_municipality")
    assert "employment.hired" not in types(store)


async def test_once_someone_started_an_opening_keeps_its_dates_and_pay(app, store, handle):
    from employment.service_layer.commands import ReviseOpening

    f = await fund(app, "1800.00")
    o = await openings.record_opening(app, RecordOpening(opening(fund_id=f.fund_id, months=4, monthly="450.00",
                                                                 seats=2)))
    await matchable(app, handle)
    (p, _), = await proposals(app)
    # before anyone starts, the terms may change
    o = await openings.revise_opening(app, ReviseOpening(replace(o, title="kitchen helper, bursary")))
    await pipeline.move_stage(app, MoveStage(ORG, p.placement_id, Stage.interview, date(2027, 1, 15)))
    await pipeline.move_stage(app, MoveStage(ORG, p.placement_id, Stage.started, date(2027, 2, 1)))
    for change, field in ((dict(terms=replace(o.terms, monthly_amount=Decimal("900.00"))), "monthly_amount_eur"),
                          (dict(terms=replace(o.terms, months=12)), "months"),
                          (dict(start_date=date(2027, 3, 1)), "start_date")):
        with pytest.raises(Conflict) as e:
            await openings.revise_opening(app, ReviseOpening(replace(o, **change)))
        assert (e.value.rule, e.value.field) == ("opening_has_placements", field)
    revised = await openings.revise_opening(app, ReviseOpening(replace(o, title="kitchen, two seats")))
    assert revised.title == "kitchen, two seats"
    funds, _ = await queries.funds(app, ORG, limit=5, offset=0)
    assert funds[0].committed == Decimal("1800.00")


async def test_a_person_out_of_reach_is_not_proposed_until_they_get_a_car(app, handle):
    o = await openings.record_opening(app, RecordOpening(opening(OpeningKind.job_offer, end=None,
                                                                 municipality="015146")))  # Milano
    who = await matchable(app, handle, municipality="015209", area="MI")  # Sesto San Giovanni, ~8 km
    assert [p.beneficiary_id for p, _ in await proposals(app)] == [who]
    far = await matchable(app, handle, municipality="058091")  # Roma: ~480 km
    props = {p.beneficiary_id for p, _ in await proposals(app)}
    assert far not in props
    await people.set_availability(app, SetAvailability(ORG, far, None, None, frozenset({"car"})))
    assert far not in {p.beneficiary_id for p, _ in await proposals(app)}  # 60 km of car reach do not cover it
    assert o.opening_id and who


async def test_closing_an_opening_declines_its_proposals(app, store, handle):
    f = await fund(app)
    o = await openings.record_opening(app, RecordOpening(opening(fund_id=f.fund_id)))
    await matchable(app, handle)
    assert len(await proposals(app)) == 1
    await openings.close_opening(app, CloseOpening(ORG, o.opening_id))
    assert await proposals(app) == []
    assert store.committed[-1].payload["reason"] == "rematched"


async def test_the_pipeline_funnel_counts_and_times_each_stage(app, handle):
    f = await fund(app, "5000")
    o = await openings.record_opening(app, RecordOpening(opening(fund_id=f.fund_id, seats=2)))
    await matchable(app, handle)
    await matchable(app, handle)
    ps = [p for p, _ in await proposals(app)]
    assert len(ps) == 2
    await pipeline.move_stage(app, MoveStage(ORG, ps[0].placement_id, Stage.interview, date(2027, 1, 14)))
    await pipeline.move_stage(app, MoveStage(ORG, ps[1].placement_id, Stage.declined, TODAY, "withdrew"))
    stats = (await queries.pipeline(app, ORG))[o.opening_id]
    assert stats["reached"] == {"proposed": 2, "interview": 1, "started": 0, "completed": 0}
    assert stats["conversion"][0] == {"from": "proposed", "to": "interview", "entered": 2, "went_on": 1,
                                      "conversion": 0.5}
    assert stats["mean_days_in_stage"]["proposed"] == 1.5  # 3 days for one, 0 for the other
    counts = await queries.stage_counts(app, ORG)
    assert (counts["interview"], counts["declined"]) == (1, 1)


async def test_another_organisation_sees_nothing(app, handle):
    f = await fund(app)
    o = await openings.record_opening(app, RecordOpening(opening(fund_id=f.fund_id)))
    with pytest.raises(NotFound):
        await queries.opening(app, "coop-b", o.opening_id)
    assert (await queries.funds(app, "coop-b", limit=5, offset=0)) == ([], 0)


async def test_a_rolled_back_rematch_is_rebuilt_from_the_tables(app, store, handle):
    f = await fund(app)
    await openings.record_opening(app, RecordOpening(opening(fund_id=f.fund_id)))
    await matchable(app, handle)
    rebuilds = app.matcher.rebuilds
    with pytest.raises(RuntimeError):
        async with app.uow() as uow:
            await app.matcher.rematch(uow, ORG, [], TODAY)
            raise RuntimeError("the unit fails after the engine moved")
    await matchable(app, handle)
    assert app.matcher.rebuilds == rebuilds + 1
    assert len(await proposals(app)) == 1


async def test_a_hand_made_proposal_needs_consent_and_every_requirement_and_keeps_its_seat(app, store, handle):
    from employment.service_layer.proposals import propose
    from shared.commands import ProposeByHand
    from tests.employment_support import registered

    f = await fund(app)
    o = await openings.record_opening(app, RecordOpening(opening(fund_id=f.fund_id, level="B2")))
    no_consent = uuid4()
    async with app.uow() as uow:
        await handle[registered().event_type](uow, event(registered(), no_consent))
    with pytest.raises(Conflict) as e:
        await propose(app, ProposeByHand(ORG, no_consent, o.opening_id))
    assert e.value.rule == "no_consent_to_employment_referral"
    low = await matchable(app, handle, italian_level="A2")
    with pytest.raises(RuleViolation) as e:
        await propose(app, ProposeByHand(ORG, low, o.opening_id))
    assert e.value.rule == "requirement_italian_level"
    assert await proposals(app) == []
    engine_pick = await matchable(app, handle, italian_level="C1")
    (p, _), = await proposals(app)
    assert p.beneficiary_id == engine_pick
    other = await matchable(app, handle, italian_level="B2")
    made = await propose(app, ProposeByHand(ORG, other, o.opening_id))
    assert made.pinned
    (kept, _), = await proposals(app)
    assert kept.placement_id == made.placement_id  # the engine's proposal gave way; the seat stays the team's
    with pytest.raises(Conflict) as e:
        await propose(app, ProposeByHand(ORG, engine_pick, o.opening_id))
    assert e.value.rule == "no_seat_left"
    moved = await pipeline.move_stage(app, MoveStage(ORG, made.placement_id, Stage.interview, TODAY))
    assert moved.stage is Stage.interview  # its own seat, not a second one


async def test_a_path_closed_at_intake_takes_the_person_out_and_declines_the_proposal(app, store, handle):
    from shared.events.contracts import PathStatusChanged

    f = await fund(app)
    await openings.record_opening(app, RecordOpening(opening(fund_id=f.fund_id)))
    who = await matchable(app, handle)
    assert len(await proposals(app)) == 1
    closed = PathStatusChanged(from_status="in_progress", to_status="autonomy_reached", reason_category="employment",
                               changed_on=TODAY)
    async with app.uow() as uow:
        await handle[closed.event_type](uow, event(closed, who))
    assert await proposals(app) == []
    assert store.committed[-1].payload["reason"] == "no_longer_eligible"
    assert (await queries.person(app, ORG, who))["out_of_matching"] == "path_closed"


async def test_revising_an_opening_is_checked_whole_and_keeps_seats_under_way(app, store, handle):
    from employment.service_layer.commands import ReviseOpening

    f = await fund(app, "9000")
    o = await openings.record_opening(app, RecordOpening(opening(fund_id=f.fund_id, seats=2)))
    await matchable(app, handle)
    await matchable(app, handle)
    ps = [p for p, _ in await proposals(app)]
    assert len(ps) == 2
    for p in ps:
        await pipeline.move_stage(app, MoveStage(ORG, p.placement_id, Stage.interview, TODAY))
    with pytest.raises(Conflict) as e:
        await openings.revise_opening(app, ReviseOpening(replace(o, seats=1)))
    assert e.value.rule == "seats_below_placements" and e.value.extra["held"] == 2
    with pytest.raises(Violations) as v:
        await openings.revise_opening(app, ReviseOpening(replace(o, seats=0, weekly_hours=90)))
    assert {(x.field, x.rule) for x in v.value.violations} == {("seats", "at_least_one"),
                                                               ("weekly_hours", "weekly_hours_range")}
    with pytest.raises(RuleViolation) as e2:
        await openings.revise_opening(app, ReviseOpening(replace(o, kind=OpeningKind.course)))
    assert e2.value.rule == "kind_fixed"
    revised = await openings.revise_opening(app, ReviseOpening(replace(o, seats=3, title="kitchen, three seats")))
    assert (revised.seats, revised.title) == (3, "kitchen, three seats")
    with pytest.raises(NotFound):
        await openings.revise_opening(app, ReviseOpening(replace(o, opening_id=uuid4())))


async def test_a_minor_is_matched_only_to_work_starting_once_they_are_18(app, store, handle):
    f = await fund(app)
    o = await openings.record_opening(app, RecordOpening(opening(fund_id=f.fund_id)))  # starts 1 Feb 2027
    minor = await matchable(app, handle, age_band=AgeBand.under_18)
    assert await proposals(app) == []
    (p, why), = (await queries.people(app, ORG, limit=5, offset=0))[0]
    assert why == "minor"
    # The team learns she turns 18 on 2 February: the bursary starts the day before, still out of reach.
    person, why = await people.set_availability(app, SetAvailability(ORG, minor, None, None, frozenset(),
                                                                     adult_from=date(2027, 2, 2)))
    assert (person.adult_from, why) == (date(2027, 2, 2), None)
    assert await proposals(app) == []
    # An 18th birthday on 1 February, the start day itself, makes the bursary hers.
    await people.set_availability(app, SetAvailability(ORG, minor, None, None, frozenset(),
                                                       adult_from=date(2027, 2, 1)))
    (proposal, _), = await proposals(app)
    assert (proposal.beneficiary_id, proposal.opening_id) == (minor, o.opening_id)
    adult = await matchable(app, handle)
    with pytest.raises(RuleViolation) as e:
        await people.set_availability(app, SetAvailability(ORG, adult, None, None, frozenset(),
                                                           adult_from=date(2027, 2, 1)))
    assert (e.value.field, e.value.rule) == ("adult_from", "minors_only")


async def test_a_work_goal_added_to_a_housing_only_plan_makes_the_person_matched(app, store, handle):
    f = await fund(app)
    await openings.record_opening(app, RecordOpening(opening(fund_id=f.fund_id)))
    who = uuid4()
    housing_only = PlanAgreed(agreed_on=date(2026, 11, 1), goals=[
        GoalSummary(goal_id=uuid4(), area="housing", deadline=date(2027, 6, 30))])
    social = GoalsAdded(added_on=date(2026, 12, 1), goals=[
        GoalSummary(goal_id=uuid4(), area="social", deadline=date(2027, 3, 1))])
    for payload in (registered(), housing_only, consent(), social):
        async with app.uow() as uow:
            await handle[payload.event_type](uow, event(payload, who))
    listed, _ = await queries.people(app, ORG, limit=10, offset=0)
    assert {p.beneficiary_id: why for p, why in listed} == {who: "no_work_goal_in_plan"}
    work = GoalsAdded(added_on=date(2027, 1, 5), goals=[
        GoalSummary(goal_id=uuid4(), area="work", deadline=date(2027, 9, 30))])
    for payload in (work, social):  # a later goal of another area leaves the work goal as it is
        async with app.uow() as uow:
            await handle[payload.event_type](uow, event(payload, who))
    listed, _ = await queries.people(app, ORG, limit=10, offset=0)
    assert {p.beneficiary_id: (p.work_goal_since, why) for p, why in listed} == {who: (date(2027, 1, 5), None)}
    assert [p.beneficiary_id for p, _ in await proposals(app)] == [who]
