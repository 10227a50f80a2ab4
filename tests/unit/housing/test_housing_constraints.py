"""Every hard constraint refuses what it should, and the matcher's filter agrees with the refusal."""

from datetime import timedelta
from uuid import uuid4

import pytest

from housing.domain.constraints import broken_constraints
from housing.domain.geo import italian_municipalities
from housing.domain.matching.graph import build_graph
from housing.domain.offer import GenderPolicy, HostPreferences
from housing.domain.rules import default_scoring
from tests.unit.housing.support import TODAY, host_family, household, place

pytestmark = pytest.mark.unit
RULES = default_scoring()


def broken(h, p, free=None):
    return broken_constraints(h, p, TODAY, RULES, free_beds=free)


def in_graph(h, p) -> bool:
    return build_graph([h], [p], TODAY, RULES, italian_municipalities()).edges == 1


CASES = [
    ("capacity", household(size=3, children=2, sex="F"), place(beds_free=2)),
    ("gender_policy", household(sex="F"), place(gender_policy=GenderPolicy.men)),
    ("gender_policy", household(size=2, children=0, sex="M"), place(gender_policy=GenderPolicy.men)),
    ("gender_policy", household(sex="M"), place(gender_policy=GenderPolicy.women)),
    ("gender_policy", household(), place(gender_policy=GenderPolicy.families)),
    ("host_preferences", household(sex="M"), host_family(host=HostPreferences(sexes=frozenset({"F"})))),
    ("host_preferences", household(age_band="45_54"),
     host_family(host=HostPreferences(age_bands=frozenset({"18_24"})))),
    ("host_preferences", household(size=2, children=1, sex="F"), host_family(host=HostPreferences(children_ok=False))),
    ("accessibility", household(step_free_need=True), place(step_free=False)),
    ("period", household(), place(available_from=TODAY + timedelta(days=45))),
    ("period", household(), place(available_to=TODAY - timedelta(days=1))),
    ("period", household(), host_family(available_to=TODAY + timedelta(days=10))),
    ("area", household(areas=frozenset({"MI"})), place()),
    ("organisation", household(organisation_id="coop-b"), place()),
]


@pytest.mark.parametrize(("rule", "h", "p"), CASES, ids=[c[0] for c in CASES])
def test_each_constraint_refuses_and_the_graph_leaves_the_pair_out(rule, h, p):
    assert rule in broken(h, p)
    assert not in_graph(h, p)


def test_what_fits_is_allowed_and_in_the_graph():
    fits = [
        (household(), place()),
        (household(size=3, children=2, sex="F"), place(gender_policy=GenderPolicy.women, beds_free=3)),
        (household(size=4, children=2), place(gender_policy=GenderPolicy.families, beds_free=4)),
        (household(step_free_need=True), place(step_free=True)),
        (household(), place(available_from=TODAY + timedelta(days=20))),  # free soon: within lead days
        (household(sex="F", languages=frozenset({"en"})), host_family(host=HostPreferences(sexes=frozenset({"F"})))),
    ]
    for h, p in fits:
        assert broken(h, p) == []
        assert in_graph(h, p)


def test_beds_held_by_accepted_proposals_count_against_capacity():
    assert "capacity" in broken(household(size=2, children=1, sex="F"), place(beds_free=3), free=1)


def test_a_declined_pair_is_never_proposed_again():
    p = place()
    h = household(excluded_places=frozenset({p.place_id}))
    assert "declined_before" in broken(h, p)
    assert not in_graph(h, p)
    assert in_graph(h, place(place_id=uuid4()))
