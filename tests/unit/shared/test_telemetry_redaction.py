"""Personal data searched for in a query string never reaches a span."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from shared.telemetry import RedactQueryStrings, redact_query

pytestmark = pytest.mark.unit


def test_fastapi_server_spans_keep_the_query_keys_and_never_the_values():
    exported = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(RedactQueryStrings())
    provider.add_span_processor(SimpleSpanProcessor(exported))
    app = FastAPI(telemetry={"tracer_provider": provider})

    @app.get("/api/v1/beneficiaries")
    async def search(name: str = "", fiscal_code: str = "", purpose: str = "") -> dict:
        return {}

    with TestClient(app) as client:
        client.get("/api/v1/beneficiaries",
                   params={"name": "Warsame", "fiscal_code": "WRSHDN96E54Z336S", "purpose": "casework Hodan"})
    server = [s for s in exported.get_finished_spans() if s.attributes.get("url.path") == "/api/v1/beneficiaries"]
    assert server, "FastAPI made a server span"
    assert server[0].attributes["url.query"] == "name=REDACTED&fiscal_code=REDACTED&purpose=REDACTED"
    text = repr([dict(s.attributes) for s in exported.get_finished_spans()])
    assert [w for w in ("Warsame", "WRSHDN96E54Z336S", "Hodan") if w in text] == []


@pytest.mark.parametrize(("value", "whole", "redacted"), [
    ("name=Amina&purpose=", True, "name=REDACTED&purpose=REDACTED"),
    ("Amina", True, "REDACTED"),
    ("http://intake/api/v1/beneficiaries?name=Amina#top", False, "http://intake/api/v1/beneficiaries?name=REDACTED"),
    ("/api/v1/beneficiaries", False, "/api/v1/beneficiaries"),
])
def test_redact_query(value, whole, redacted):
    assert redact_query(value, whole=whole) == redacted


def test_full_url_attributes_are_redacted_too():
    exported = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(RedactQueryStrings())
    provider.add_span_processor(SimpleSpanProcessor(exported))
    with provider.get_tracer("t").start_as_current_span(
        "GET", attributes={"url.full": "http://h/p?fiscal_code=X1", "http.target": "/p?name=Amina"}
    ):
        pass
    assert dict(exported.get_finished_spans()[0].attributes) == {
        "url.full": "http://h/p?fiscal_code=REDACTED", "http.target": "/p?name=REDACTED"}
