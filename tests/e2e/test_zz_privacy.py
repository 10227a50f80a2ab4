"""Runs after the other end-to-end tests (file order): what they registered never reached Kafka."""

from __future__ import annotations

import re

import pytest

from shared.topics import ALL_TOPICS
from tests.kafka_support import read_all

pytestmark = pytest.mark.e2e


async def test_no_name_or_fiscal_code_on_any_topic(services, real_servers, registered_personal_data):
    assert len(registered_personal_data) >= 12, "the scenarios before this one registered people"
    records = [r for topic in ALL_TOPICS for r in await read_all(real_servers.kafka, topic.name)]
    haystack = b"\n".join((r.value or b"") + b"".join(v or b"" for _, v in r.headers) for r in records)
    assert haystack, "the topics hold the scenarios' events"
    # Whole words only: "Ali" must not match "italian_level".
    found = [p for p in registered_personal_data
             if re.search(rb"(?<![a-z0-9])" + re.escape(p.lower().encode()) + rb"(?![a-z0-9])", haystack.lower())]
    assert found == []
