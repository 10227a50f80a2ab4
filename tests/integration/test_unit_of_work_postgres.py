"""The unit-of-work contract on PostgreSQL: the outbox rows are the published events."""

from datetime import date
from uuid import uuid4

import pytest

from shared.events.contracts import HousingCandidateWaiting
from tests.uow_contract import Store, UnitOfWorkContract, postgres_store

pytestmark = pytest.mark.integration


class TestPostgresUnitOfWork(UnitOfWorkContract):
    @pytest.fixture
    def store(self, probe_db) -> Store:
        _, pool = probe_db
        return postgres_store(pool)


# A keyed request (an Idempotency-Key) whose unit of work commits: the work waits for its answer, and
# the answer commits with it (shared.idempotency), so a retry after a lost answer can replay it.

async def _claim_row(pool, claim):
    return await pool.fetchrow("SELECT status, headers, body FROM idempotency_keys WHERE scope = $1 AND key = $2",
                               claim.scope, claim.key)


def _keyed(key: str):
    from shared import idempotency

    claim = idempotency.Claim(b"scope-" + key.encode(), key, b"hash")
    return claim, idempotency.CURRENT.set(claim)


async def _one_effect(pool) -> None:
    from tests.uow_contract import ProbePostgresUoW

    person = uuid4()
    async with ProbePostgresUoW(pool, topic="probe.events", producer="probe") as uow:
        await uow.effects.add(event_id=uuid4(), beneficiary_id=person)
        uow.emit(HousingCandidateWaiting(since=date(2026, 1, 1)), beneficiary_id=person, organisation_id="org")


async def test_a_keyed_command_commits_only_with_its_answer(probe_db):
    from shared import idempotency

    _, pool = probe_db
    claim, token = _keyed("answer-with-work")
    try:
        await _one_effect(pool)
        assert claim.parked is not None and claim.written
        # Not yet committed: nobody else sees the effect, the event or the key.
        assert await pool.fetchval("SELECT count(*) FROM effects") == 0
        assert await pool.fetchval("SELECT count(*) FROM outbox") == 0
        assert await _claim_row(pool, claim) is None
        await claim.commit_parked((201, {"content-type": "application/json"}, b'{"id": "x"}'))
    finally:
        idempotency.CURRENT.reset(token)
    assert claim.settled and claim.parked is None
    assert await pool.fetchval("SELECT count(*) FROM effects") == 1
    assert await pool.fetchval("SELECT count(*) FROM outbox") == 1
    row = await _claim_row(pool, claim)
    assert (row["status"], row["headers"], bytes(row["body"])) == (201, {"content-type": "application/json"},
                                                                   b'{"id": "x"}')
    assert pool.get_size() - pool.get_idle_size() == 0  # the parked connection went back to the pool


async def test_a_keyed_command_whose_answer_is_a_5xx_is_undone(probe_db):
    from shared import idempotency

    _, pool = probe_db
    claim, token = _keyed("undone")
    try:
        await _one_effect(pool)
        await claim.undo_parked()
    finally:
        idempotency.CURRENT.reset(token)
    assert claim.settled and not claim.written
    assert await pool.fetchval("SELECT count(*) FROM effects") == 0
    assert await pool.fetchval("SELECT count(*) FROM outbox") == 0
    assert await _claim_row(pool, claim) is None
    assert pool.get_size() - pool.get_idle_size() == 0


async def test_a_second_unit_of_work_in_a_keyed_request_sees_the_first(probe_db):
    """The fallback: the first unit commits, answer-less, when a second begins; the second commits
    plainly, and the answer is stored after (a retry then hears `idempotency_answer_lost`)."""
    from shared import idempotency
    from tests.uow_contract import ProbePostgresUoW

    _, pool = probe_db
    claim, token = _keyed("two-units")
    try:
        await _one_effect(pool)
        async with ProbePostgresUoW(pool, topic="probe.events", producer="probe") as second:
            assert await second.effects.count() == 1  # the first unit's effect is there
        assert claim.parked is None and not claim.settled
    finally:
        idempotency.CURRENT.reset(token)
    row = await _claim_row(pool, claim)
    assert row is not None and row["status"] is None


async def test_a_rolled_back_keyed_command_leaves_its_key_free(probe_db):
    from shared import idempotency
    from tests.uow_contract import Boom, ProbePostgresUoW

    _, pool = probe_db
    claim, token = _keyed("refused")
    try:
        with pytest.raises(Boom):
            async with ProbePostgresUoW(pool, topic="probe.events", producer="probe") as uow:
                uow.emit(HousingCandidateWaiting(since=date(2026, 1, 1)), beneficiary_id=uuid4(), organisation_id="org")
                await uow.flush()  # writes the claim in the transaction
                assert claim.written
                raise Boom
    finally:
        idempotency.CURRENT.reset(token)
    assert not claim.written and claim.parked is None
    assert await _claim_row(pool, claim) is None


async def test_a_task_the_request_spawns_does_not_take_its_key(probe_db):
    import asyncio

    from shared import idempotency

    _, pool = probe_db
    claim, token = _keyed("spawned")
    try:
        await asyncio.create_task(_one_effect(pool))  # inherits the context, not the claim
    finally:
        idempotency.CURRENT.reset(token)
    assert claim.parked is None and not claim.written
    assert await pool.fetchval("SELECT count(*) FROM effects") == 1
