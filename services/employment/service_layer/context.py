"""What every employment service function works with: a unit-of-work factory, the rules on file, the
matcher and today's date (Italy's), all given by the composition root or by a test."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from employment.adapters.rulebook import Rulebook
from employment.service_layer.matching import Matcher
from employment.service_layer.unit_of_work import Work


def italian_today() -> date:
    return datetime.now(ZoneInfo("Europe/Rome")).date()


__all__ = ["Employment", "Work", "italian_today"]


@dataclass
class Employment:
    uow: Callable[[], Work]
    rulebook: Rulebook
    matcher: Matcher
    today: Callable[[], date] = italian_today
