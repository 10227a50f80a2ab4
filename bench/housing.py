"""The housing group: the matcher on generated data of realistic shapes (bench/housing_instances.py).

- housing.full_rematch_s / _peak_mib: 10,000 waiting households against 3,000 places, candidate graph
  and solve, in a fresh process whose peak resident memory is the figure (interpreter and libraries
  included); the median of three runs.
- housing.optimality_gap_pct: that solve's distance from the LP bound it proves (the bound is above
  every assignment, so the true gap is at most this).
- housing.score_vs_greedy: its total score over a greedy place-by-place pass on the same instance.
- housing.event_rematch_ms: p95 of the re-match after one event, over 50 events of five kinds (new
  household, new place, declined match, income and workplace change, consent withdrawn) on that
  instance, each including the new or changed edges' computation.
- Wall-clock figures count time the process waited for the CPU; on a loaded machine the _cpu_s figure
  says what the work itself took.
- housing.dynamic_vs_hindsight_pct / greedy_vs_hindsight_pct: the simulated year (bench/housing_dynamic.py)."""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 12, 1)
HOUSEHOLDS, PLACES, EVENTS = 10_000, 3_000, 50


def _full_once() -> dict[str, float]:
    from bench.housing_instances import Generator
    from housing.domain.geo import italian_municipalities
    from housing.domain.matching.engine import full_match, greedy_match
    from housing.domain.matching.graph import build_graph
    from housing.domain.rules import default_scoring

    geo, rules = italian_municipalities(), default_scoring()
    hs, ps = Generator(7, geo).instance(HOUSEHOLDS, PLACES, TODAY)
    start, cpu = time.perf_counter(), time.process_time()
    graph = build_graph(hs, ps, TODAY, rules, geo)
    m = full_match(graph)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    greedy = greedy_match(graph)
    return {"seconds": seconds, "cpu": cpu, "objective": m.objective, "bound": m.bound, "greedy": greedy.objective,
            "edges": graph.edges, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _full() -> list[dict[str, float]]:
    runs = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-m", "bench.housing", "full"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
    return runs


def _events() -> tuple[list[float], list[float]]:
    """Milliseconds of each event's re-match: wall clock, and the process's CPU."""
    from bench.housing_instances import Generator
    from housing.domain.geo import italian_municipalities
    from housing.domain.matching.engine import full_match
    from housing.domain.matching.graph import build_graph
    from housing.domain.matching.incremental import local_rematch
    from housing.domain.rules import default_scoring

    geo, rules = italian_municipalities(), default_scoring()
    gen = Generator(7, geo)
    hs, ps = gen.instance(HOUSEHOLDS, PLACES, TODAY)
    new_h = [gen.household(TODAY) for _ in range(20)]
    new_p = [gen.place(TODAY) for _ in range(10)]
    hs, ps = hs + new_h, ps + new_p
    graph = build_graph(hs, ps, TODAY, rules, geo)
    active = np.ones(len(hs), dtype=bool)
    active[HOUSEHOLDS:] = False
    capacity = graph.places.capacity.copy()
    capacity[PLACES:] = 0
    place_of = full_match(_masked(graph, active, capacity)).place_of
    by_key: dict[tuple[str, str], list] = {}
    for p in ps:
        by_key.setdefault((p.organisation_id, p.province), []).append(p)
    rng = np.random.default_rng(3)
    times, cpu = [], []

    def timed(fn) -> None:
        nonlocal place_of
        start, c = time.perf_counter(), time.process_time()
        place_of = fn()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - c) * 1000)

    def edges_of(h) -> None:
        """The household's candidate edges and scores, computed afresh (what a real event costs)."""
        mine = [p for a in h.areas for p in by_key.get((h.organisation_id, a), [])]
        build_graph([h], mine, TODAY, rules, geo)

    for k in range(20):  # a new household
        i = HOUSEHOLDS + k

        def arrive(i: int = i):
            edges_of(hs[i])
            active[i] = True
            return local_rematch(graph, place_of, seed_households=[i], active=active, capacity=capacity)[0]
        timed(arrive)
    for k in range(10):  # a new place
        j = PLACES + k

        def opened(j: int = j):
            p = ps[j]
            build_graph([h for h in hs if p.province in h.areas], [p], TODAY, rules, geo)
            capacity[j] = graph.places.capacity[j]
            return local_rematch(graph, place_of, seed_places=[j], active=active, capacity=capacity)[0]
        timed(opened)
    for _ in range(10):  # a declined match: the pair is never proposed again
        i = int(rng.choice(np.nonzero(place_of >= 0)[0]))

        def declined(i: int = i):
            j = int(place_of[i])
            graph.weight[(graph.hi == i) & (graph.pi == j)] = 0.0
            return local_rematch(graph, place_of, seed_households=[i], seed_places=[j], active=active,
                                 capacity=capacity)[0]
        timed(declined)
    for _ in range(5):  # income and workplace changed
        i = int(rng.choice(np.nonzero(active)[0]))

        def income(i: int = i):
            h = replace(hs[i], monthly_income=Decimal("1100"), work_municipality=ps[0].municipality)
            edges_of(h)
            return local_rematch(graph, place_of, seed_households=[i], active=active, capacity=capacity)[0]
        timed(income)
    for _ in range(5):  # consent withdrawn: out at once
        i = int(rng.choice(np.nonzero(place_of >= 0)[0]))

        def withdrawn(i: int = i):
            j = int(place_of[i])
            active[i] = False
            return local_rematch(graph, place_of, seed_households=[i], seed_places=[j], active=active,
                                 capacity=capacity)[0]
        timed(withdrawn)
    _check(graph, place_of, active, capacity)
    return times, cpu


