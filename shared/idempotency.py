"""`Idempotency-Key` on every POST: a retry with the same key and body gets the first answer and
never acts twice; the same key with another body is a 422.

Why the key is claimed inside the command's own transaction: a connection can die between the
commit and its answer (a PostgreSQL restart did exactly that), so a key recorded apart from the
effects could say "not done" about a command that was done. The claim row is written in the
command's own transaction (by `shared.outbox` with its events, or by the unit of work at commit);
it commits or rolls back with them.

Why the answer commits with the effects too: a retry after a lost answer (the process died between
the commit and the answer) must get that very answer, not a "done, answer unknown". A command whose
answer is known before it commits hands it over (`answer_with`, registration's one-statement path).
Any other command's unit of work does not commit at its end: it parks its transaction on the claim
(`park`), the route builds its answer, and the middleware writes that answer into the claim row and
commits, all before a byte is sent. A 5xx answer, or an exception, rolls the parked work back: a 5xx
means "not done". Only a request with two units of work in a row (the second begins after the first
parked: it commits the first, answer-less) keeps the old fallback: its answer is stored after, and a
retry that finds the claim without an answer knows the command was carried out and its answer lost:
it says so (409 `idempotency_answer_lost`) and does nothing again. Work done outside any unit of
work (reporting's rebuild, on connections of its own) gets its key recorded with its answer after
the fact: a retry after a lost answer does it again, which a rebuild can bear.

Stored answers are a command's acknowledgement (ids, states, field names), never personal data:
a route whose answer held any would have to re-read it through its read path instead.
Keys are per caller (organisation and subject, hashed) and kept `KEEP_HOURS`."""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared import failpoints
from shared.limits import error_body, send_json
from shared.outage import OUTAGE, UNREACHABLE, unavailable_body

log = logging.getLogger(__name__)

HEADER = b"idempotency-key"
MAX_KEY_LENGTH = 200
KEEP_HOURS = 24
# Answers worth replaying: a 5xx says nothing was (knowingly) done, so its key stays free.
_STORED = range(200, 500)


Answer = tuple[int, dict[str, str], bytes]  # status, headers worth replaying, JSON body


class Parked(Protocol):
    """A unit of work's open transaction, handed to the claim instead of being committed."""

    async def commit(self, answer: Answer | None) -> None:
        """Write `answer` (if any) into the claim's row, commit, release the connection."""

    async def rollback(self) -> None:
        """Undo the work, release the connection."""


@dataclass
class Claim:
    """The key of the request being handled; `written` once its row was written in the transaction.

    `owner` is the request's task: a task the route spawns inherits the context (and so the claim)
    but is not the request's command, and must not write or park it."""

    scope: bytes
    key: str
    request_hash: bytes
    written: bool = False
    answer: tuple[int, bytes] | None = None  # (status, JSON body) handed over before the commit
    owner: asyncio.Task[Any] | None = field(default_factory=lambda: _current_task())
    parked: Parked | None = None  # a unit of work's uncommitted transaction, waiting for the answer
    settled: bool = False  # the parked work was committed with its answer, or undone: nothing to store after

    def park(self, work: Parked) -> None:
        """A unit of work hands over its open transaction, to commit with the answer once it is built."""
        self.parked = work

    async def commit_parked(self, answer: Answer | None) -> None:
        """Commit the parked work, with `answer` in the claim's row; without one (a second unit of work
        in the request must see the first's effects) the answer is stored after, as the fallback."""
        work, self.parked = self.parked, None
        if work is not None:
            self.settled = answer is not None
            await work.commit(answer)

    async def undo_parked(self) -> None:
        """Roll the parked work back: its answer was a 5xx, or the route raised."""
        work, self.parked = self.parked, None
        if work is not None:
            self.settled, self.written = True, False
            await work.rollback()


CURRENT: contextvars.ContextVar[Claim | None] = contextvars.ContextVar("percorsi_idempotency", default=None)


def _current_task() -> asyncio.Task[Any] | None:
    try:
        return asyncio.current_task()
    except RuntimeError:  # no running loop (a unit test building a claim by hand)
        return None


def current() -> Claim | None:
    """The claim of the request this task is carrying out, if it has an Idempotency-Key."""
    claim = CURRENT.get()
    if claim is None or (claim.owner is not None and claim.owner is not _current_task()):
        return None
    return claim


STORE_ANSWER_SQL = "UPDATE idempotency_keys SET status = $3, headers = $4, body = $5 WHERE scope = $1 AND key = $2"

