"""Housing's settings: the platform's, plus where its rules live (a funder or region may ship its own)."""

from __future__ import annotations

from pathlib import Path

from pydantic import field_validator

from housing.domain.rules import RULES_DIR
from shared.settings import ServiceSettings

HTTP_PORT = 8002


class HousingSettings(ServiceSettings):
    rules_dir: Path = RULES_DIR

    @field_validator("rules_dir")
    @classmethod
    def _rules_exist(cls, v: Path) -> Path:
        missing = [f for f in ("scoring.yaml", "workflow.yaml", "funds.yaml") if not (v / f).is_file()]
        if missing:
            raise ValueError(f"PERCORSI_HOUSING_RULES_DIR={v} lacks {', '.join(missing)}")
        return v


def settings() -> HousingSettings:
    return HousingSettings.for_service("housing", http_port=HTTP_PORT)