def _masked(graph, active, capacity):
    from housing.domain.matching.graph import CandidateGraph

    ok = active[graph.hi] & (capacity[graph.pi] > 0)
    places = replace(graph.places, capacity=capacity)
    return CandidateGraph(graph.households, places, graph.hi[ok], graph.pi[ok], graph.parts[ok], graph.weight[ok],
                          graph.component_of_place, graph.component_of_household)


def _check(graph, place_of, active, capacity) -> None:
    """The events' answers keep every rule: no bed twice, only active households, only candidate pairs."""
    placed = place_of >= 0
    used = np.bincount(place_of[placed], weights=graph.households.size[placed], minlength=len(capacity))
    assert (used <= capacity).all() and not (placed & ~active).any()


def run() -> list[tuple[str, float, str]]:
    from bench import housing_dynamic

    runs = _full()
    mid = sorted(runs, key=lambda r: r["seconds"])[1]
    times, cpu = _events()
    year = housing_dynamic.run()
    best = year["hindsight"]
    each = ", ".join(f"draw {d}: {100 * year[f'engine_draw_{d}'] / best:.2f} %" for d in housing_dynamic.DRAWS)
    print(f"# housing.dynamic_vs_hindsight_pct per draw of the engine's futures: {each}", file=sys.stderr)
    return [
        ("housing.full_rematch_s", mid["seconds"], "s"),
        ("housing.full_rematch_cpu_s", mid["cpu"], "s"),
        ("housing.full_rematch_peak_mib", max(r["peak_mib"] for r in runs), "MiB"),
        ("housing.event_rematch_ms", float(np.percentile(times, 95)), "ms"),
        ("housing.optimality_gap_pct", 100 * (mid["bound"] - mid["objective"]) / mid["bound"], "%"),
        ("housing.score_vs_greedy", mid["objective"] / mid["greedy"], "x"),
        ("housing.dynamic_vs_hindsight_pct", 100 * year["engine"] / best, "%"),
        ("housing.greedy_vs_hindsight_pct", 100 * year["greedy"] / best, "%"),
        ("housing.myopic_vs_hindsight_pct", 100 * year["myopic"] / best, "%"),
        ("housing.hindsight_gap_pct", 100 * (year["hindsight_bound"] - best) / year["hindsight_bound"], "%"),
        ("housing.event_rematch_median_ms", statistics.median(times), "ms"),
        ("housing.event_rematch_cpu_ms", float(np.percentile(cpu, 95)), "ms"),
    ]


if __name__ == "__main__":
    if sys.argv[1:] == ["full"]:
        print(json.dumps(_full_once()))
    else:
        for name, value, unit in run():
            print(f"{name} {value:.2f} {unit}", flush=True)
