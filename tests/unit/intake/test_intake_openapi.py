"""Intake's /openapi.json describes every body it answers: each operation names its success body's
model (never an empty schema) and answers every refusal in the shared ErrorBody; every list is a Page."""

import pytest
from fastapi.testclient import TestClient

from intake.bootstrap import build_app
from intake.settings import IntakeSettings

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def document() -> dict:
    app = build_app(IntakeSettings.for_service("intake", http_port=0))
    return TestClient(app).get("/openapi.json").json()


def operations(document: dict):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            if path.startswith("/api/"):
                yield path, method, operation


def test_every_operation_names_its_success_body(document):
    seen = 0
    for path, method, operation in operations(document):
        success = [s for s in operation["responses"] if s.startswith("2")]
        assert len(success) == 1, (path, method, success)
        content = operation["responses"][success[0]]["content"]
        if path.startswith("/api/v1/imports/templates/"):  # a file to download, in the formats it names
            assert set(content) >= {XLSX, "text/csv"}, content
            seen += 1
            continue
        schema = content["application/json"]["schema"]
        assert "$ref" in schema, (path, method, schema)
        seen += 1
    assert seen == 30  # every route of intake


def test_every_refusal_is_the_shared_error_body_and_every_list_a_page(document):
    for path, method, operation in operations(document):
        for status in ("401", "403", "404", "409", "422"):
            body = operation["responses"][status]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/ErrorBody"}, (path, method, status)
        if method == "get" and not path.endswith(("}", "/plan", "/consents", "/access-report", "/export")):
            ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
            assert ref.split("/")[-1].startswith("Page_"), (path, ref)
    assert "HTTPValidationError" not in document["components"]["schemas"]
