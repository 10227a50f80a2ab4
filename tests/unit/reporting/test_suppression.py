"""Primary and secondary suppression: what tau-argus withholds, checked by an independent audit
(an integer program in HiGHS finding what an intruder can derive from the published cells)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest

from reporting.adapters.tauargus import TauArgus
from reporting.domain.access import Viewer
from reporting.domain.catalogue import Suppression
from reporting.domain.counting import Cell
from reporting.domain.indicators import Period
from reporting.domain.linked import equations_of, protect_linked
from reporting.domain.suppression import (
    Interval,
    Protection,
    TableCell,
    UnderProtected,
    check_audit,
    protect_cells,
    required_width,
)
from reporting.service_layer.reports import ReportCommand
from tests.reporting_scenario import Scenario
from tests.unit.reporting.lp_audit import feasible_intervals, linked_intervals
from tests.unit.reporting.support import in_memory

pytestmark = pytest.mark.unit
RULE = Suppression(minimum_people=5, safety_range_pct=30)
D = Decimal


def cells_1d(**counts: int) -> list[Cell]:
    total = sum(counts.values())
    return [Cell(None, None, None, D(total), total)] + [Cell(None, "sex", k, D(v), v) for k, v in counts.items()]


def assert_protected(cells: list[Cell], shown) -> None:  # noqa: ANN001
    """Every withheld cell of every table: the intruder's interval (HiGHS) is at least the required width."""
    by_table: dict[str | None, dict] = defaultdict(dict)
    totals = {(c.organisation_id, None): c.value for c in cells if c.dimension is None}
    for c in cells:
        if c.dimension is not None:
            by_table[c.dimension][(c.organisation_id, c.category)] = c.value
    withheld = {(s.cell.organisation_id, s.cell.category, s.cell.dimension) for s in shown if s.withheld}
    primary = {(s.cell.organisation_id, s.cell.category, s.cell.dimension) for s in shown if s.withheld == "primary"}
    tables = dict(by_table) or {None: {}}
    for dimension, values in tables.items():
        values = {**values, **totals}
        hidden = {(o, c) for o, c, d in withheld if d == dimension or (d is None and c is None)}
        hidden &= set(values)
        judged = {(o, c) for o, c, d in primary if d == dimension or (d is None and c is None)}
        for key, (low, high) in feasible_intervals(values, hidden).items():
            if key not in judged:
                continue
            needed = required_width(TableCell(key[0], key[1], values[key], 0), RULE)
            assert high - low >= needed, (dimension, key, low, high)
    assert not linked_leaks(cells, shown)


def linked_leaks(cells: list[Cell], shown) -> list:  # noqa: ANN001
    """The primary cells an intruder narrows below the required width by combining every breakdown
    of the indicator (the tables linked through their shared totals), by the independent audit."""
    values = {(c.organisation_id, c.dimension, c.category): c.value for c in cells}
    hidden = {(s.cell.organisation_id, s.cell.dimension, s.cell.category) for s in shown if s.withheld}
    primary = {(s.cell.organisation_id, s.cell.dimension, s.cell.category) for s in shown if s.withheld == "primary"}
    return [(key, low, high) for key, (low, high) in linked_intervals(values, hidden).items()
            if key in primary and high - low < required_width(TableCell(None, None, values[key], 0), RULE)]


class PerTableOnly(TauArgus):
    """Tau-argus table by table, the linked audit switched off: how suppression worked before."""

    def intervals(self, values, equations, withheld, needed, *, integral):  # noqa: ANN001, ANN201
        return {k: (D(0), None) for k in needed}


def two_breakdowns(counts: dict[str, dict[str, dict[str, int]]]) -> list[Cell]:
    """Cells of one indicator by organisation, broken down by each dimension, with every total."""
    cells, overall = [], 0
    columns: dict[tuple[str, str], int] = defaultdict(int)
    for org, by_dimension in counts.items():
        total = sum(next(iter(by_dimension.values())).values())
        overall += total
        cells.append(Cell(org, None, None, D(total), total))
        for dimension, categories in by_dimension.items():
            assert sum(categories.values()) == total
            for category, n in categories.items():
                cells.append(Cell(org, dimension, category, D(n), n))
                columns[(dimension, category)] += n
    cells.append(Cell(None, None, None, D(overall), overall))
    cells += [Cell(None, d, c, D(n), n) for (d, c), n in columns.items()]
    return cells


