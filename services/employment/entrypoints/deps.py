"""What every route depends on: the service's context and the caller, admitted by role."""

from __future__ import annotations

from fastapi import Depends, Request

from employment.service_layer.context import Employment
from shared.auth import Principal, Role, require

TEAM = Depends(require(Role.employment, Role.operator, Role.admin))
ADMIN = Depends(require(Role.employment, Role.admin))


def employment(request: Request) -> Employment:
    return request.app.state.employment


APP = Depends(employment)
__all__ = ["ADMIN", "APP", "TEAM", "Principal"]
