"""The HTTP shapes every service answers with: one error body for every 4xx and 5xx a route can
give, one page shape for every list. Routers pass ERROR_RESPONSES so each /openapi.json describes
the bodies actually sent, not FastAPI's defaults."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.errors import Conflict, Forbidden, NotFound, RuleViolation, Violations, error_body

T = TypeVar("T")

MAX_PAGE = 500
MAX_OFFSET = 1_000_000  # deeper than any list a team pages through; keeps OFFSET inside PostgreSQL's range


class ErrorItem(BaseModel):
    field: str = Field(description="the input that is wrong, dotted for nested fields ('household.size')")
    rule: str = Field(description="stable code of the rule it breaks, for a client to switch on")
    message: str = Field(description="the rule in words, for a person")


class ErrorBody(BaseModel):
    """Every refusal: what went wrong, and one item per field at fault (empty when no field is).
    A 409 may add what the client needs to act on (e.g. `matches`, `allowed`)."""

    model_config = ConfigDict(extra="allow")

    detail: str
    errors: list[ErrorItem] = Field(default_factory=list)


class Page(BaseModel, Generic[T]):
    """One page of a list and how many there are in all, so a client knows where it stands."""

    items: list[T]
    total: int
    limit: int
    offset: int


class PageQuery:
    """`limit` and `offset` query parameters, bounded so no page is unbounded or out of range."""

    def __init__(
        self,
        limit: int = Query(50, ge=1, le=MAX_PAGE, description=f"items per page, at most {MAX_PAGE}"),
        offset: int = Query(0, ge=0, le=MAX_OFFSET, description=f"items to skip, at most {MAX_OFFSET}"),
    ) -> None:
        self.limit = limit
        self.offset = offset

    def page(self, items: list[Any], total: int) -> dict[str, Any]:
        return {"items": items, "total": total, "limit": self.limit, "offset": self.offset}


def _described(text: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": text}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _described("missing or invalid bearer token"),
    403: _described("the caller's role or purpose does not allow this"),
    404: _described("nothing by that id for the caller's organisation"),
    409: _described("the current state forbids this; `errors` names the rule"),
    422: _described("invalid input: one item per field and rule broken"),
}


def _item(v: RuleViolation) -> dict[str, str]:
    return {"field": v.field, "rule": v.rule, "message": v.message}


def _field_of(loc: tuple[Any, ...]) -> str:
    """Dotted path of the input; a body field is named without `body.` (query and path keep theirs)."""
    return ".".join(str(p) for p in loc if p != "body") or "body"


def _error_item(e: dict[str, Any]) -> dict[str, str]:
    """A body that is not JSON is located by the character where parsing stopped: the field is the body,
    and that position goes in the message ("1" named as a field is no field)."""
    loc = tuple(e["loc"])
    if e["type"] == "json_invalid" and loc[:1] == ("body",):
        where = f" at character {loc[1]}" if len(loc) > 1 else ""
        return {"field": "body", "rule": e["type"], "message": f"{e['msg']}{where}: the body must be JSON"}
    return {"field": _field_of(loc), "rule": e["type"], "message": e["msg"]}


async def _validation(_r: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse(error_body("invalid input", [_error_item(e) for e in exc.errors()]), status_code=422)


async def _rule_violation(_r: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RuleViolation)
    return JSONResponse(error_body("invalid input", [_item(exc)]), status_code=422)


async def _violations(_r: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Violations)
    return JSONResponse(error_body("invalid input", [_item(v) for v in exc.violations]), status_code=422)


async def _not_found(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, NotFound)
    if exc.field is None:
        return JSONResponse(error_body(exc.detail), status_code=404)
    field = (f"path.{exc.field}" if exc.field in request.path_params
             else f"query.{exc.field}" if exc.field in request.query_params else exc.field)
    return JSONResponse(error_body(exc.detail, [{"field": field, "rule": "not_found", "message": exc.detail}]),
                        status_code=404)


async def _conflict(_r: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Conflict)
    item = {"field": exc.field or "", "rule": exc.rule, "message": exc.detail}
    return JSONResponse(error_body(exc.detail, [item], **exc.extra), status_code=409)


async def _forbidden(_r: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Forbidden)
    return JSONResponse(error_body(exc.detail, [{"field": "", "rule": exc.rule, "message": exc.detail}]),
                        status_code=403)


async def _http(_r: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    rule = getattr(exc, "rule", None)  # a role refused (shared.auth) names its rule, as Forbidden does
    items = [{"field": "", "rule": rule, "message": detail}] if isinstance(rule, str) else None
    return JSONResponse(error_body(detail, items), status_code=exc.status_code, headers=exc.headers)


def install_error_handlers(app: FastAPI) -> None:
    """Every refusal a service raises, answered in the one ErrorBody shape."""
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(RuleViolation, _rule_violation)
    app.add_exception_handler(Violations, _violations)
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(Conflict, _conflict)
    app.add_exception_handler(Forbidden, _forbidden)
    app.add_exception_handler(StarletteHTTPException, _http)
