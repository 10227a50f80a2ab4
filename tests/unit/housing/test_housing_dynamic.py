"""The decision of who is proposed now against the beds' potentials (housing.domain.matching.dynamic)."""

from __future__ import annotations

import numpy as np

from housing.domain.matching.dynamic import Edges, Future, decide


def _edges(hi: list[int], pi: list[int], w: list[float], sizes: list[int]) -> Edges:
    return Edges(np.array(hi, dtype=np.int64), np.array(pi, dtype=np.int64), np.array(w, dtype=float),
                 np.array(sizes, dtype=np.int64))


NO_PLACES = np.zeros(0, dtype=np.int64)


def test_a_due_household_takes_the_bed_when_nobody_later_needs_it_more():
    first = _edges([0], [0], [5.0], [1])
    later = Future(_edges([0], [0], [3.0], [1]), 1, NO_PLACES)  # a waiting household worth less there
    d = decide(first, np.array([1]), [later, later])
    assert d.chosen.tolist() == [True]


def test_a_due_household_waits_when_a_household_on_the_list_needs_the_bed_more():
    first = _edges([0], [0], [2.0], [1])
    later = Future(_edges([0], [0], [6.0], [1]), 1, NO_PLACES)
    d = decide(first, np.array([1]), [later])
    assert d.chosen.tolist() == [False]
    assert d.potentials[0] >= 2.0  # the bed is priced at least at what the due household brings


def test_the_average_over_futures_decides_and_a_sampled_place_counts():
    first = _edges([0], [0], [4.0], [1])
    wants = Future(_edges([0], [0], [6.0], [1]), 1, NO_PLACES)  # half the futures: someone needs bed 0 more
    elsewhere = Future(_edges([0, 0], [0, 1], [6.0, 6.0], [1, 1]), 1, np.array([1]))  # or has a new place 1
    nobody = Future(_edges([], [], [], []), 0, NO_PLACES)
    assert decide(first, np.array([1]), [wants, nobody]).chosen.tolist() == [True]  # 4 > 6 / 2
    assert decide(first, np.array([1]), [wants, wants, wants, elsewhere]).chosen.tolist() == [False]
    assert decide(first, np.array([1]), [elsewhere, elsewhere]).chosen.tolist() == [True]


def test_never_one_bed_twice_nor_a_household_split():
    # two due households of 2 and one of 1, a place of 3 beds and a place of 1
    first = _edges([0, 1, 2, 2], [0, 0, 0, 1], [5.0, 5.0, 1.0, 0.9], [2, 2, 1, 1])
    d = decide(first, np.array([3, 1]), [])
    used = np.bincount(first.pi[d.chosen], weights=first.sizes[d.chosen], minlength=2)
    assert (used <= np.array([3, 1])).all()
    assert len(set(first.hi[d.chosen].tolist())) == int(d.chosen.sum())
    assert d.chosen.sum() == 2  # one family in the 3 beds with the single, or the single in the 1 bed


def test_a_due_family_does_not_strand_a_bed_nobody_later_can_take():
    # a flat for families, 3 beds: the due couple would leave one bed, and the only household that could
    # still come there is a family of three, which would then no longer fit
    first = _edges([0], [0], [5.0], [2])
    later = Future(_edges([0], [0], [6.0], [3]), 1, NO_PLACES)
    d = decide(first, np.array([3]), [later])
    assert d.chosen.tolist() == [False]  # 5 for the couple, against 6 for the family of three


def test_a_bed_left_free_is_not_charged_as_stranded_when_someone_small_can_still_take_it():
    first = _edges([0], [0], [5.0], [2])
    later = Future(_edges([0, 1], [0, 0], [6.0, 3.0], [3, 1]), 2, NO_PLACES)  # the same family, and a single
    d = decide(first, np.array([3]), [later])
    assert d.chosen.tolist() == [True]  # the couple and then the single (8) beat the family alone (6)
