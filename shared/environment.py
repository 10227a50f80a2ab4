"""Where a process runs (PERCORSI_ENV), and which of those places are for development only."""

from typing import Literal

Environment = Literal["local", "test", "compose", "staging", "production"]
# Where public development defaults (secrets, keys, localhost servers) are accepted.
DEV_ENVS: frozenset[str] = frozenset({"local", "test"})
