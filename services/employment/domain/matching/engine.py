"""The global assignment of people to seats, kept optimal as events arrive.

The problem and its proof live in transport.py. Here: building it from people and openings (the
full re-match), and the events that change it. After an event only the touched rows and columns
change and the simplex restarts from its previous basis (warm start); when the last optimum provably
still holds, it is not restarted at all."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from uuid import UUID

import numpy as np

from employment.domain.matching.model import Candidate, Policy, ScoreParts, Slot
from employment.domain.matching.scoring import PLACEMENT_POINT, explain, feasible_pairs
from employment.domain.matching.transport import TOLERANCE, Certificate, TransportProblem, best_per_row

CHUNK = 1000
LIKELY_TAKERS = 20
__all__ = ["Certificate", "MatchingEngine"]


class MatchingEngine(TransportProblem):
    """Owns its HiGHS model; not shared between tasks (one engine per process, driven by one task)."""

    def __init__(self, policy: Policy, today: date, *, seed_columns: int = 6) -> None:
        super().__init__()
        self.policy, self.today, self.seed_columns = policy, today, seed_columns
        self.blocked: set[tuple[UUID, UUID]] = set()
        self._slots: dict[UUID, Slot] = {}

    # -- building ---------------------------------------------------------------------------------

    @classmethod
    def build(
        cls, policy: Policy, today: date, people: Iterable[Candidate], slots: Iterable[Slot],
        blocked: Iterable[tuple[UUID, UUID]] = (), *, seed_columns: int = 6,
    ) -> MatchingEngine:
        """The whole instance, solved (the full re-match)."""
        engine = cls(policy, today, seed_columns=seed_columns)
        engine._load(people, slots, set(blocked))
        return engine

    def _load(self, people: Iterable[Candidate], slots: Iterable[Slot], blocked: set[tuple[UUID, UUID]]) -> None:
        self.blocked = blocked
        for c in people:
            self.people.put(c, self.policy)
        for s in slots:
            self.openings.put(s)
            self._slots[s.opening_id] = s
        for _ in range(self.people.n):
            self._new_row(1.0, self._person_row)
        for r in range(self.openings.n):
            self._new_row(float(self.openings["seats"][r]), self._opening_row)
        o = np.arange(self.openings.n)
        seeds: list[np.ndarray] = []
        for start in range(0, self.people.n, CHUNK):
            p = np.arange(start, min(start + CHUNK, self.people.n))
            pi, oj, pts = self._unblocked(*feasible_pairs(self.people, p, self.openings, o, self.policy, self.today))
            idx = self.pool.add(pi, oj, pts + PLACEMENT_POINT)
            seeds.append(idx[best_per_row(pi, pts, self.seed_columns)])
        self._index_rows()
        self._add_columns(np.concatenate(seeds) if seeds else np.zeros(0, np.int64))
        self._solve(full=True)
        self._compact()

    def _unblocked(self, pi: np.ndarray, oj: np.ndarray, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if not self.blocked:
            return pi, oj, pts
        keys = {(self.people.rows.get(b), self.openings.rows.get(o)) for b, o in self.blocked}
        keep = np.array([(int(a), int(b)) not in keys for a, b in zip(pi, oj, strict=True)], dtype=bool)
        return pi[keep], oj[keep], pts[keep]

    # -- events -----------------------------------------------------------------------------------
    # Each event re-optimises only when the last optimum may no longer be one: a seat or person it used
    # went away, a new pair has a positive reduced score at the current prices, or a row with a price
    # lost the activity that price needs (complementary slackness). Otherwise the optimum stands as it
    # is and the simplex is not even restarted.

    def put_person(self, c: Candidate) -> None:
        """A new or changed person: their pairs are computed again against every opening."""
        known = c.beneficiary_id in self.people.rows
        p = self.people.put(c, self.policy)
        moved = False
        if known:
            moved = self._drop_columns(self.pool.kill_where(self.pool.person[: self.pool.n] == p))
            row = self._person_row[p]
            moved |= self._row_upper[row] == 0.0 and self._prices[row] > TOLERANCE
            self._set_row(row, 1.0)
        else:
            self._new_row(1.0, self._person_row)
        pi, oj, pts = self._unblocked(*feasible_pairs(
            self.people, np.array([p]), self.openings, np.arange(self.openings.n), self.policy, self.today))
        moved |= self._add_pairs(pi, oj, pts)
        if moved:
            self._solve()

    def remove_person(self, beneficiary_id: UUID) -> None:
        """Withdrawn consent, erasure, a placement under way: out of matching at once."""
        p = self.people.kill(beneficiary_id)
        if p is None:
            return
        held = self._held_by(p)
        moved = self._drop_columns(self.pool.kill_where(self.pool.person[: self.pool.n] == p))
        self._set_row(self._person_row[p], 0.0)
        if moved:
            self._likely_takers(held)
            self._solve()

    def _held_by(self, p: int) -> np.ndarray:
        """The opening rows whose seat person row `p` holds in the current optimum."""
        chosen = self._col_edge[self._x > 0.5]
        return np.unique(self.pool.opening[chosen[self.pool.person[chosen] == p]])

    def _likely_takers(self, openings: np.ndarray) -> None:
        """Before re-solving for a seat that was freed, bring in the pairs that could take it (those that
        would gain with the seat's price at 0): the first restart then usually ends the re-solve, instead of
        a second one after pricing finds them."""
        if not len(openings) or self._indexed == 0:
            return
        person_row = np.asarray(self._person_row, np.int64)
        parts = [self._opening_order[self._opening_ptr[o]: self._opening_ptr[o + 1]] for o in openings
                 if o < len(self._opening_ptr) - 1]
        if not parts:
            return
        pairs = np.concatenate(parts)
        pairs = pairs[(self.pool.column[pairs] < 0) & self.pool.alive[pairs]]
        gain = self.pool.weight[pairs] - self._prices[person_row[self.pool.person[pairs]]]
        pairs, gain = pairs[gain > TOLERANCE], gain[gain > TOLERANCE]
        self._add_columns(pairs[np.argsort(-gain)[:LIKELY_TAKERS]])

    def put_opening(self, s: Slot) -> None:
        before = self._slots.get(s.opening_id)
        known = s.opening_id in self.openings.rows
        self._slots[s.opening_id] = s
        o = self.openings.put(s)
        seats = float(max(s.seats, 0))
        if before is not None and replace(before, seats=s.seats) == s and before.seats > 0 and s.seats > 0:
            if self._seats_changed(o, seats):
                self._solve()
            return
        if not known:
            self._new_row(seats, self._opening_row)
            moved = False
        else:
            moved = self._drop_columns(self.pool.kill_where(self.pool.opening[: self.pool.n] == o))
            row = self._opening_row[o]
            self._set_row(row, seats)
            moved |= self._prices[row] > TOLERANCE and seats > 0  # its seats had a price no one pays now
        pi, oj, pts = self._unblocked(*feasible_pairs(
            self.people, np.arange(self.people.n), self.openings, np.array([o]), self.policy, self.today))
        moved |= self._add_pairs(pi, oj, pts)
        if moved:
            self._solve()

    def _seats_changed(self, o: int, seats: float) -> bool:
        """Only the number of seats changed: the optimum stands unless it uses more, or the seats had a price."""
        row = self._opening_row[o]
        used = int(np.count_nonzero(self.pool.opening[self._col_edge[self._x > 0.5]] == o))
        self._set_row(row, seats)
        return used > seats or (self._prices[row] > TOLERANCE and used < seats)

    def remove_opening(self, opening_id: UUID) -> None:
        o = self.openings.kill(opening_id)
        self._slots.pop(opening_id, None)
        if o is None:
            return
        moved = self._drop_columns(self.pool.kill_where(self.pool.opening[: self.pool.n] == o))
        self._set_row(self._opening_row[o], 0.0)
        if moved:
            self._solve()

    def block(self, beneficiary_id: UUID, opening_id: UUID) -> None:
        """The pair was turned down: never proposed again."""
        self.blocked.add((beneficiary_id, opening_id))
        p, o = self.people.rows.get(beneficiary_id), self.openings.rows.get(opening_id)
        if p is None or o is None:
            return
        n = self.pool.n
        if self._drop_columns(self.pool.kill_where((self.pool.person[:n] == p) & (self.pool.opening[:n] == o))):
            self._likely_takers(np.array([o]))
            self._solve()

    def _add_pairs(self, pi: np.ndarray, oj: np.ndarray, pts: np.ndarray) -> bool:
        """New pairs join the model; True when one of them could raise the total at the current prices."""
        edges = self.pool.add(pi, oj, pts + PLACEMENT_POINT)
        self._add_columns(edges)
        person_row = np.asarray(self._person_row, np.int64)
        opening_row = np.asarray(self._opening_row, np.int64)
        reduced = self.pool.weight[edges] - self._prices[person_row[pi]] - self._prices[opening_row[oj]]
        return bool(np.any(reduced > TOLERANCE))

    # -- reading ----------------------------------------------------------------------------------

    def assignment(self) -> dict[UUID, UUID]:
        """Who goes where: beneficiary id -> opening id."""
        x = self._x
        chosen = self._col_edge[np.flatnonzero(x > 0.5)]
        return {self.people.ids[int(p)]: self.openings.ids[int(o)]
                for p, o in zip(self.pool.person[chosen], self.pool.opening[chosen], strict=True)}

    def explain(self, beneficiary_id: UUID, opening_id: UUID) -> ScoreParts:
        return explain(self.people, self.people.rows[beneficiary_id], self.openings,
                       self.openings.rows[opening_id], self.policy, self.today)