LEAKY = {  # found by searching random tables: tau-argus protects each of the two tables on its own
    "o0": {"sex": {"F": 0, "M": 14}, "age_band": {"18_24": 8, "25_34": 0, "35_44": 6}},
    "o1": {"sex": {"F": 19, "M": 3}, "age_band": {"18_24": 10, "25_34": 4, "35_44": 8}},
}


def test_per_table_suppression_leaks_through_another_breakdown_and_the_linked_one_does_not():
    """o1's 3 men are withheld in the sex table, with o0's and o1's totals; but the age table shows
    o0's three age bands (8 + 0 + 6), so o0's total is 14, o1's is 36 - 14 = 22 and its men 22 - 19 = 3."""
    cells = two_breakdowns(LEAKY)
    per_table = protect_cells(cells, RULE, PerTableOnly())
    hidden = {(s.cell.organisation_id, s.cell.dimension, s.cell.category) for s in per_table if s.withheld}
    assert ("o1", "sex", "M") in hidden and ("o0", None, None) in hidden
    leaks = {key: (low, high) for key, low, high in linked_leaks(cells, per_table)}
    assert leaks[("o1", "sex", "M")] == (3.0, 3.0)
    linked = protect_cells(cells, RULE, TauArgus())
    assert linked_leaks(cells, linked) == []
    more = {(s.cell.organisation_id, s.cell.dimension, s.cell.category): s.withheld for s in linked if s.withheld}
    assert set(more) > hidden  # the per-table pattern plus what closes the path through the age table
    assert more[("o1", "sex", "M")] == "primary"
    assert all(more[k] == "secondary" for k in set(more) - hidden)
    assert_protected(cells, linked)


def random_people(rng: random.Random, organisations: tuple[str, ...], *, lowest: int,
                  highest: int) -> dict[str, dict[str, dict[str, int]]]:
    """Each organisation's people (lowest to highest of them) split at random by sex and by age band."""
    counts = {}
    for org in organisations:
        total = rng.randint(lowest, highest)
        by_dimension = {}
        for dimension, categories in (("sex", ["F", "M"]), ("age_band", ["18_24", "25_34", "35_44"])):
            cuts = sorted(rng.randint(0, total) for _ in categories[1:])
            sizes = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
            by_dimension[dimension] = dict(zip(categories, sizes, strict=True))
        counts[org] = by_dimension
    return counts


def test_linked_suppression_holds_on_random_tables():
    """Random organisations by sex and by age band (seeded): whatever tau-argus chose table by table,
    the published set never lets the independent audit narrow a withheld cell."""
    rng = random.Random(14)
    leaking_before = 0
    for _ in range(25):
        counts = random_people(rng, ("o0", "o1", "o2")[: rng.choice((2, 3))], lowest=3, highest=30)
        cells = two_breakdowns(counts)
        leaking_before += bool(linked_leaks(cells, protect_cells(cells, RULE, PerTableOnly())))
        assert linked_leaks(cells, protect_cells(cells, RULE, TauArgus())) == [], counts
    assert leaking_before > 0  # the seeded tables do exercise the leak


def test_a_small_cell_is_withheld_with_another_so_the_total_does_not_give_it_away():
    cells = cells_1d(F=3, M=12, X=8)
    shown = protect_cells(cells, RULE, TauArgus())
    reasons = {s.cell.category: s.withheld for s in shown}
    assert reasons["F"] == "primary"
    assert sorted(r for r in reasons.values() if r) == ["primary", "secondary"]
    assert reasons[None] is None  # the total is published
    assert_protected(cells, shown)


def test_big_cells_and_zero_are_never_primary_and_nothing_is_withheld_without_need():
    shown = protect_cells(cells_1d(F=5, M=12), RULE, TauArgus())
    assert not any(s.withheld for s in shown)


def test_a_small_total_is_withheld_everywhere():
    cells = cells_1d(F=1, M=2)
    shown = protect_cells(cells, RULE, TauArgus())
    assert all(s.withheld for s in shown)