CLAIM_SQL = ("INSERT INTO idempotency_keys (scope, key, request_hash, status, headers, body) "
             "VALUES ({}, {}, {}, {}, {}, {})")
_JSON_HEADERS = {"content-type": "application/json"}


def answer_with(status: int, content: dict[str, Any]) -> None:
    """The answer the current request will give, known before its command commits: the claim
    carries it, so a retry after a lost answer gets it byte for byte. Call it before the command's
    events are written; without an Idempotency-Key it does nothing."""
    claim = current()
    if claim is not None and not claim.written:
        claim.answer = (status, bytes(JSONResponse(content, status_code=status).body))


def _claim_args(claim: Claim) -> list[object]:
    status, body = claim.answer if claim.answer is not None else (None, None)
    return [claim.scope, claim.key, claim.request_hash, status, _JSON_HEADERS if status else None, body]


def claim_cte(first_param: int) -> tuple[str, list[object]] | None:
    """The claim as an extra CTE for a one-statement command (see shared.outbox.insert_cte)."""
    claim = current()
    if claim is None or claim.written:
        return None
    claim.written = True
    params = [f"${first_param + n}" for n in range(6)]
    params[4] += "::jsonb"
    return f"idempotency_claimed AS ({CLAIM_SQL.format(*params)})", _claim_args(claim)


async def claim_in(conn: object) -> None:
    """Write the current request's claim on `conn`, inside its transaction (once per request)."""
    claim = current()
    if claim is None or claim.written:
        return
    await conn.execute(CLAIM_SQL.format("$1", "$2", "$3", "$4", "$5::jsonb", "$6"), *_claim_args(claim))  # type: ignore[attr-defined]
    claim.written = True


def _key_error(message: str) -> dict[str, Any]:
    return error_body("invalid input", "header.Idempotency-Key", "idempotency_key_format", message)


