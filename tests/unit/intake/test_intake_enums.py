from datetime import date
from typing import get_args

import pytest

from intake.domain.assessment import NEED_KEYWORDS, OTHER
from intake.domain.enums import (
    COURSE_KINDS,
    AgeBand,
    InterventionKind,
    ItalianLevel,
    LegalStatus,
    PermitDocument,
    ReceptionKind,
    Sex,
    age_band,
    age_on,
    levels_gained,
)
from intake.domain.path import PathStatus, ReasonCategory
from intake.domain.plan import Area
from shared.events.contracts import vocabulary

pytestmark = pytest.mark.unit


def test_enumerations_hold_the_domain_values():
    assert [s.value for s in LegalStatus] == [
        "asylum_seeker", "refugee", "subsidiary_protection", "special_protection",
        "former_humanitarian", "special_cases", "unaccompanied_minor", "temporary_protection", "other",
    ]  # fmt: skip
    assert [r.value for r in ReceptionKind] == [
        "cas", "sai", "first_reception", "out_of_reception", "homeless",
    ]  # fmt: skip
    assert [p.value for p in PermitDocument] == ["electronic", "paper", "postal_receipt"]
    assert [s.value for s in Sex] == ["F", "M", "X"]
    assert "intercultural_mediation" in set(InterventionKind)
    assert len(InterventionKind) == 17


def test_italian_levels_are_ranked_in_cefr_order():
    assert [level.rank for level in ItalianLevel] == list(range(7))
    assert [level.value for level in ItalianLevel] == ["A0", "A1", "A2", "B1", "B2", "C1", "C2"]


@pytest.mark.parametrize(
    ("before", "after", "gained"),
    [("A0", "A1", 1), ("A2", "B1", 1), ("A1", "B2", 3), ("B1", "B1", 0), ("B2", "A2", -2)],
)
def test_levels_gained(before, after, gained):
    assert levels_gained(ItalianLevel(before), ItalianLevel(after)) == gained


def test_age_band_values_match_the_shared_wire_values():
    assert [b.value for b in AgeBand] == [
        "under_18", "18_24", "25_34", "35_44", "45_54", "55_64", "65_plus",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("on", "band"),
    [
        (date(2018, 6, 14), "under_18"),  # the day before the 18th birthday
        (date(2018, 6, 15), "18_24"),  # the 18th birthday
        (date(2025, 6, 14), "18_24"),
        (date(2025, 6, 15), "25_34"),
        (date(2035, 6, 14), "25_34"),
        (date(2035, 6, 15), "35_44"),
        (date(2045, 6, 15), "45_54"),
        (date(2055, 6, 14), "45_54"),
        (date(2055, 6, 15), "55_64"),
        (date(2065, 6, 14), "55_64"),
        (date(2065, 6, 15), "65_plus"),
        (date(2100, 1, 1), "65_plus"),
        (date(2000, 6, 15), "under_18"),  # the day of birth
    ],
)
def test_age_band_changes_on_the_birthday(on, band):
    assert age_band(date(2000, 6, 15), on) == AgeBand(band)


@pytest.mark.parametrize(
    ("on", "age"),
    [
        (date(2026, 2, 28), 17),  # common year: not yet 18 on 28 February
        (date(2026, 3, 1), 18),  # ... but 18 on 1 March
        (date(2028, 2, 28), 19),
        (date(2028, 2, 29), 20),  # leap year: the real birthday
    ],
)
def test_someone_born_on_29_february(on, age):
    assert age_on(date(2008, 2, 29), on) == age


def test_29_february_band_boundary():
    assert age_band(date(2008, 2, 29), date(2026, 2, 28)) is AgeBand.under_18
    assert age_band(date(2008, 2, 29), date(2026, 3, 1)) is AgeBand.a18_24


def test_unaccompanied_minor_registered_on_1_january_ages_on_new_year():
    assert age_band(date(2007, 1, 1), date(2024, 12, 31)) is AgeBand.under_18
    assert age_band(date(2007, 1, 1), date(2025, 1, 1)) is AgeBand.a18_24


def test_age_before_birth_is_an_error():
    with pytest.raises(ValueError, match="before birth date 2000-06-15"):
        age_on(date(2000, 6, 15), date(2000, 6, 14))


def test_intakes_path_vocabularies_are_the_wire_contracts_own():
    assert (PathStatus, ReasonCategory, InterventionKind, ItalianLevel) == (
        vocabulary.PathStatus, vocabulary.ReasonCategory, vocabulary.InterventionKind, vocabulary.CefrLevel)
    assert COURSE_KINDS == set(get_args(vocabulary.CourseKind))
    wire = {Area.work: vocabulary.WorkNeed, Area.housing: vocabulary.HousingNeed, Area.social: vocabulary.SocialNeed}
    assert {area: NEED_KEYWORDS[area] | {OTHER} for area in Area} == {a: set(get_args(w)) for a, w in wire.items()}
