"""The matcher: score parts as configured, optimal on small instances (checked against brute force),
never a bed twice nor a household twice, better than the greedy pass, and re-matches that never lose."""

import itertools
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest

from bench.housing_instances import Generator
from housing.domain.geo import italian_municipalities
from housing.domain.matching.engine import full_match, greedy_match
from housing.domain.matching.graph import build_graph
from housing.domain.matching.incremental import local_rematch
from housing.domain.rules import PARTS, default_scoring
from housing.domain.scoring import explain
from tests.unit.housing.support import FIUMICINO, MILANO, ROMA, TODAY, host_family, household, place

pytestmark = pytest.mark.unit
RULES = default_scoring()
GEO = italian_municipalities()


def parts_of(h, p) -> dict[str, float]:
    g = build_graph([h], [p], TODAY, RULES, GEO)
    return explain(g.parts[0], h.size, RULES).parts


def test_score_parts_follow_the_rules():
    p = place(monthly_cost_per_bed=Decimal("300"), municipality=ROMA)
    cheap = parts_of(household(monthly_income=Decimal("1000")), p)  # 300 / 1000 = 30 % < 40 %
    dear = parts_of(household(monthly_income=Decimal("500")), p)  # 60 %: half-way to 80 %
    assert cheap["affordability"] == 1.0 and dear["affordability"] == pytest.approx(0.5)
    near = parts_of(household(work_municipality=ROMA), p)
    far = parts_of(household(work_municipality=MILANO), p)
    mid = parts_of(household(work_municipality=FIUMICINO), p)
    assert near["distance"] == 1.0 and far["distance"] == 0.0 and 0 < mid["distance"] < 1
    assert parts_of(household(), p)["distance"] == RULES.distance_unknown
    shared = parts_of(household(languages=frozenset({"en"})), host_family())
    none = parts_of(household(languages=frozenset({"ar"})), host_family())
    assert shared["languages"] == 1.0 and none["languages"] == 0.0
    urgent = parts_of(household(leave_by=TODAY), p)
    later = parts_of(household(leave_by=TODAY + timedelta(days=45)), p)
    assert urgent["urgency"] == 1.0 and later["urgency"] == pytest.approx(0.5)
    assert parts_of(household(waiting_since=TODAY - timedelta(days=365)), p)["waiting"] == 1.0
    assert parts_of(household(vulnerable=True), p)["vulnerability"] == 1.0
    assert set(cheap) == set(PARTS)


def test_total_is_the_weighted_sum_of_the_parts():
    h, p = household(size=2, children=1, sex="F", vulnerable=True), place(beds_free=2)
    g = build_graph([h], [p], TODAY, RULES, GEO)
    s = explain(g.parts[0], h.size, RULES)
    assert s.total == pytest.approx(sum(RULES.weight(k) * v for k, v in s.parts.items()), abs=1e-3)
    assert s.objective == pytest.approx(2 * s.total, abs=1e-3)  # per person


def brute_force(g) -> float:
    """Every way of giving each household one of its edges or none."""
    n = len(g.households.items)
    options = [[None] + [e for e in range(g.edges) if g.hi[e] == i] for i in range(n)]
    best = 0.0
    for pick in itertools.product(*options):
        used = np.zeros(len(g.places.items))
        value = 0.0
        for e in pick:
            if e is not None:
                used[g.pi[e]] += g.households.size[g.hi[e]]
                value += g.weight[e]
        if (used <= g.places.capacity).all():
            best = max(best, value)
    return best


def check_feasible(g, m) -> None:
    placed = m.place_of >= 0
    sizes = g.households.size
    used = np.bincount(m.place_of[placed], weights=sizes[placed], minlength=len(g.places.items))
    assert (used <= g.places.capacity).all(), "a bed offered twice"
    for i in np.nonzero(placed)[0]:  # every proposal is an edge: keeps every hard constraint
        assert ((g.hi == i) & (g.pi == m.place_of[i])).any()


@pytest.mark.parametrize("seed", range(8))
def test_optimal_on_small_instances_against_brute_force(seed):
    gen = Generator(seed, GEO, provinces=("RM",))
    hs = [gen.household(TODAY, "RM") for _ in range(7)]
    ps = [gen.place(TODAY, "RM") for _ in range(3)]
    g = build_graph(hs, ps, TODAY, RULES, GEO)
    m = full_match(g)
    check_feasible(g, m)
    best = brute_force(g)
    assert m.objective == pytest.approx(best, rel=1e-6)
    assert m.bound >= best - 1e-6  # the proven bound is a true upper bound


