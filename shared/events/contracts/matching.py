"""Events of the matching services: people waiting for housing or for a work path."""

from __future__ import annotations

from datetime import date

from shared.events.envelope import EventPayload
from shared.events.registry import contract


@contract
class HousingCandidateWaiting(EventPayload):
    """Housing put a newly registered person on its waiting list."""

    event_type = "housing.candidate_waiting"
    version = 1

    since: date


@contract
class EmploymentCandidateWaiting(EventPayload):
    """Employment put a newly registered person on its waiting list."""

    event_type = "employment.candidate_waiting"
    version = 1

    since: date
