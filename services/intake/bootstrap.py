"""Intake's composition root."""

from __future__ import annotations

from fastapi import FastAPI

from intake.adapters.vault import Vault
from intake.entrypoints.http import router
from intake.settings import IntakeSettings, settings
from shared.events.contracts import BeneficiaryErased, BeneficiaryRegistered
from shared.http import create_app
from shared.runtime import EventWiring, Runtime
from shared.topics import INTAKE_EVENTS


def wiring() -> EventWiring:
    return EventWiring(publishes=INTAKE_EVENTS, published=[BeneficiaryRegistered, BeneficiaryErased])


def build_app(config: IntakeSettings | None = None) -> FastAPI:
    config = config or settings()
    vault = Vault(*config.keys())

    def attach(_runtime: Runtime, app: FastAPI) -> None:
        app.state.vault = vault

    return create_app(Runtime(config, wiring()), title="Percorsi intake", routers=[router], on_start=attach)
