"""Every feasible (person, opening) pair with its points: the whole instance the engine optimises over.

Only some pairs are columns of the solver's model at a time (column generation, see engine.py); the
pool keeps all of them so that the optimality check prices every pair, not just the model's."""

from __future__ import annotations

import numpy as np


class EdgePool:
    def __init__(self) -> None:
        self.n = 0
        self._cap = 1024
        self.person = np.zeros(self._cap, np.int32)
        self.opening = np.zeros(self._cap, np.int32)
        self.weight = np.zeros(self._cap, np.float64)
        self.alive = np.zeros(self._cap, np.bool_)
        self.column = np.full(self._cap, -1, np.int64)

    def _grow(self, need: int) -> None:
        if self.n + need <= self._cap:
            return
        cap = max(self._cap * 2, self.n + need)
        for name in ("person", "opening", "weight", "alive", "column"):
            old = getattr(self, name)
            new = np.full(cap, -1, old.dtype) if name == "column" else np.zeros(cap, old.dtype)
            new[: self.n] = old[: self.n]
            setattr(self, name, new)
        self._cap = cap

    def add(self, person: np.ndarray, opening: np.ndarray, weight: np.ndarray) -> np.ndarray:
        """Append pairs; returns their indices in the pool."""
        k = len(person)
        self._grow(k)
        s = slice(self.n, self.n + k)
        self.person[s], self.opening[s], self.weight[s] = person, opening, weight
        self.alive[s], self.column[s] = True, -1
        self.n += k
        return np.arange(s.start, s.stop)

    def live(self) -> np.ndarray:
        return np.flatnonzero(self.alive[: self.n])

    def kill_where(self, mask: np.ndarray) -> np.ndarray:
        """Mark the pairs selected by `mask` (over the pool) dead; returns the solver columns they had."""
        idx = np.flatnonzero(mask & self.alive[: self.n])
        self.alive[idx] = False
        cols = self.column[idx]
        return cols[cols >= 0]