class Idempotency:
    """ASGI middleware; needs `runtime.pool` (the service's database) once started."""

    def __init__(self, app: ASGIApp, *, runtime: object) -> None:
        self.app = app
        self.runtime = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        raw_key = next((v for k, v in scope["headers"] if k == HEADER), None)
        if raw_key is None:
            await self.app(scope, receive, send)
            return
        key = raw_key.decode("latin-1").strip()
        if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable() or not key.isascii():
            await send_json(send, 422, _key_error(
                f"an Idempotency-Key is 1 to {MAX_KEY_LENGTH} printable ASCII characters"))
            return
        caller = self._caller(scope)
        if caller is None:  # no valid token: the route answers 401, nothing to remember
            await self.app(scope, receive, send)
            return
        body = scope.get("percorsi.body", b"")
        claim = Claim(hashlib.sha256(caller.encode()).digest(), key, _request_hash(scope, body))
        try:
            if await self._answer_known(claim, send):
                return
        except UNREACHABLE as exc:
            OUTAGE.failed(exc, getattr(self.runtime, "ping_postgres", None))
            await send_json(send, 503, unavailable_body(), [(b"retry-after", b"2")])
            return
        await self._handle(claim, scope, receive, send)

    def _caller(self, scope: Scope) -> str | None:
        auth = next((v for k, v in scope["headers"] if k == b"authorization"), b"").decode("latin-1")
        scheme, _, token = auth.partition(" ")
        token = token.strip()
        verifier = getattr(scope["app"].state, "token_verifier", None)
        if scheme.lower() != "bearer" or not token or verifier is None:
            return None
        if verifier.needs_network:
            return _unverified_caller(token)
        try:
            principal = verifier.verify(token)
        except Exception:
            return None
        return f"{principal.organisation_id}\x00{principal.subject}"

    async def _answer_known(self, claim: Claim, send: Send) -> bool:
        row = await self.runtime.pool.fetchrow(  # type: ignore[attr-defined]
            "SELECT request_hash, status, headers, body FROM idempotency_keys WHERE scope = $1 AND key = $2",
            claim.scope, claim.key,
        )
        if row is None:
            return False
        if row["request_hash"] != claim.request_hash:
            await send_json(send, 422, error_body(
                "invalid input", "header.Idempotency-Key", "idempotency_key_reused",
                "this Idempotency-Key was used for another request; use a new key for a new request"))
            return True
        if row["status"] is None:
            await send_json(send, 409, {
                "detail": "this request was carried out, but its answer was lost (or is being sent): "
                          "it is not carried out again", "rule": "idempotency_answer_lost",
                "errors": [{"field": "header.Idempotency-Key", "rule": "idempotency_answer_lost",
                            "message": "the command is done; read the resource to see its result"}]})
            return True
        headers = [(k.encode(), v.encode()) for k, v in row["headers"].items()]
        await send({"type": "http.response.start", "status": row["status"],
                    "headers": [*headers, (b"idempotent-replayed", b"true")]})
        await send({"type": "http.response.body", "body": bytes(row["body"])})
        return True

    async def _handle(self, claim: Claim, scope: Scope, receive: Receive, send: Send) -> None:
        start: Message | None = None
        chunks: list[bytes] = []
        held: list[Message] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            if claim.parked is not None:  # the answer commits with the effects before it is sent
                held.append(message)
                if message["type"] == "http.response.body" and not message.get("more_body", False):
                    await self._commit_with_answer(claim, start, b"".join(chunks), held, send)
                return
            if message["type"] == "http.response.start" and claim.written:
                failpoints.hit("http.before_answer")  # done and committed, its answer not yet sent
            await send(message)

        token = CURRENT.set(claim)
        try:
            await self.app(scope, receive, capture)
        finally:
            CURRENT.reset(token)
            if claim.parked is not None:  # the route raised, or never finished its answer: undone
                await claim.undo_parked()
        if claim.settled or start is None or start["status"] not in _STORED:
            return
        if not claim.written and start["status"] >= 300:
            return  # refused before anything was stored: a retry is judged again
        try:
            await self._store(claim, start, b"".join(chunks))
        except Exception as exc:  # the answer was sent; a retry then learns it was done
            log.warning("idempotent answer not stored", extra={"error": type(exc).__name__})

    async def _commit_with_answer(
        self, claim: Claim, start: Message | None, body: bytes, held: list[Message], send: Send
    ) -> None:
        """Write the answer into the claim and commit the parked work; a 5xx answer undoes it. If the
        commit itself fails on a lost database, the client hears 503 (retry with the same key: the
        retry replays the answer if the commit did land, or does the work if it did not)."""
        assert start is not None  # noqa: S101 - ASGI sends the start before any body
        status = start["status"]
        keep = status in _STORED
        try:
            if keep:
                await claim.commit_parked((status, _kept_headers(start), body))
            else:
                await claim.undo_parked()
        except UNREACHABLE as exc:
            OUTAGE.failed(exc, getattr(self.runtime, "ping_postgres", None))
            await send_json(send, 503, unavailable_body(), [(b"retry-after", b"2")])
            return
        if keep:
            failpoints.hit("http.before_answer")  # done and committed with its answer, not yet sent
        for message in held:
            await send(message)

    async def _store(self, claim: Claim, start: Message, body: bytes) -> None:
        headers = _kept_headers(start)
        pool = self.runtime.pool  # type: ignore[attr-defined]
        if claim.written:
            await pool.execute(STORE_ANSWER_SQL, claim.scope, claim.key, start["status"], headers, body)
        else:
            await pool.execute(
                "INSERT INTO idempotency_keys (scope, key, request_hash, status, headers, body) "
                "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                claim.scope, claim.key, claim.request_hash, start["status"], headers, body)


def _kept_headers(start: Message) -> dict[str, str]:
    """The answer's headers worth replaying: its type and, for a created resource, where it is."""
    keep = {"content-type", "location"}
    return {k.decode(): v.decode("latin-1") for k, v in start["headers"] if k.decode().lower() in keep}


async def forget_old_keys(pool: object, *, keep_hours: float = KEEP_HOURS, every_s: float = 3600) -> None:
    """Delete keys (and the answers they hold) older than `keep_hours`, hourly: a retry comes within
    minutes, and the stored answers are not kept longer than they serve."""
    import asyncio

    while True:
        await pool.execute(  # type: ignore[attr-defined]
            "DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)", keep_hours)
        await asyncio.sleep(every_s)


def _unverified_caller(token: str) -> str | None:
    """In oidc mode verifying may fetch keys (off the loop, in the route); the key's scope is then the
    token's claims read unverified: the route still verifies the token before anything is done."""
    import jwt

    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    return f"{claims.get('org')}\x00{claims.get('sub')}"


def _request_hash(scope: Scope, body: bytes) -> bytes:
    digest = hashlib.sha256()
    digest.update(json.dumps([scope["method"], scope["path"], scope.get("query_string", b"").decode("latin-1")])
                  .encode())
    digest.update(b"\x00")
    digest.update(body)
    return digest.digest()
