"""Every Kafka topic of the platform, in one place. Keys are beneficiary ids, so one person's
events stay on one partition and in order."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int = 6
    retention_ms: int = -1  # the event log is the reporting service's source of truth: keep it


INTAKE_EVENTS = TopicSpec("percorsi.intake.events")
HOUSING_EVENTS = TopicSpec("percorsi.housing.events")
EMPLOYMENT_EVENTS = TopicSpec("percorsi.employment.events")
DEAD_LETTER = TopicSpec("percorsi.dead-letter", partitions=3)

ALL_TOPICS: tuple[TopicSpec, ...] = (INTAKE_EVENTS, HOUSING_EVENTS, EMPLOYMENT_EVENTS, DEAD_LETTER)

PRODUCED_BY = {
    "intake": INTAKE_EVENTS,
    "housing": HOUSING_EVENTS,
    "employment": EMPLOYMENT_EVENTS,
}
