"""Dating a registration in the past: a caseload's history comes in with the day each person was
really taken in charge, held to the projects it is charged to."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class TakenInChargeTooEarly:
    """The person was taken in charge before a project of theirs started."""

    field: str
    code: str
    started_on: date

    def message(self, day: date) -> str:
        return (f"taken in charge on {day.isoformat()}, before project {self.code} started "
                f"({self.started_on.isoformat()})")


def too_early(day: date, project_codes: Sequence[str], starts: Mapping[str, date]) -> list[TakenInChargeTooEarly]:
    """The projects among `project_codes` (known ones, with their start in `starts`) that started after `day`."""
    return [TakenInChargeTooEarly(f"project_ids.{i}", code, starts[code])
            for i, code in enumerate(project_codes) if code in starts and starts[code] > day]
