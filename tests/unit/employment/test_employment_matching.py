"""The matching engine: hard requirements never broken, score parts shown, the optimum proved
(brute force on small instances, HiGHS's exact MIP on a larger one), re-matching equal to a fresh solve."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace
from datetime import date, timedelta
from uuid import UUID, uuid4

import highspy
import numpy as np
import pytest

from bench.employment_data import instance
from employment.adapters.rulebook import rulebook
from employment.domain.matching.engine import MatchingEngine
from employment.domain.matching.model import Candidate, Slot
from employment.domain.matching.scoring import PLACEMENT_POINT, feasible_pairs

pytestmark = pytest.mark.unit
POLICY = rulebook().policy
TODAY = date(2026, 12, 1)
ROMA = (41.8919, 12.5113)


def person(i: int, **kw) -> Candidate:
    base = dict(beneficiary_id=UUID(int=i), sex="M", italian_level="B1", latitude=ROMA[0], longitude=ROMA[1],
                waiting_since=TODAY - timedelta(days=100))
    return Candidate(**{**base, **kw})


def slot(i: int, **kw) -> Slot:
    base = dict(opening_id=UUID(int=1000 + i), sector="I", latitude=ROMA[0] + 0.05, longitude=ROMA[1],
                start_date=TODAY + timedelta(days=30), seats=1, weekly_hours=36, italian_level="A2")
    return Slot(**{**base, **kw})


def pairs(engine: MatchingEngine) -> dict[tuple[int, int], float]:
    """Every feasible pair with its solver weight, from the tables the engine was given."""
    p, o = np.arange(engine.people.n), np.arange(engine.openings.n)
    pi, oj, pts = feasible_pairs(engine.people, p, engine.openings, o, engine.policy, engine.today)
    return {(int(a), int(b)): float(w + PLACEMENT_POINT) for a, b, w in zip(pi, oj, pts, strict=True)}


def brute_force(engine: MatchingEngine) -> float:
    w = pairs(engine)
    seats = engine.openings["seats"]
    best = 0.0
    choices = [[None, *range(engine.openings.n)] for _ in range(engine.people.n)]
    for combo in itertools.product(*choices):
        used = [0] * engine.openings.n
        total = 0.0
        for p, o in enumerate(combo):
            if o is None:
                continue
            if (p, o) not in w or used[o] >= seats[o]:
                break
            used[o] += 1
            total += w[(p, o)]
        else:
            best = max(best, total)
    return best


def total_of(engine: MatchingEngine) -> float:
    w = pairs(engine)
    return sum(w[(engine.people.rows[b], engine.openings.rows[o])] for b, o in engine.assignment().items())


@pytest.mark.parametrize("seed", range(12))
def test_the_engine_finds_the_brute_force_optimum_on_small_instances(seed):
    people, slots = instance(6, 4, 6, seed=seed, today=TODAY)
    # squeeze everyone into one city so pairs compete for seats
    people = [replace(p, latitude=ROMA[0], longitude=ROMA[1], adult_from=None, available_from=None) for p in people]
    slots = [replace(s, latitude=ROMA[0] + 0.02 * i, longitude=ROMA[1], italian_level="A0", driving_licence=False)
             for i, s in enumerate(slots)]
    engine = MatchingEngine.build(POLICY, TODAY, people, slots, seed_columns=1)
    assert total_of(engine) == pytest.approx(brute_force(engine))
    cert = engine.certificate()
    assert cert.total == pytest.approx(total_of(engine)) and cert.gap_pct == pytest.approx(0.0, abs=1e-9)


def test_the_engine_equals_the_exact_mip_on_a_larger_instance():
    people, slots = instance(400, 80, 240, seed=5, today=TODAY)
    engine = MatchingEngine.build(POLICY, TODAY, people, slots, seed_columns=2)
    w = pairs(engine)
    keys = list(w)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    n, P = len(keys), engine.people.n
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, P + engine.openings.n
    lp.col_cost_ = np.array([-w[k] for k in keys])
    lp.col_lower_, lp.col_upper_ = np.zeros(n), np.ones(n)
    lp.row_lower_ = np.zeros(lp.num_row_)
    lp.row_upper_ = np.concatenate([np.ones(P), engine.openings["seats"].astype(float)])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.arange(0, 2 * n + 1, 2, dtype=np.int32)
    lp.a_matrix_.index_ = np.array([x for p, o in keys for x in (p, P + o)], dtype=np.int32)
    lp.a_matrix_.value_ = np.ones(2 * n)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    h.passModel(lp)
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    assert total_of(engine) == pytest.approx(-h.getInfo().objective_function_value)
    assert engine.certificate().gap_pct == pytest.approx(0.0, abs=1e-9)
    assert len(engine.assignment()) > 100


@pytest.mark.parametrize("seed", range(3))
def test_re_matching_after_events_of_every_kind_equals_a_fresh_solve(seed):
    people, slots = instance(600, 120, 360, seed=11 + seed, today=TODAY)
    engine = MatchingEngine.build(POLICY, TODAY, people, slots)
    rng = random.Random(seed)
    people_now = {p.beneficiary_id: p for p in people}
    slots_now = {s.opening_id: s for s in slots}
    blocked: set[tuple[UUID, UUID]] = set()
    for k in range(60):
        kind = k % 7
        if kind == 0:
            gone = rng.choice(sorted(people_now))
            del people_now[gone]
            engine.remove_person(gone)
        elif kind == 1:
            p = people_now[rng.choice(sorted(people_now))]
            people_now[p.beneficiary_id] = replace(p, driving_licence=True, mobility=p.mobility | {"car"})
            engine.put_person(people_now[p.beneficiary_id])
        elif kind == 2:  # seats only, up or down
            s = slots_now[rng.choice(sorted(slots_now))]
            slots_now[s.opening_id] = replace(s, seats=max(1, s.seats + rng.choice([-1, 1, 2])))
            engine.put_opening(slots_now[s.opening_id])
        elif kind == 3:  # another requirement
            s = slots_now[rng.choice(sorted(slots_now))]
            slots_now[s.opening_id] = replace(s, italian_level=rng.choice(["A0", "A2", "B1"]))
            engine.put_opening(slots_now[s.opening_id])
        elif kind == 4:
            chosen = sorted(engine.assignment().items())
            if chosen:
                pair = rng.choice(chosen)
                blocked.add(pair)
                engine.block(*pair)
        elif kind == 5:
            gone = rng.choice(sorted(slots_now))
            del slots_now[gone]
            engine.remove_opening(gone)
        else:  # someone new
            newcomer = replace(rng.choice(people), beneficiary_id=uuid4())
            people_now[newcomer.beneficiary_id] = newcomer
            engine.put_person(newcomer)
        assert engine.certificate().gap_pct == pytest.approx(0.0, abs=1e-9)
    fresh = MatchingEngine.build(POLICY, TODAY, people_now.values(), slots_now.values(), blocked=blocked)
    assert engine.certificate().total == pytest.approx(fresh.certificate().total)
    seats = {o: s.seats for o, s in slots_now.items()}
    taken: dict[UUID, int] = {}
    for person, o in engine.assignment().items():
        assert person in people_now and o in slots_now and (person, o) not in blocked
        taken[o] = taken.get(o, 0) + 1
    assert all(n <= seats[o] for o, n in taken.items())


def test_nobody_is_in_two_openings_and_no_opening_over_its_seats():
    people, slots = instance(800, 100, 300, seed=3, today=TODAY)
    engine = MatchingEngine.build(POLICY, TODAY, people, slots)
    chosen = engine.assignment()
    counts: dict[UUID, int] = {}
    for o in chosen.values():
        counts[o] = counts.get(o, 0) + 1
    seats = {s.opening_id: s.seats for s in slots}
    assert all(n <= seats[o] for o, n in counts.items())
    assert len(chosen) == len(set(chosen))  # one opening per person (dict keys)


@pytest.mark.parametrize(("who", "where"), [
    (dict(italian_level="A1"), dict(italian_level="A2")),
    (dict(driving_licence=False), dict(driving_licence=True)),
    (dict(adult_from=TODAY + timedelta(days=31)), dict(start_date=TODAY + timedelta(days=30))),
    (dict(available_from=TODAY + timedelta(days=40)), dict(start_date=TODAY + timedelta(days=30))),
    (dict(max_weekly_hours=30), dict(weekly_hours=36)),
    (dict(childcare_need=True), dict(weekly_hours=30)),
    (dict(), dict(latitude=ROMA[0] + 0.3)),  # about 33 km: beyond public transport's 25
    (dict(mobility=frozenset({"car"})), dict(latitude=ROMA[0] + 0.3)),  # a car without a licence
    (dict(), dict(seats=0)),
    (dict(), dict(open_until=TODAY - timedelta(days=1))),
])
def test_each_hard_requirement_keeps_the_pair_apart(who, where):
    engine = MatchingEngine.build(POLICY, TODAY, [person(1, **who)], [slot(1, **where)])
    assert engine.assignment() == {}
    engine = MatchingEngine.build(POLICY, TODAY, [person(1)], [slot(1)])
    assert engine.assignment() == {UUID(int=1): UUID(int=1001)}


def test_an_adult_by_the_start_date_may_be_matched_and_a_car_with_a_licence_reaches_farther():
    s = slot(1, latitude=ROMA[0] + 0.3)
    assert MatchingEngine.build(POLICY, TODAY, [person(1, driving_licence=True, mobility=frozenset({"car"}))],
                                [s]).assignment()
    near = slot(2, start_date=TODAY + timedelta(days=30))
    assert MatchingEngine.build(POLICY, TODAY, [person(1, adult_from=TODAY + timedelta(days=30))], [near]).assignment()


def test_a_blocked_pair_is_never_proposed_again():
    engine = MatchingEngine.build(POLICY, TODAY, [person(1)], [slot(1), slot(2, latitude=ROMA[0] + 0.1)])
    first = engine.assignment()[UUID(int=1)]
    engine.block(UUID(int=1), first)
    assert engine.assignment()[UUID(int=1)] != first
    rebuilt = MatchingEngine.build(POLICY, TODAY, [person(1)], [slot(1), slot(2, latitude=ROMA[0] + 0.1)],
                                   blocked=[(UUID(int=1), first)])
    assert rebuilt.assignment() == engine.assignment()


def test_withdrawing_someone_frees_the_seat_for_the_next_best():
    a, b = person(1, waiting_since=TODAY - timedelta(days=400)), person(2)
    engine = MatchingEngine.build(POLICY, TODAY, [a, b], [slot(1)])
    assert engine.assignment() == {UUID(int=1): UUID(int=1001)}
    engine.remove_person(UUID(int=1))
    assert engine.assignment() == {UUID(int=2): UUID(int=1001)}


def test_score_parts_add_up_to_the_points_and_show_each_weight():
    p = person(1, sex="F", women_priority=True, experience_years={"I": 1.5}, italian_level="B2")
    engine = MatchingEngine.build(POLICY, TODAY, [p], [slot(1)])
    parts = engine.explain(UUID(int=1), UUID(int=1001))
    assert parts.parts["skills_sector"] == pytest.approx(0.5)
    assert parts.parts["language"] == pytest.approx(1.0)
    assert parts.parts["women_inactivity"] == 1.0
    assert parts.parts["waiting"] == pytest.approx(100 / 365)
    assert 5.0 < parts.distance_km < 6.0
    assert parts.parts["distance"] == pytest.approx(1 - parts.distance_km / 25)
    expected = round(1000 * sum(POLICY.weights[k] * v for k, v in parts.parts.items()))
    assert parts.points == expected
    shown = parts.as_dict()
    assert set(shown["parts"]) == set(POLICY.weights)


def test_the_women_priority_counts_only_where_the_project_switched_it_on():
    on = MatchingEngine.build(POLICY, TODAY, [person(1, sex="F", women_priority=True)], [slot(1)])
    off = MatchingEngine.build(POLICY, TODAY, [person(1, sex="F", women_priority=False)], [slot(1)])
    man = MatchingEngine.build(POLICY, TODAY, [person(1, sex="M", women_priority=True)], [slot(1)])
    assert on.explain(UUID(int=1), UUID(int=1001)).parts["women_inactivity"] == 1.0
    assert off.explain(UUID(int=1), UUID(int=1001)).parts["women_inactivity"] == 0.0
    assert man.explain(UUID(int=1), UUID(int=1001)).parts["women_inactivity"] == 0.0


def test_the_global_optimum_beats_greedy_first_come():
    # Two people, two seats: A fits both, B only the first. Greedy gives A the first; the optimum gives it to B.
    a = person(1, experience_years={"I": 3.0, "A": 3.0})
    b = person(2, experience_years={"I": 3.0}, italian_level="A2")
    hotel, farm = slot(1, sector="I"), slot(2, sector="A", italian_level="B1")
    engine = MatchingEngine.build(POLICY, TODAY, [a, b], [hotel, farm])
    assert engine.assignment() == {UUID(int=1): UUID(int=1002), UUID(int=2): UUID(int=1001)}
