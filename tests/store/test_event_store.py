"""Event store against a real PostgreSQL: concurrency, idempotence, gaps and global order."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from store.db import connect
from store.events import GlobalPosition, NewEvent, VersionConflict, append, read, read_all, stream_version

T0 = datetime(2025, 6, 2, 1, 30, tzinfo=UTC)


def stream(prefix: str = "R") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def event(type_: str = "RequestReceived", actor: str = "desk1", **data: object) -> NewEvent:
    return NewEvent(type_, actor, "front_desk", T0, {"subject": "議事録", **data})


async def count(conn: asyncpg.Connection, stream_id: str) -> int:
    return await conn.fetchval("select count(*) from events where stream_id = $1", stream_id)


async def race(database_url: str, sid: str, *batches: list[NewEvent]) -> list:
    """Each batch appended at version 0 on its own connection and transaction, all at once."""
    barrier = asyncio.Barrier(len(batches))

    async def attempt(batch: list[NewEvent]) -> list:
        c = await connect(database_url)
        try:
            await barrier.wait()
            async with c.transaction():
                stored = await append(c, sid, 0, batch)
                await asyncio.sleep(0.2)  # hold the rows so the other writer really waits on them
                return stored
        finally:
            await c.close()

    return await asyncio.gather(*(attempt(b) for b in batches), return_exceptions=True)


async def test_concurrent_appends_at_same_version_one_wins(
    database_url: str, conn: asyncpg.Connection
) -> None:
    sid = stream()
    mine = [event(actor="desk1"), event("ReviewerAssigned", actor="desk1", reviewer="r1")]
    theirs = [event(actor="desk2", subject="予算書")]
    results = await race(database_url, sid, mine, theirs)
    conflicts = [r for r in results if isinstance(r, VersionConflict)]
    wins = [r for r in results if isinstance(r, list)]
    assert len(conflicts) == 1 and len(wins) == 1, results
    assert conflicts[0].stream_id == sid and conflicts[0].version == 1
    winner = mine if results[0] is wins[0] else theirs
    stored = await read(conn, sid)
    assert [(e.type, e.actor, e.data) for e in stored] == [(e.type, e.actor, e.data) for e in winner]
    assert [e.version for e in stored] == list(range(1, len(winner) + 1))


async def test_retry_racing_the_original_writes_once(database_url: str, conn: asyncpg.Connection) -> None:
    sid = stream()
    batch = [event(), event("ReviewerAssigned", reviewer="r1")]
    results = await race(database_url, sid, batch, batch)
    assert sorted(len(r) for r in results) == [0, 2], results  # one writes, the retry is a no-op
    assert await count(conn, sid) == 2


async def test_identical_reappend_is_a_no_op(conn: asyncpg.Connection) -> None:
    sid = stream()
    first = [event(), event("ReviewerAssigned", reviewer="r1")]
    async with conn.transaction():
        assert len(await append(conn, sid, 0, first)) == 2
    # a retried activity re-appends the same (stream, version)s: nothing new is written
    async with conn.transaction():
        assert await append(conn, sid, 0, first) == []
        assert await append(conn, sid, 1, first[1:]) == []
    assert await count(conn, sid) == 2
    assert await stream_version(conn, sid) == 2


async def test_different_payload_at_existing_version_fails_loudly(conn: asyncpg.Connection) -> None:
    sid = stream()
    async with conn.transaction():
        await append(conn, sid, 0, [event()])
    for changed in (event(subject="別の文書"), event(actor="someone_else")):
        with pytest.raises(VersionConflict, match=rf"{sid} v1"):
            async with conn.transaction():
                await append(conn, sid, 0, [changed])
    stored = await read(conn, sid)
    assert [(e.actor, e.data["subject"]) for e in stored] == [("desk1", "議事録")]


async def test_same_act_drafted_again_later_is_a_no_op(conn: asyncpg.Connection) -> None:
    """A worker died after its local record activity committed; the workflow task ran again seconds later."""
    sid = stream()
    async with conn.transaction():
        await append(conn, sid, 0, [event(), event("ReviewerAssigned", reviewer="r1")])
    later = [NewEvent(e.type, e.actor, e.role, T0 + timedelta(seconds=12), e.data)
             for e in (event(), event("ReviewerAssigned", reviewer="r1"))]
    async with conn.transaction():
        assert await append(conn, sid, 0, later) == []
    stored = await read(conn, sid)
    assert [e.occurred_at for e in stored] == [T0, T0]  # the events stored first stand
    with pytest.raises(VersionConflict):  # a different act at that time is still a conflict
        async with conn.transaction():
            await append(conn, sid, 1, [NewEvent("ReviewerAssigned", "desk1", "front_desk",
                                                 T0 + timedelta(seconds=12), {"reviewer": "r2"})])


async def test_gap_is_refused(conn: asyncpg.Connection) -> None:
    sid = stream()
    with pytest.raises(VersionConflict, match="expected version 5 does not exist"):
        async with conn.transaction():
            await append(conn, sid, 5, [event()])
    assert await count(conn, sid) == 0

    async with conn.transaction():
        await append(conn, sid, 0, [event()])
    with pytest.raises(VersionConflict):
        async with conn.transaction():
            await append(conn, sid, 2, [event("ReviewerAssigned")])
    assert await stream_version(conn, sid) == 1


async def test_refused_gap_leaves_nothing_even_without_a_transaction(conn: asyncpg.Connection) -> None:
    sid = stream()
    with pytest.raises(VersionConflict):
        await append(conn, sid, 5, [event()])
    assert await count(conn, sid) == 0
    assert await stream_version(conn, sid) == 0


async def test_late_commit_is_not_skipped_by_global_reader(
    database_url: str, conn: asyncpg.Connection
) -> None:
    a, b, c = stream("A"), stream("B"), stream("C")
    early = await connect(database_url)
    late = await connect(database_url)
    try:
        tx = early.transaction()
        await tx.start()
        await append(early, a, 0, [event(actor="early")])  # gets the lower position, commits last
        async with late.transaction():
            await append(late, b, 0, [event(actor="late")])

        seen, pos = await read_all(conn)
        # B is committed, but returning it now would move the reader past A for good
        assert seen == [] and pos == GlobalPosition()

        await tx.commit()
        seen, pos = await read_all(conn, pos)
        assert [e.stream_id for e in seen] == [a, b]
        assert seen[0].global_position < seen[1].global_position

        async with late.transaction():
            await append(late, c, 0, [event()])
        more, pos = await read_all(conn, pos)
        assert [e.stream_id for e in more] == [c]
        assert await read_all(conn, pos) == ([], pos)
    finally:
        await early.close()
        await late.close()


async def test_read_all_pages_without_skipping(conn: asyncpg.Connection) -> None:
    streams = [stream() for _ in range(5)]
    for sid in streams:
        async with conn.transaction():
            await append(conn, sid, 0, [event(), event("ReviewerAssigned")])
    got, pos = [], GlobalPosition()
    while True:
        page, pos = await read_all(conn, pos, limit=3)
        if not page:
            break
        got += page
    assert [(e.stream_id, e.version) for e in got] == [(s, v) for s in streams for v in (1, 2)]


async def test_read_returns_stream_in_version_order(conn: asyncpg.Connection) -> None:
    sid = stream()
    batch = [
        NewEvent("RequestReceived", "desk1", "front_desk", T0, {"case_id": sid, "subject": "議事録"}),
        NewEvent("ReviewerAssigned", "boss", "approver", T0 + timedelta(hours=1), {"reviewer": "r1"}),
        NewEvent("DecisionDrafted", "r1", "reviewer", T0 + timedelta(days=2), {"outcome": "full"}, 2),
    ]
    async with conn.transaction():
        await append(conn, sid, 0, batch[:1])
    async with conn.transaction():
        await append(conn, sid, 1, batch[1:])
    stored = await read(conn, sid)
    assert [e.version for e in stored] == [1, 2, 3]
    assert [(e.type, e.actor, e.role, e.occurred_at, e.data, e.schema_version) for e in stored] == [
        (e.type, e.actor, e.role, e.occurred_at, e.data, e.schema_version) for e in batch
    ]
    assert all(e.stream_id == sid for e in stored)
    assert [e.version for e in await read(conn, sid, after_version=1)] == [2, 3]
    assert await read(conn, stream()) == []
