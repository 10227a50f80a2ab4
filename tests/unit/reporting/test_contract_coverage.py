"""Reporting consumes every event type intake, housing and employment publish, and a field another
service adds to its contract tomorrow (a step-free flag, a leave-by date) does not stop an event
from parsing nor change what reporting makes of it."""

from __future__ import annotations

import json
import typing
from datetime import date

import pytest

from reporting.adapters.indicator_files import load_catalogue
from reporting.domain.facts import MAPPERS, facts_of
from reporting.service_layer.projection import consumed_contracts, handlers
from shared.events.codec import decode, encode
from shared.events.contracts.employment import EmploymentIncomeChanged
from shared.events.contracts.matching import EmploymentCandidateWaiting, HousingCandidateWaiting
from shared.events.registry import known_types
from tests.unit.reporting.scenarios import coop_a

pytestmark = pytest.mark.unit
PUBLISHERS = ("intake", "housing", "employment")


def published() -> set[str]:
    consumed_contracts()  # imports every contract module
    return {t for t in known_types() if t.split(".")[0] in PUBLISHERS}


def test_every_published_event_type_is_consumed_mapped_and_told_in_words():
    types = published()
    assert {"housing.support_changed", "housing.moved_out", "employment.payment_made",
            "employment.skills_certified", "intake.beneficiary_registered"} <= types
    subscribed = set(handlers())
    words = load_catalogue().timeline_words
    assert types - subscribed == set()
    assert types - set(MAPPERS) == set()
    assert types - set(words) == set()


def test_an_event_with_fields_its_consumer_does_not_know_yet_parses_into_the_same_facts():
    scenario, people = coop_a()
    person = people["a1"]
    scenario._add(HousingCandidateWaiting(since=date(2025, 3, 2)), person, "2025-03-02")
    scenario._add(EmploymentCandidateWaiting(since=date(2025, 3, 2)), person, "2025-03-02")
    scenario._add(EmploymentIncomeChanged(source="traineeship", monthly_income_eur="500.00",
                                          since=date(2025, 6, 1), workplace_municipality="058091"),
                  person, "2025-06-01")
    seen = set()
    for event in scenario.events:
        wire = json.loads(encode(event.envelope))
        wire["payload"] |= {"step_free": True, "leave_by": "2026-03-31", "future_block": {"level": 2}}
        again = decode(json.dumps(wire).encode())
        assert again is not None, event.envelope.event_type
        assert list(facts_of(again)) == list(facts_of(event)), event.envelope.event_type
        seen.add(event.envelope.event_type)
    housing_and_employment = {t for t in published() if not t.startswith("intake.")}
    assert housing_and_employment <= seen  # the scenario carries every type of housing and employment


def test_every_source_of_income_from_work_is_told_in_words():
    """The timeline said "Reddito da lavoro aggiornato: contract." for a hire."""
    labels = load_catalogue().labels
    sources = typing.get_args(EmploymentIncomeChanged.model_fields["source"].annotation)
    assert "contract" in sources
    for source in sources:
        for language in ("it", "en"):
            assert labels.code(source, language) != source, (source, language)
