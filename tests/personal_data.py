"""Every name and fiscal code a test registers, in any layer: the session ends by checking that none
of them reached any Kafka topic (tests/conftest.py)."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

import httpx

from tests.kafka_support import read_every_topic

REGISTERED: list[str] = []
PERSONAL_FIELDS = ("first_name", "last_name", "fiscal_code")


def record(body: Mapping[str, object]) -> None:
    """Note the names and fiscal code of a registration or correction body. A value without a letter
    ("12", "-", sent to test the rule that refuses such names) names nobody and is stored nowhere;
    looked for, it would match every dash on the broker."""
    REGISTERED.extend(v for k in PERSONAL_FIELDS
                      if isinstance(v := body.get(k), str) and any(c.isalpha() for c in v))


async def note_request(request: httpx.Request) -> None:
    """An httpx request hook: the names and fiscal codes a test sends in a JSON body (registrations,
    corrections) are noted for the end-of-session check."""
    if request.method in ("POST", "PUT", "PATCH") and request.headers.get("content-type") == "application/json":
        body = json.loads(request.content or b"null")
        if isinstance(body, dict):
            record(body)


def matcher(words: Iterable[str]) -> Callable[[bytes], set[str]]:
    """A function giving the words that occur in a text, case-insensitive, as whole words only
    ("Ali" must not match "italian_level")."""
    by_lower = {w.lower().encode(): w for w in words}
    if not by_lower:
        return lambda _text: set()
    alternatives = b"|".join(re.escape(w) for w in sorted(by_lower, key=len, reverse=True))
    pattern = re.compile(rb"(?<![a-z0-9])(" + alternatives + rb")(?![a-z0-9])")
    return lambda text: {by_lower[m] for m in pattern.findall(text.lower())}


async def on_kafka(bootstrap: str, words: Iterable[str]) -> dict[str, list[str]]:
    """Where each of `words` occurs on the broker, in any topic's keys, values or headers:
    word -> ["topic[partition]@offset", ...]."""
    find = matcher(words)
    where: dict[str, list[str]] = defaultdict(list)
    for r in await read_every_topic(bootstrap):
        text = b"\n".join([r.key or b"", r.value or b"", *(v or b"" for _, v in r.headers or ())])
        for word in find(text):
            where[word].append(f"{r.topic}[{r.partition}]@{r.offset}")
    return dict(where)
