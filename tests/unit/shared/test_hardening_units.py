"""Unit tests of issue 12's shared mechanisms: request limits, the supervisor's backoff, JWT claim
types, the Kafka log gate, strict legal booleans, the OpenAPI completion."""

from __future__ import annotations

import asyncio
import logging
import time

import jwt
import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from pydantic import BaseModel, ValidationError

from shared.auth import AuthSettings, Role, TokenVerifier, issue_token
from shared.auth.principal import AuthError
from shared.limits import RequestLimits, nul_paths
from shared.runtime import Supervisor
from shared.telemetry import KafkaLogGate
from shared.types import LegalBool, Text

pytestmark = pytest.mark.unit


def _app() -> TestClient:
    app = FastAPI()

    @app.post("/echo")
    async def echo(request: Request) -> dict:
        return {"size": len(await request.body())}

    @app.get("/q")
    async def q(purpose: str = "") -> dict:
        return {"purpose": purpose}

    @app.post("/api/v1/imports/people")
    async def upload(request: Request) -> dict:
        return {"size": len(await request.body())}

    app.add_middleware(RequestLimits, max_body_bytes=1024, max_header_bytes=2048, max_upload_bytes=4096)
    return TestClient(app)


client = _app()


def test_a_body_within_the_limit_reaches_the_route_whole():
    assert client.post("/echo", content=b"x" * 1000).json() == {"size": 1000}


def test_a_body_over_the_limit_is_413_whether_announced_or_streamed():
    announced = client.post("/echo", content=b"x" * 1025)
    assert announced.status_code == 413 and announced.json()["errors"][0]["rule"] == "body_too_large"

    def chunks():
        for _ in range(10):
            yield b"x" * 200

    streamed = client.post("/echo", content=chunks())  # chunked: no Content-Length
    assert streamed.status_code == 413


def test_an_upload_route_takes_a_caseload_file_up_to_its_own_limit():
    assert client.post("/api/v1/imports/people", content=b"x" * 4000).json() == {"size": 4000}
    refused = client.post("/api/v1/imports/people", content=b"x" * 4097)
    assert refused.status_code == 413 and "4096" in refused.json()["errors"][0]["message"]
    assert client.post("/echo", content=b"x" * 4000).status_code == 413  # a command's body keeps its limit


def test_headers_over_the_limit_are_431():
    response = client.get("/q", headers={"x-big": "a" * 3000})
    assert response.status_code == 431 and response.json()["errors"][0]["field"] == "headers"


def test_nul_in_a_query_or_body_names_the_field():
    got = client.get("/q?purpose=case%00work")
    assert got.status_code == 422 and got.json()["errors"][0]["field"] == "query.purpose"
    got = client.post("/echo", content=b'{"a": {"b": ["ok", "x\\u0000y"]}}')
    assert got.status_code == 422 and got.json()["errors"] == [
        {"field": "a.b.1", "rule": "nul_character", "message": "text must not hold a NUL character (U+0000)"}]
    assert list(nul_paths({"k\x00": 1})) == ["k\\u0000"]


def test_shared_text_refuses_nul_and_legal_booleans_refuse_yes():
    class M(BaseModel):
        t: Text
        given: LegalBool

    with pytest.raises(ValidationError) as caught:
        M(t="a\x00b", given="yes")
    assert {e["type"] for e in caught.value.errors()} == {"nul_character", "bool_type"}
    assert M(t="ok", given=True).given is True


async def test_the_backoff_resets_once_the_loop_has_worked_again():
    # healthy_after_s far above what a failing attempt can take even on two busy cores (it fails at once)
    supervisor = Supervisor("t", first_delay_s=0.01, max_delay_s=0.04, healthy_after_s=0.5)
    delays: list[float] = []
    plan = iter(["fail", "fail", "fail", "fail", "work-then-fail", "fail", "stop"])

    async def loop() -> None:
        step = next(plan)
        delays.append(supervisor.delay_s)
        if step == "work-then-fail":
            await asyncio.sleep(0.6)
        if step != "stop":
            raise ConnectionError(step)

    await asyncio.wait_for(supervisor.run(loop), 5)
    # delay_s as each attempt starts: doubling up to the cap; after the loop that worked for longer
    # than healthy_after_s it waited the first delay again (0.01) and doubles from there (0.02)
    assert delays == [0.01, 0.02, 0.04, 0.04, 0.04, 0.02, 0.04]
    assert supervisor.failures == 2 and not supervisor.in_backoff


def _token(**changes) -> str:
    settings = AuthSettings()
    claims = jwt.decode(issue_token(settings, subject="s", role=Role.operator, organisation_id="o"),
                        options={"verify_signature": False})
    return jwt.encode(claims | changes, settings.local_secret.get_secret_value(), algorithm="HS256")


@pytest.mark.parametrize(("claim", "value"), [("exp", str(int(time.time()) + 600)), ("exp", True),
                                              ("iat", "0"), ("sub", 5), ("aud", 7), ("aud", [])])
def test_claims_of_the_wrong_jwt_type_are_refused(claim, value):
    with pytest.raises(AuthError, match=claim):
        TokenVerifier(AuthSettings()).verify(_token(**{claim: value}))


def test_a_well_typed_token_still_passes():
    assert TokenVerifier(AuthSettings()).verify(_token()).subject == "s"


def test_the_kafka_log_gate_lets_one_line_through_per_change_of_state():
    gate = KafkaLogGate()
    records = [logging.LogRecord("aiokafka.conn", logging.ERROR, "", 0, "Unable connect %s", (i,), None)
               for i in range(100)]
    passed = [r for r in records if gate.filter(r)]
    assert len(passed) == 1 and passed[0].getMessage().startswith("Kafka unreachable")
    other = logging.LogRecord("shared.relay", logging.ERROR, "", 0, "mine", (), None)
    assert gate.filter(other)  # the gate holds back only the Kafka client's lines
    gate.reachable()
    assert not gate.down and not gate.filter(records[0])  # in-flight failures right after it is back
    gate.SETTLE_S = 0.0
    gate.down = True
    gate.reachable()
    assert gate.filter(records[0]) and gate.down  # a new outage: one line again