def test_organisations_by_category_with_margins():
    """Three organisations by sex, the funder's view: a:F=3 is primary; no withheld cell can be derived
    from the organisations' totals or the categories' totals."""
    counts = {("a", "F"): 3, ("a", "M"): 12, ("b", "F"): 7, ("b", "M"): 20, ("c", "F"): 9, ("c", "M"): 15}
    cells = [Cell(o, "sex", s, D(n), n) for (o, s), n in counts.items()]
    for org in "abc":
        n = sum(v for (o, _), v in counts.items() if o == org)
        cells.append(Cell(org, None, None, D(n), n))
    for sex in "FM":
        n = sum(v for (_, s), v in counts.items() if s == sex)
        cells.append(Cell(None, "sex", sex, D(n), n))
    cells.append(Cell(None, None, None, D(66), 66))
    shown = protect_cells(cells, RULE, TauArgus())
    withheld = {(s.cell.organisation_id, s.cell.category): s.withheld for s in shown if s.withheld}
    assert withheld[("a", "F")] == "primary"
    assert len(withheld) >= 4  # in a two-way table a lone primary needs a rectangle
    assert_protected(cells, shown)


def test_a_margin_withheld_in_one_breakdown_is_withheld_in_all():
    """Organisation a has 4 people: its total is primary; then it is hidden in every breakdown's table."""
    cells = [Cell("a", None, None, D(4), 4), Cell("b", None, None, D(30), 30), Cell("c", None, None, D(20), 20),
             Cell(None, None, None, D(54), 54)]
    for org, f, m in (("a", 2, 2), ("b", 10, 20), ("c", 8, 12)):
        cells += [Cell(org, "sex", "F", D(f), f), Cell(org, "sex", "M", D(m), m)]
    cells += [Cell(None, "sex", "F", D(20), 20), Cell(None, "sex", "M", D(34), 34)]
    for org, young, old in (("a", 1, 3), ("b", 15, 15), ("c", 10, 10)):
        cells += [Cell(org, "age_band", "18_24", D(young), young), Cell(org, "age_band", "25_34", D(old), old)]
    cells += [Cell(None, "age_band", "18_24", D(26), 26), Cell(None, "age_band", "25_34", D(28), 28)]
    shown = protect_cells(cells, RULE, TauArgus())
    withheld_totals = {s.cell.organisation_id for s in shown if s.withheld and s.cell.dimension is None}
    assert "a" in withheld_totals and len(withheld_totals) >= 2
    assert_protected(cells, shown)


def test_a_mean_is_only_withheld_when_few_people_are_behind_it():
    cells = [Cell(None, None, None, D("12.5"), 9), Cell(None, "category", "proposed", D("3.00"), 2),
             Cell(None, "category", "accepted", D("20.00"), 7)]
    shown = protect_cells(cells, RULE, TauArgus(), additive=False)
    assert {s.cell.category: s.withheld for s in shown} == {None: None, "proposed": "primary", "accepted": None}


def test_an_audit_that_pins_a_cell_refuses_to_publish():
    table = [TableCell(None, "F", D(3), 3), TableCell(None, None, D(3), 3)]
    narrow = Protection({(None, "F"): "primary"}, {(None, "F"): Interval(D(3), D(3))})
    with pytest.raises(UnderProtected):
        check_audit(table, narrow, RULE)


