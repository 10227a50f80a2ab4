"""What every housing route needs: the service context and the roles that may call it."""

from __future__ import annotations

from fastapi import Request

from housing.service_layer.context import Context
from shared.auth import Role, require

TEAM = require(Role.housing, Role.admin)  # the housing team acts
READERS = require(Role.housing, Role.operator, Role.admin)  # operators follow their people's housing


def context(request: Request) -> Context:
    ctx: Context = request.app.state.housing
    return ctx
