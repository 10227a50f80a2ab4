"""What the team asks of the pipeline: time spent in each stage, and conversion from stage to stage per
opening (which openings stall). Computed from the stage history alone, the same for every store."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from employment.domain.levels import OpeningKind
from employment.domain.pipeline import FUNNEL, Stage


@dataclass(frozen=True)
class StageVisit:
    placement_id: UUID
    opening_id: UUID
    kind: OpeningKind
    stage: Stage
    entered_on: date
    left_on: date | None


def funnel(visits: Iterable[StageVisit], *, today: date) -> dict[UUID, dict[str, Any]]:
    """Per opening: how many reached each stage of its funnel, the share that went on to the next, and the
    mean days spent in each stage (a stage still current counts up to today; one dated after today, as steps
    may be, has spent no day in it yet)."""
    reached: dict[UUID, dict[Stage, set[UUID]]] = defaultdict(lambda: defaultdict(set))
    days: dict[UUID, dict[Stage, list[int]]] = defaultdict(lambda: defaultdict(list))
    kinds: dict[UUID, OpeningKind] = {}
    for v in visits:
        kinds[v.opening_id] = v.kind
        reached[v.opening_id][v.stage].add(v.placement_id)
        days[v.opening_id][v.stage].append(max(((v.left_on or today) - v.entered_on).days, 0))
    out: dict[UUID, dict[str, Any]] = {}
    for opening, by_stage in reached.items():
        stages = FUNNEL[kinds[opening]]
        steps = []
        for a, b in zip(stages, stages[1:], strict=False):
            n_a, n_b = len(by_stage.get(a, ())), len(by_stage.get(b, ()))
            steps.append({"from": a.value, "to": b.value, "entered": n_a, "went_on": n_b,
                          "conversion": round(n_b / n_a, 4) if n_a else None})
        out[opening] = {
            "kind": kinds[opening].value,
            "reached": {s.value: len(by_stage.get(s, ())) for s in stages},
            "conversion": steps,
            "mean_days_in_stage": {s.value: round(sum(d) / len(d), 1) for s, d in days[opening].items() if d},
        }
    return out
