"""A rebuild's load spread over worker processes, each reading its share of the partitions,
decoding (and upcasting) them and writing their facts with its own connection. Decoding is the
rebuild's main cost and Python runs it on one core per process; the database and the broker are
processes of their own, so the load is split across what the machine has."""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ProcessPoolExecutor

from reporting.adapters import facts_sql
from reporting.adapters.topic_reader import Partition, TopicReader, end_offsets

Loader = Callable[[int], Awaitable[int]]


def _load(args: tuple[str, str, dict[Partition, int], list[str], int]) -> int:
    """A worker process's whole job; returns the facts it wrote."""
    from shared.heap import settle_after_startup

    settle_after_startup()
    return asyncio.run(_load_async(*args))


async def _load_async(dsn: str, bootstrap: str, ends: dict[Partition, int], event_types: list[str],
                      generation: int) -> int:
    from shared.db import create_pool

    pool = await create_pool(dsn, min_size=1, max_size=1)
    written = 0
    try:
        async with pool.acquire() as conn:
            async for events in TopicReader(bootstrap, [], event_types, ends=ends).batches():
                rows = facts_sql.rows_of(events)
                async with conn.transaction():
                    await facts_sql.append_staged(conn, [generation], rows)
                written += len(rows)
    finally:
        await pool.close()
    return written


def in_workers(dsn: str, bootstrap: str, topics: Sequence[str], event_types: Sequence[str],
               workers: int = 2) -> Loader:
    """The production loader: the partitions up to their ends now, dealt out to `workers` processes."""

    async def load(generation: int) -> int:
        ends = {p: end for p, end in (await end_offsets(bootstrap, topics)).items() if end > 0}
        shares: list[dict[Partition, int]] = [{} for _ in range(workers)]
        for i, (partition, end) in enumerate(sorted(ends.items(), key=lambda kv: -kv[1])):
            shares[i % workers][partition] = end
        loop = asyncio.get_running_loop()
        # spawn, not fork: the parent runs threads (the event loop's executor, telemetry) a fork would copy
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            counts = await asyncio.gather(*(
                loop.run_in_executor(pool, _load, (dsn, bootstrap, share, list(event_types), generation))
                for share in shares if share))
        return sum(counts)

    return load
