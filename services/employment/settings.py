"""Employment's settings: the platform's, plus where its rules and data files are read from (a
deployment can point at a reviewed copy, e.g. next year's regional traineeship rules)."""

from __future__ import annotations

from pathlib import Path

from pydantic import field_validator

from shared.settings import ServiceSettings

HTTP_PORT = 8003
_HERE = Path(__file__).resolve().parent


class EmploymentSettings(ServiceSettings):
    rules_dir: Path = _HERE / "rules"
    data_dir: Path = _HERE / "data"

    @field_validator("rules_dir", "data_dir")
    @classmethod
    def _folder_exists(cls, folder: Path) -> Path:
        if not folder.is_dir():
            raise ValueError(f"{folder} is not a folder")
        return folder


def settings() -> EmploymentSettings:
    return EmploymentSettings.for_service("employment", http_port=HTTP_PORT)
