"""The service layer's refusals as HTTP answers: 404, 409 naming the rule, 422 naming the field
in the same shape as the schema errors."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from intake.service_layer.errors import Conflict, Invalid, NotFound, RuleBroken


async def _not_found(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=404)


async def _conflict(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Conflict)
    return JSONResponse({"detail": exc.detail, "rule": exc.rule, **exc.extra}, status_code=409)


async def _rule_broken(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RuleBroken)
    errors = [{"field": exc.field, "rule": exc.message, "type": exc.rule}]
    return JSONResponse({"detail": "invalid input", "errors": errors}, status_code=422)


async def _invalid(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Invalid)
    return JSONResponse({"detail": "invalid input", "errors": exc.errors}, status_code=422)


def install(app: FastAPI) -> None:
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(Conflict, _conflict)
    app.add_exception_handler(RuleBroken, _rule_broken)
    app.add_exception_handler(Invalid, _invalid)
