"""The rebuild's steps, decided by the service layer over any store of generations: one at a time,
a failed load leaves the active generation in place, a finished one becomes the active one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from reporting.service_layer.rebuild import generations, rebuild
from shared.errors import Conflict

pytestmark = pytest.mark.unit


class Generations:
    """In memory: generation numbers and their states, and the one rebuild lock."""

    def __init__(self) -> None:
        self.states: dict[int, str] = {1: "active"}
        self.facts: dict[int, int] = {1: 0}
        self.locked = False

    @asynccontextmanager
    async def exclusive(self) -> AsyncIterator[bool]:
        if self.locked:
            yield False
            return
        self.locked = True
        try:
            yield True
        finally:
            self.locked = False

    async def open_new(self) -> int:
        for g in [g for g, s in self.states.items() if s == "building"]:
            del self.states[g]  # left by a rebuild that died
        n = max(self.states) + 1
        self.states[n], self.facts[n] = "building", 0
        return n

    async def index(self, generation: int) -> None:
        assert self.states[generation] == "building"

    async def switch(self, generation: int) -> int:
        for g, s in self.states.items():
            if s == "active":
                self.states[g] = "retired"
        self.states[generation] = "active"
        return self.facts[generation]

    async def abandon(self, generation: int) -> None:
        if self.states.get(generation) == "building":
            del self.states[generation]

    async def listed(self) -> list[dict[str, object]]:
        return [{"generation": g, "state": s, "events": self.facts[g]} for g, s in sorted(self.states.items())]


async def test_a_finished_rebuild_becomes_the_active_generation() -> None:
    store = Generations()

    async def load(generation: int) -> int:
        store.facts[generation] = 42
        return 42

    result = await rebuild(store, load)
    assert (result.generation, result.facts) == (2, 42)
    assert [(g["generation"], g["state"]) for g in await generations(store)] == [(1, "retired"), (2, "active")]
    assert not store.locked


async def test_a_failed_load_is_abandoned_and_the_active_generation_stays() -> None:
    store = Generations()

    async def load(generation: int) -> int:
        raise ConnectionError("the broker went away")

    with pytest.raises(ConnectionError):
        await rebuild(store, load)
    assert [(g["generation"], g["state"]) for g in await generations(store)] == [(1, "active")]
    assert not store.locked


async def test_a_second_rebuild_while_one_runs_is_refused_and_changes_nothing() -> None:
    store = Generations()
    refused: list[Conflict] = []

    async def load(generation: int) -> int:
        with pytest.raises(Conflict) as second:
            await rebuild(store, load)
        refused.append(second.value)
        return 0

    await rebuild(store, load)
    assert refused and refused[0].rule == "rebuild_running"
    assert [(g["generation"], g["state"]) for g in await generations(store)] == [(1, "retired"), (2, "active")]
