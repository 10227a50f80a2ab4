"""Bed prices for deciding well over time (Ahani, Gölz, Procaccia, Teytelboym and Trapp, "Dynamic
placement in refugee resettlement", Operations Research 2024).

A place given now may be one a household arriving next month needs more. Their answer: solve the LP
relaxation of the assignment over the households present now plus a sample of the arrivals expected
for the rest of the period, against the capacity that is left; the dual price of each place's capacity
is its potential, the value one bed there is expected to have later. Placing now then maximises
score - household size x potential, so a bed goes now only to a household that beats what the bed is
expected to be worth later. The potentials come from the same LP machinery as the full re-match."""

from __future__ import annotations

import numpy as np

from housing.domain.matching.lp import solve_lp


def bed_prices(hi: np.ndarray, pi: np.ndarray, w: np.ndarray, sizes: np.ndarray, n_households: int,
               capacity: np.ndarray, *, scale: float = 1.0) -> np.ndarray:
    """Per place: the capacity dual of the LP over present and sampled households (edges hi, pi, w;
    `sizes` per edge), times `scale` (1 is the paper's plain potential)."""
    if not len(hi):
        return np.zeros(len(capacity))
    lp = solve_lp(hi, pi, w, sizes, n_households, capacity, cuts=False)  # the paper's plain LP
    return lp.bed_prices * scale


def adjusted(w: np.ndarray, sizes: np.ndarray, pi: np.ndarray, prices: np.ndarray) -> np.ndarray:
    """Edge values net of the beds' potentials; an edge not worth its beds' later value drops out."""
    net: np.ndarray = w - sizes * prices[pi]
    return net
