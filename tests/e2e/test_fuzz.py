"""The fuzz stage: schemathesis on the real services, every operation of every service, with an
admin's and an operator's token; 0 server errors and 0 response-schema violations. One test per
service and role, so each is bounded by the suite's per-test timeout on its own share of the work
(the eight runs in one test outgrew it on a machine whose cores were busy). `make fuzz` runs a longer
version (PERCORSI_FUZZ_EXAMPLES)."""

from __future__ import annotations

import asyncio
import json
import os

import httpx
import pytest

from shared.auth import Role
from tests import fuzz, servers
from tests.e2e.conftest import token

pytestmark = pytest.mark.e2e
EXAMPLES = int(os.environ.get("PERCORSI_FUZZ_EXAMPLES", "8"))
METHODS = {"get", "put", "post", "delete", "patch"}


def documented_operations(url: str) -> int:
    document = httpx.get(f"{url}/openapi.json", timeout=30).json()
    return sum(1 for item in document["paths"].values() for method in item if method in METHODS)


@pytest.mark.parametrize("role", [Role.admin, Role.operator], ids=lambda r: r.value)
@pytest.mark.parametrize("service", ["intake", "housing", "employment", "reporting"])
async def test_no_server_error_and_no_schema_violation_on_any_operation(services, tmp_path, service, role):
    url = services[service]
    bearer = token(role, "coop-fuzz")["Authorization"].removeprefix("Bearer ")
    name = f"{service}-{role.value}"
    report = await asyncio.to_thread(fuzz.run_one, url, bearer, max_examples=EXAMPLES, report=tmp_path / f"{name}.json")
    summary = fuzz.summarise({name: report})
    (servers.STATE / f"fuzz-summary-{name}.json").write_text(json.dumps(summary, indent=1))
    print(json.dumps(summary["totals"]), json.dumps(summary["failures"]))
    documented = await asyncio.to_thread(documented_operations, url)
    assert summary["totals"]["operations"] == documented, (summary["totals"], documented)
    assert summary["totals"]["errored"] == 0, summary["totals"]
    assert summary["failures"] == {}, json.dumps(summary["where"], indent=1)
