"""How a Percorsi process keeps the garbage collector out of its way, once it has started.

Start-up builds a large, long-lived heap (pydantic's validators, FastStream, OpenTelemetry,
asyncpg's codecs): `gc.freeze()` moves it out of the collector's sight, so a full collection no
longer walks it. A consumer allocates thousands of short-lived containers per batch (records,
envelopes, argument lists) that die with the batch; with CPython's default first threshold (700
allocations) the collector runs hundreds of times per batch run for objects that would die anyway. A
first threshold of 50,000 leaves it a handful of runs, while the young generation may hold up to
50,000 objects between collections (the figures are in the README's Benchmarks section)."""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 50_000


def settle_after_startup() -> None:
    """Call once, when start-up is done and before the process serves anything."""
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, older, oldest)
