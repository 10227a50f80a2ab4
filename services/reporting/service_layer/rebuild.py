"""Rebuild every projection from the start of the topics into a new generation while reports keep
answering from the active one; then switch. The live consumer writes each event to every open
generation (appends are idempotent), so whatever arrives during the rebuild is in both."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Protocol

from shared.errors import Conflict

log = logging.getLogger(__name__)

Loader = Callable[[int], Awaitable[int]]  # fills generation n from the topics; returns the facts written


class Generations(Protocol):
    """Where generations live (adapters.generation_store on PostgreSQL)."""

    def exclusive(self) -> AbstractAsyncContextManager[bool]:
        """Held for a whole rebuild, across processes; False when another rebuild holds it."""
        ...

    async def open_new(self) -> int:
        """A new generation, `building`; one left `building` by a rebuild that died is dropped first."""
        ...

    async def index(self, generation: int) -> None: ...

    async def switch(self, generation: int) -> int:
        """Makes the generation the one reports read; returns its facts."""
        ...

    async def abandon(self, generation: int) -> None: ...

    async def listed(self) -> list[dict[str, object]]: ...


@dataclass(frozen=True)
class RebuildResult:
    generation: int
    facts: int
    seconds: float


async def rebuild(store: Generations, load: Loader) -> RebuildResult:
    """Build generation n+1 from the topics, index it, then make it the active one. One rebuild at a
    time, across processes: the store's lock is held for the whole run, so a generation left
    `building` by a process that died is known to be stale and is dropped by the next rebuild."""
    async with store.exclusive() as held:
        if not held:
            raise Conflict("a rebuild is already running", rule="rebuild_running")
        started = time.perf_counter()
        generation = await store.open_new()
        try:
            written = await load(generation)
            loaded = time.perf_counter()
            await store.index(generation)
            log.info("rebuild loaded and indexed", extra={
                "generation": generation, "facts": written, "load_s": round(loaded - started, 2),
                "index_s": round(time.perf_counter() - loaded, 2)})
            facts = await store.switch(generation)
        except BaseException:
            await store.abandon(generation)
            raise
        return RebuildResult(generation, facts, time.perf_counter() - started)


async def generations(store: Generations) -> list[dict[str, object]]:
    """The projections' generations: the active one, any being rebuilt, the retired ones."""
    return await store.listed()