def test_global_engine_beats_greedy_and_stays_within_its_bound():
    hs, ps = Generator(3, GEO).instance(1500, 450, TODAY)
    g = build_graph(hs, ps, TODAY, RULES, GEO)
    m, gr = full_match(g), greedy_match(g)
    check_feasible(g, m)
    check_feasible(g, gr)
    assert m.objective > gr.objective
    assert m.objective <= m.bound + 1e-6
    assert m.gap < 0.03


def test_a_household_is_never_split_nor_given_two_places():
    hs = [household(size=3, children=2, sex="F"), household(size=3, children=1, sex="F")]
    ps = [place(beds_free=2), place(beds_free=2), place(beds_free=3)]
    g = build_graph(hs, ps, TODAY, RULES, GEO)
    m = full_match(g)
    assert m.matched == 1 and m.place_of.tolist().count(2) == 1


def test_local_rematch_places_a_new_household_and_never_loses_value():
    hs, ps = Generator(5, GEO).instance(600, 200, TODAY)
    g = build_graph(hs, ps, TODAY, RULES, GEO)
    active = np.ones(len(hs), dtype=bool)
    active[-20:] = False
    w = g.weight.copy()
    g.weight = np.where(active[g.hi], w, 0.0)
    current = full_match(g).place_of
    g.weight = w
    total = float(w[(current[g.hi] == g.pi)].sum())
    for k in range(len(hs) - 20, len(hs)):
        active[k] = True
        current, gain = local_rematch(g, current, seed_households=[k], active=active)
        new_total = float(w[(current[g.hi] == g.pi) & active[g.hi]].sum())
        assert gain >= 0 and new_total >= total - 1e-6
        total = new_total
        used = np.bincount(current[current >= 0], weights=g.households.size[current >= 0], minlength=len(ps))
        assert (used <= g.places.capacity).all()


def test_local_rematch_takes_out_a_household_that_left():
    h1, h2 = household(), household(waiting_since=date(2026, 11, 30))
    p = place(beds_free=1)
    g = build_graph([h1, h2], [p], TODAY, RULES, GEO)
    first = full_match(g).place_of
    assert first.tolist() == [0, -1]
    active = np.array([False, True])
    after, _ = local_rematch(g, first, seed_households=[0], active=active)
    assert after.tolist() == [-1, 0]


def test_local_rematch_moves_a_household_placed_elsewhere_into_a_new_place_that_suits_it_better():
    """A new flat near where he works, cheaper, in his language's host family... the household proposed
    elsewhere moves there on the place's own event; the place he leaves is free for the next re-match."""
    h = household(work_municipality=ROMA, monthly_income=Decimal("900"))
    far = place(municipality=MILANO, province="MI", monthly_cost_per_bed=Decimal("400"))
    near = place(municipality=ROMA, monthly_cost_per_bed=Decimal("150"))
    g = build_graph([replace(h, areas=frozenset())], [far, near], TODAY, RULES, GEO)
    current = np.array([0])  # proposed to the far flat before the near one was recorded
    after, gain = local_rematch(g, current, seed_places=[1])
    assert after.tolist() == [1] and gain > 0
    # and a household that has no better option keeps its place
    stay, gain = local_rematch(g, np.array([1]), seed_places=[0])
    assert stay.tolist() == [1] and gain == 0


def test_the_cut_lp_bound_is_tighter_and_still_above_the_exact_optimum():
    from housing.domain.matching.lp import solve_lp
    from housing.domain.matching.solver import solve

    hs, ps = Generator(9, GEO, provinces=("RM", "LT")).instance(300, 90, TODAY)
    g = build_graph(hs, ps, TODAY, RULES, GEO)
    sizes = g.households.size[g.hi]
    exact = solve(g.hi, g.pi, g.weight, sizes, g.places.capacity, time_limit=30, rel_gap=1e-6)
    plain = solve_lp(g.hi, g.pi, g.weight, sizes, len(hs), g.places.capacity, cuts=False)
    cut = solve_lp(g.hi, g.pi, g.weight, sizes, len(hs), g.places.capacity)
    assert exact.objective <= cut.objective + 1e-6 <= plain.objective + 2e-6
    assert cut.objective < plain.objective  # the cuts bite on households of several sizes
    m = full_match(g)
    assert m.objective >= exact.objective * 0.99
