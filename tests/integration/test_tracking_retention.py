"""The consumer's tracking rows are forgotten after the retention, never before."""

from __future__ import annotations

from uuid import uuid4

import pytest

from shared.tracking import TrackingRetention

pytestmark = pytest.mark.integration
DAY_S = 86_400


async def track_aged(pool, *ages: str) -> dict[str, object]:
    ids = {}
    for age in ages:
        ids[age] = uuid4()
        await pool.execute(
            "INSERT INTO processed_events (event_id, event_type, topic, partition, \"offset\", outcome, processed_at)"
            " VALUES ($1, 'probe', 'probe.events', 0, 0, 'handled', now() - $2::text::interval)", ids[age], age)
    return ids


async def remaining(pool) -> set:
    return {r["event_id"] for r in await pool.fetch("SELECT event_id FROM processed_events")}


async def test_rows_older_than_the_retention_go_and_younger_ones_stay(probe_db):
    _, pool = probe_db
    ids = await track_aged(pool, "31 days", "30 days 1 minute", "29 days 23 hours", "1 day", "0 seconds")
    assert await TrackingRetention(pool, keep_s=30 * DAY_S).prune() == 2
    assert await remaining(pool) == {ids["29 days 23 hours"], ids["1 day"], ids["0 seconds"]}


async def test_pruning_goes_on_chunk_after_chunk(probe_db):
    _, pool = probe_db
    young = await track_aged(pool, "1 hour")
    await track_aged(pool, *(f"{40 + i} days" for i in range(5)))
    assert await TrackingRetention(pool, keep_s=30 * DAY_S, chunk=2).prune() == 5
    assert await remaining(pool) == set(young.values())


def test_no_retention_is_refused():
    with pytest.raises(ValueError, match="keep_s must be positive"):
        TrackingRetention(None, keep_s=0)
