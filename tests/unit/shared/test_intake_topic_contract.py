"""Intake's topic carries the events `shared.events.contracts.INTAKE_PUBLISHED` lists: intake's wiring
publishes exactly those, and a service consuming intake's topic expects nothing else from it."""

import pytest

from employment.service_layer.intake_events import CONSUMED as EMPLOYMENT_CONSUMED
from housing.service_layer.handlers import CONSUMED as HOUSING_CONSUMED
from intake.bootstrap import wiring
from shared.events.contracts import INTAKE_PUBLISHED
from shared.topics import INTAKE_EVENTS

pytestmark = pytest.mark.unit


def test_intake_publishes_the_listed_events_on_its_topic():
    w = wiring()
    assert w.publishes == INTAKE_EVENTS
    assert list(w.published) == list(INTAKE_PUBLISHED)
    assert len(set(INTAKE_PUBLISHED)) == len(INTAKE_PUBLISHED)


@pytest.mark.parametrize("consumed", [EMPLOYMENT_CONSUMED, HOUSING_CONSUMED], ids=["employment", "housing"])
def test_what_a_service_consumes_from_intake_is_on_intake_s_topic(consumed):
    from_intake = [c for c in consumed if c.event_type.split(".")[0] not in ("housing", "employment")]
    assert from_intake and set(from_intake) <= set(INTAKE_PUBLISHED)
