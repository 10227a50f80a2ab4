"""The fuzz stage: schemathesis on the real services, every operation of every service, with an
admin's and an operator's token, bounded to a few minutes; 0 server errors and 0 response-schema
violations. `make fuzz` runs a longer version (PERCORSI_FUZZ_EXAMPLES)."""

from __future__ import annotations

import asyncio
import json
import os

import pytest

from shared.auth import Role
from tests import fuzz, servers
from tests.e2e.conftest import token

pytestmark = pytest.mark.e2e
EXAMPLES = int(os.environ.get("PERCORSI_FUZZ_EXAMPLES", "8"))


async def test_no_server_error_and_no_schema_violation_on_any_operation(services, tmp_path):
    reports = {}
    for service, url in services.items():
        for role in (Role.admin, Role.operator):
            bearer = token(role, "coop-fuzz")["Authorization"].removeprefix("Bearer ")
            name = f"{service}-{role.value}"
            reports[name] = await asyncio.to_thread(
                fuzz.run_one, url, bearer, max_examples=EXAMPLES, report=tmp_path / f"{name}.json")
    summary = fuzz.summarise(reports)
    (servers.STATE / "fuzz-summary.json").write_text(json.dumps(summary, indent=1))
    print(json.dumps(summary["totals"]), json.dumps(summary["failures"]))
    assert summary["totals"]["operations"] >= 30 and summary["totals"]["errored"] == 0, summary["totals"]
    assert summary["failures"] == {}, json.dumps(summary["where"], indent=1)
