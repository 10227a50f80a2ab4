"""Intake's settings: the platform's, plus the keys that protect personal data."""

from __future__ import annotations

import base64
import hashlib

from pydantic import SecretStr, model_validator

from shared.settings import ServiceSettings

# Dev-only keys, derived from a public phrase: refused outside local runs and tests.
_DEV_MASTER = base64.b64encode(hashlib.sha256(b"percorsi dev master key").digest()).decode()
_DEV_INDEX = base64.b64encode(hashlib.sha256(b"percorsi dev index key").digest()).decode()
HTTP_PORT = 8001


class IntakeSettings(ServiceSettings):
    master_key: SecretStr = SecretStr(_DEV_MASTER)
    index_key: SecretStr = SecretStr(_DEV_INDEX)
    permit_expiring_days: int = 60

    @model_validator(mode="after")
    def _no_dev_keys_outside_local(self) -> IntakeSettings:
        dev = {_DEV_MASTER, _DEV_INDEX} & {self.master_key.get_secret_value(), self.index_key.get_secret_value()}
        if dev and self.env not in ("local", "test"):
            raise ValueError(
                "PERCORSI_INTAKE_MASTER_KEY and PERCORSI_INTAKE_INDEX_KEY must be set (base64, 32 bytes) "
                f"when PERCORSI_ENV={self.env!r}: the development keys are public"
            )
        return self

    def keys(self) -> tuple[bytes, bytes]:
        return (base64.b64decode(self.master_key.get_secret_value()),
                base64.b64decode(self.index_key.get_secret_value()))


def settings() -> IntakeSettings:
    return IntakeSettings.for_service("intake", http_port=HTTP_PORT)
