"""Indicators from anonymous counts, with the suppression rule for figures that leave the
organisation: any count below the threshold is withheld and said to be."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

SMALL_CELL = 5


@dataclass(frozen=True)
class Cell:
    organisation_id: str
    sex: str
    age_band: str
    count: int


def by_organisation_sex_age(cells: Iterable[Cell], *, suppress_below: int | None) -> dict[str, Any]:
    """The count of people by organisation, sex and age band; totals are over shown cells only
    when suppression applies, so a withheld cell cannot be recovered by subtraction."""
    rows = []
    total = 0
    withheld = 0
    for cell in sorted(cells, key=lambda c: (c.organisation_id, c.sex, c.age_band)):
        hidden = suppress_below is not None and cell.count < suppress_below
        rows.append({
            "organisation_id": cell.organisation_id, "sex": cell.sex, "age_band": cell.age_band,
            "count": None if hidden else cell.count, "suppressed": hidden,
        })
        if hidden:
            withheld += 1
        else:
            total += cell.count
    return {
        "beneficiaries": {"total_shown": total, "cells": rows, "suppressed_cells": withheld},
        "suppression": (
            {"applied": True, "rule": f"counts below {suppress_below} are withheld"}
            if suppress_below is not None else {"applied": False}
        ),
    }