async def test_a_funder_report_withholds_small_cells_and_says_why():
    s = Scenario()
    for org, people in (("coop-a", [("F", "25_34")] * 3 + [("M", "25_34")] * 9),
                        ("coop-b", [("F", "35_44")] * 6 + [("M", "35_44")] * 2 + [("M", "25_34")] * 7)):
        for sex, age in people:
            s.person(org, sex=sex, age=age, on="2025-03-01", projects=("P1",))
    service, uow = await in_memory(s.events)
    from reporting.domain.access import ProjectInfo
    await uow.projects.put(ProjectInfo("P1", "fami", "coop-a", ("coop-b",)), title="t")
    doc = await service.report(ReportCommand(Viewer("funder", "fami"), "fami_amif", Period.year(2025),
                                             date(2026, 1, 31), indicator_ids=("project_participants_new",)))
    assert doc["suppression"]["applied"] is True
    fig = doc["figures"][0]
    cells = {(c["organisation_id"], c["dimension"], c["category"]): (c["value"], c["withheld"])
             for c in fig["cells"]}
    assert cells[("coop-a", "sex", "F")] == (None, "primary")
    assert cells[("coop-b", "sex", "M")][0] == 9 or cells[("coop-b", "sex", "M")][1]  # 9 people: not primary
    assert cells[("coop-b", "sex", "M")][1] != "primary"
    assert cells[(None, None, None)] == (27, None)
    reasons = {(w["organisation_id"], w["dimension"], w["category"]): w["why"] for w in doc["suppression"]["withheld"]}
    assert reasons[("coop-a", "sex", "F")] == "meno di 5 persone"
    for value, why in cells.values():
        assert (value is None) == (why is not None)
    operator = await service.report(ReportCommand(Viewer("operator", "coop-a"), "fami_amif", Period.year(2025),
                                                  date(2026, 1, 31), indicator_ids=("project_participants_new",)))
    assert operator["suppression"]["applied"] is False
    own = {(c["dimension"], c["category"]): c["value"] for c in operator["figures"][0]["cells"]}
    assert own[("sex", "F")] == 3  # exact for its own organisation


def test_a_breakdown_where_one_person_is_in_several_categories_is_linked_by_what_it_obeys():
    """People by kind of intervention: 12 people, 3 + 10 + 7 by kind (some had two). The kinds do not
    add up to the total, so the linked audit gives the intruder only that they add up to at least it."""
    cells = [Cell(None, None, None, D(12), 12), Cell(None, "kind", "housing_search", D(3), 3),
             Cell(None, "kind", "job_orientation", D(10), 10), Cell(None, "kind", "socio_legal", D(7), 7)]
    equations = equations_of({(c.organisation_id, c.dimension, c.category): c.value for c in cells})
    assert [e.relation for e in equations] == [">="]
    shown = {s.cell.category: s.withheld for s in protect_cells(cells, RULE, TauArgus())}
    assert shown["housing_search"] == "primary" and shown[None] is None


def test_the_linked_audit_solves_what_an_intruder_derives():
    """HiGHS over LEAKY's two tables: with both organisations' totals and men withheld, the sex table
    alone leaves o1's men anywhere in [0, 17]; o0's published age bands pin them to 3. Withholding
    the two age bands of each organisation that are not empty frees them again; `protect_linked`
    finds such cells by itself."""
    values = {(c.organisation_id, c.dimension, c.category): c.value for c in two_breakdowns(LEAKY)}
    hidden = {("o0", None, None), ("o1", None, None), ("o0", "sex", "M"), ("o1", "sex", "M")}
    audit, equations, target = TauArgus(), equations_of(values), {("o1", "sex", "M"): D(1)}
    sex_only = {k: v for k, v in values.items() if k[1] != "age_band"}
    # Asked for the whole width, the audit solves both bounds (a narrower ask may stop at solutions
    # found on the way, as wide as it asked: see test_an_audit_stops_at_what_it_was_asked).
    whole = {("o1", "sex", "M"): D(17)}
    assert audit.intervals(sex_only, equations_of(sex_only), hidden, whole, integral=True) == {
        ("o1", "sex", "M"): (D(0), D(17))}
    assert audit.intervals(values, equations, hidden, target, integral=True) == {("o1", "sex", "M"): (D(3), D(3))}
    freed = hidden | {(o, "age_band", band) for o in ("o0", "o1") for band in ("18_24", "35_44")}
    assert audit.intervals(values, equations, freed, whole, integral=True) == {("o1", "sex", "M"): (D(0), D(17))}
    pattern = protect_linked(values, {k: "primary" if k in target else "secondary" for k in hidden}, RULE, audit)
    assert set(pattern) > hidden
    low, high = linked_intervals(values, set(pattern))[("o1", "sex", "M")]
    assert high - low >= 1


