"""Every refusal answers the one error body, every list the one page shape, and the OpenAPI
document says so (not FastAPI's default 422 body)."""

import pytest
from fastapi import APIRouter, Depends, FastAPI, HTTPException
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from shared.api import ERROR_RESPONSES, ErrorBody, Page, PageQuery, install_error_handlers
from shared.errors import Conflict, Forbidden, NotFound, RuleViolation, Violations

pytestmark = pytest.mark.unit


class Thing(BaseModel):
    name: str = Field(min_length=2)


def _app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    router = APIRouter(responses=ERROR_RESPONSES)

    @router.post("/things", response_model=Thing)
    def create(thing: Thing) -> Thing:
        if thing.name == "xx":
            raise RuleViolation("name", "name_taken", "a thing named xx exists")
        if thing.name == "yy":
            raise Violations([RuleViolation("name", "r1", "m1"), RuleViolation("size", "r2", "m2")])
        if thing.name == "zz":
            raise Conflict("state forbids it", rule="frozen", field="name", allowed=["a", "b"])
        if thing.name == "ww":
            raise Forbidden("not for your role", rule="role")
        if thing.name == "vv":
            raise HTTPException(401, detail="missing bearer token", headers={"WWW-Authenticate": "Bearer"})
        raise NotFound("no such thing")

    @router.get("/things", response_model=Page[Thing])
    def things(page: PageQuery = Depends()) -> dict:
        return page.page([{"name": "ab"}], total=7)

    app.include_router(router)
    return app


client = TestClient(_app())


@pytest.mark.parametrize(("name", "status", "errors", "extra"), [
    ("a", 422, [{"field": "name", "rule": "string_too_short", "message": "String should have at least 2 characters"}],
     {}),
    ("xx", 422, [{"field": "name", "rule": "name_taken", "message": "a thing named xx exists"}], {}),
    ("yy", 422, [{"field": "name", "rule": "r1", "message": "m1"}, {"field": "size", "rule": "r2", "message": "m2"}],
     {}),
    ("zz", 409, [{"field": "name", "rule": "frozen", "message": "state forbids it"}], {"allowed": ["a", "b"]}),
    ("ww", 403, [{"field": "", "rule": "role", "message": "not for your role"}], {}),
    ("vv", 401, [], {}),
    ("uu", 404, [], {}),
])
def test_every_refusal_has_the_one_body(name, status, errors, extra):
    response = client.post("/things", json={"name": name})
    assert response.status_code == status
    body = response.json()
    assert body["errors"] == errors and set(body) == {"detail", "errors", *extra}
    assert all(body[k] == v for k, v in extra.items())
    ErrorBody.model_validate(body)


def test_a_body_that_is_not_json_is_named_as_the_body_with_where_parsing_stopped():
    response = client.post("/things", content=b'{"name": "ab",', headers={"content-type": "application/json"})
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert (error["field"], error["rule"]) == ("body", "json_invalid")
    assert "at character 14" in error["message"]


def test_a_page_says_where_it_stands_and_its_bounds_hold():
    assert client.get("/things", params={"limit": 3, "offset": 2}).json() == {
        "items": [{"name": "ab"}], "total": 7, "limit": 3, "offset": 2}
    for params, field in (({"limit": 0}, "query.limit"), ({"limit": 501}, "query.limit"),
                          ({"offset": -1}, "query.offset"), ({"offset": 9223372036854775808}, "query.offset")):
        response = client.get("/things", params=params)
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == field


def test_the_openapi_document_describes_the_bodies_sent():
    doc = client.get("/openapi.json").json()
    post = doc["paths"]["/things"]["post"]["responses"]
    for status in ("401", "403", "404", "409", "422"):
        assert post[status]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}
    assert "HTTPValidationError" not in doc["components"]["schemas"]
    page = doc["paths"]["/things"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert page["$ref"].endswith("Page_Thing_")
