"""The anonymous attributes reporting counts people by, and how a correction changes them."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

COUNTED_ATTRIBUTES = ("sex", "age_band", "legal_status")


def corrected_attributes(changed: Mapping[str, Any]) -> dict[str, str]:
    """The counted attributes a correction carries new values for; an attribute it leaves out stays."""
    return {
        name: value.value if isinstance(value, Enum) else str(value)
        for name in COUNTED_ATTRIBUTES
        if (value := changed.get(name)) is not None
    }