def sex_by_age(people: dict[tuple[str, str], int]) -> list[Cell]:
    """One organisation's indicator by sex, by age band and by both (the two-way table)."""
    cells = [Cell(None, None, None, D(sum(people.values())), sum(people.values()))]
    for dim, key in (("sex", lambda s, a: s), ("age_band", lambda s, a: a), ("sex*age_band", lambda s, a: f"{s}|{a}")):
        counts: dict[str, int] = defaultdict(int)
        for (s, a), n in people.items():
            counts[key(s, a)] += n
        cells += [Cell(None, dim, c, D(n), n) for c, n in sorted(counts.items())]
    return cells


def test_a_two_way_table_leaks_through_its_one_way_tables_unless_linked():
    """Sex by age band, 23 people. Table by table, the four cells behind 2-3 people hide each other in
    the two-way table; but the one-way tables publish each row and column: 18-24 is 7, so women 18-24
    are 7 - 5 = 2; 35-44 is 11, so women 35-44 are 11 - 8 = 3; women are 7, so women 25-34 are 2;
    and 25-34 is 5, so men 25-34 are 3. Linked, more cells go and none is pinned."""
    people = {("F", "18_24"): 2, ("F", "25_34"): 2, ("F", "35_44"): 3,
              ("M", "18_24"): 5, ("M", "25_34"): 3, ("M", "35_44"): 8}
    cells = sex_by_age(people)
    per_table = protect_cells(cells, RULE, PerTableOnly())
    leaks = {key: (low, high) for key, low, high in linked_leaks(cells, per_table)}
    assert leaks == {(None, "sex*age_band", "F|18_24"): (2.0, 2.0), (None, "sex*age_band", "F|25_34"): (2.0, 2.0),
                     (None, "sex*age_band", "F|35_44"): (3.0, 3.0), (None, "sex*age_band", "M|25_34"): (3.0, 3.0)}
    linked = protect_cells(cells, RULE, TauArgus())
    assert linked_leaks(cells, linked) == []
    reasons = {(s.cell.dimension, s.cell.category): s.withheld for s in linked if s.withheld}
    assert {k for k, r in reasons.items() if r == "primary"} == {("sex*age_band", k) for k in (
        "F|18_24", "F|25_34", "F|35_44", "M|25_34")}
    assert any(d in ("sex", "age_band") for d, _ in reasons)  # a one-way cell had to go too
    assert reasons.get((None, None)) is None  # the total is still published


def test_two_way_tables_hold_on_random_people():
    rng = random.Random(7)
    leaking_before = 0
    for _ in range(20):
        people: dict[tuple[str, str], int] = defaultdict(int)
        for _ in range(rng.randint(8, 30)):
            people[(rng.choice("FM"), rng.choice(("18_24", "25_34", "35_44")))] += 1
        cells = sex_by_age(dict(people))
        leaking_before += bool(linked_leaks(cells, protect_cells(cells, RULE, PerTableOnly())))
        assert linked_leaks(cells, protect_cells(cells, RULE, TauArgus())) == [], dict(people)
    assert leaking_before > 0


def test_tables_of_more_than_ten_organisations_and_categories_are_read_back_right():
    """Tau-argus pads codes to the longest: with eleven organisations "r1" came back as " r1" and was
    read as the all-organisations row, so a small cell of one organisation was published and a big
    total was marked as withheld. Codes now have one width."""
    orgs = [f"org{i:02d}" for i in range(12)]
    counts = {(o, s): (2 if (o, s) == ("org01", "F") else 10 + i) for i, o in enumerate(orgs) for s in "FM"}
    cells = [Cell(o, "sex", s, D(n), n) for (o, s), n in counts.items()]
    cells += [Cell(o, None, None, D(counts[(o, "F")] + counts[(o, "M")]), counts[(o, "F")] + counts[(o, "M")])
              for o in orgs]
    for s in "FM":
        n = sum(v for (_, x), v in counts.items() if x == s)
        cells.append(Cell(None, "sex", s, D(n), n))
    grand = sum(counts.values())
    cells.append(Cell(None, None, None, D(grand), grand))
    shown = {(c.cell.organisation_id, c.cell.dimension, c.cell.category): c.withheld
             for c in protect_cells(cells, RULE, TauArgus())}
    assert shown[("org01", "sex", "F")] == "primary"
    assert {k for k, r in shown.items() if r == "primary"} == {("org01", "sex", "F")}
    assert shown[(None, "sex", "F")] != "primary" and shown[(None, None, None)] is None
    assert_protected(cells, [s for s in protect_cells(cells, RULE, TauArgus())])


