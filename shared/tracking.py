"""Retention of the idempotent consumer's tracking rows: `processed_events` remembers each record's
id long enough for a late redelivery (a rewind, a relay republishing after a crash) to be recognised,
and no longer."""

from __future__ import annotations

import asyncio

import asyncpg

_PRUNE = """
DELETE FROM processed_events
WHERE event_id IN (SELECT event_id FROM processed_events
                   WHERE processed_at < now() - make_interval(secs => $1) LIMIT $2)
"""


class TrackingRetention:
    """Forgets tracking rows older than `keep_s`, every `every_s`; borrows the pool, owns nothing."""

    def __init__(self, pool: asyncpg.Pool, *, keep_s: float, every_s: float = 3600, chunk: int = 10_000) -> None:
        if keep_s <= 0:
            raise ValueError("keep_s must be positive: a tracking row is what makes a redelivery harmless")
        self._pool = pool
        self._keep_s = keep_s
        self._every_s = every_s
        self._chunk = chunk

    async def prune(self) -> int:
        """Delete the rows past the retention, in chunks that hold no lock for long; returns how many."""
        total = 0
        while True:
            async with self._pool.acquire() as conn:
                deleted = int((await conn.execute(_PRUNE, self._keep_s, self._chunk)).split()[-1])
            total += deleted
            if deleted < self._chunk:
                return total

    async def run(self) -> None:
        while True:
            await self.prune()
            await asyncio.sleep(self._every_s)
