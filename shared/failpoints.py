"""Crash injection for recovery tests: PERCORSI_FAILPOINT=name:n kills the process with SIGKILL
the n-th time `hit(name)` runs. Inert unless PERCORSI_ENV is local or test."""

from __future__ import annotations

import os
import signal
from collections import Counter

from shared.environment import DEV_ENVS

_hits: Counter[str] = Counter()


def hit(name: str) -> None:
    spec = os.environ.get("PERCORSI_FAILPOINT")
    if not spec or os.environ.get("PERCORSI_ENV", "local") not in DEV_ENVS:
        return
    target, _, count = spec.partition(":")
    if target != name:
        return
    _hits[name] += 1
    if _hits[name] >= int(count or 1):
        os.kill(os.getpid(), signal.SIGKILL)