def test_the_engine_leaves_no_file_in_the_working_directory(tmp_path, monkeypatch):
    """Its solvers log (CSPlogfile.txt, FullJJ.log, cspSCIP.*) where the process stands: the pattern
    and the audit are both made in a scratch folder, so no run leaves them in the work tree."""
    monkeypatch.chdir(tmp_path)
    cells = [Cell(o, None, None, D(f + m), f + m) for o, f, m in (("o1", 3, 9), ("o2", 6, 2), ("o3", 1, 12))]
    cells += [Cell(o, "sex", s, D(n), n) for o, f, m in (("o1", 3, 9), ("o2", 6, 2), ("o3", 1, 12))
              for s, n in (("F", f), ("M", m))]
    cells += [Cell(None, None, None, D(33), 33), Cell(None, "sex", "F", D(10), 10), Cell(None, "sex", "M", D(23), 23)]
    assert any(s.withheld == "secondary" for s in protect_cells(cells, RULE, TauArgus()))
    assert list(tmp_path.iterdir()) == []


def test_an_audit_stops_at_what_it_was_asked():
    """The audit may stop at solutions it found on the way once a cell is held as wide as it was
    asked: on random linked tables with random cells withheld, each interval it gives lies inside
    the independent audit's, and a cell is too narrow for it exactly when it is for the independent
    audit (so the short cut never publishes what the full solve would have withheld)."""
    rng, audit, checked = random.Random(7), TauArgus(), 0
    for _ in range(30):
        counts = random_people(rng, ("o0", "o1", "o2", "o3", "o4", "o5"), lowest=2, highest=40)
        values = {(c.organisation_id, c.dimension, c.category): c.value for c in two_breakdowns(counts)}
        hidden = set(rng.sample(sorted(values, key=str), rng.randint(6, 24)))
        needed = {k: D(rng.choice((1, 2, 3, 6))) for k in hidden}
        exact = linked_intervals(values, hidden)
        given = audit.intervals(values, equations_of(values), hidden, needed, integral=True)
        for key, (low, high) in given.items():
            true_low, true_high = exact[key]
            assert true_low <= low and (high is None or high <= true_high), (key, counts)
            weak = high is not None and high - low < needed[key]
            assert weak == (true_high - true_low < needed[key]), (key, counts)
            checked += 1
    assert checked > 300


def money_1d(total_people: int, **cells: tuple[int, int]) -> list[Cell]:
    """A sum of euros by sex: category -> (euros, people)."""
    euros = sum(v for v, _ in cells.values())
    return [Cell(None, None, None, D(euros), total_people)] + [
        Cell(None, "sex", k, D(v), n) for k, (v, n) in cells.items()]


def test_a_zero_sum_behind_few_people_is_withheld_and_does_not_refuse_the_report():
    """Three women whose interventions cost nothing: their 0 EUR is primary. When the rest of the table
    has euros, a secondary cell hides it as any other; when the whole table is zero, the published zero
    total pins it whatever is withheld, and the report is still given (tau-argus holds zero cells safe)
    instead of failing with an audit that no pattern can satisfy."""
    mixed = money_1d(15, F=(0, 3), M=(400, 12))
    reasons = {s.cell.category: s.withheld for s in protect_cells(mixed, RULE, TauArgus())}
    assert reasons == {None: None, "F": "primary", "M": "secondary"}
    zeros = money_1d(15, F=(0, 3), M=(0, 12))
    shown = {s.cell.category: s for s in protect_cells(zeros, RULE, TauArgus())}
    assert shown["F"].withheld == "primary" and shown["F"].value is None
    assert required_width(TableCell(None, "F", D(0), 3), RULE) == 0
    assert required_width(TableCell(None, "F", D(1), 3), RULE) == 1  # a non-zero figure keeps its range
