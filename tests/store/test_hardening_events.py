"""Issue 17: events are append-only, like the audit log and the notices (migration 0024)."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg
import pytest

from store.events import NewEvent, append, read

T0 = datetime(2025, 6, 2, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "sql",
    [
        "update events set data = '{}'::jsonb where stream_id = 'R-tamper'",
        "update events set actor = 'mallory' where stream_id = 'R-tamper'",
        "delete from events where stream_id = 'R-tamper'",
        "truncate events",
    ],
)
async def test_events_cannot_be_edited_even_by_the_owner(conn: asyncpg.Connection, sql: str) -> None:
    await append(
        conn, "R-tamper", 0, [NewEvent("RequestReceived", "desk1", "front_desk", T0, {"subject": "議事録"})]
    )
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
        await conn.execute(sql)
    [stored] = await read(conn, "R-tamper")
    assert stored.data == {"subject": "議事録"} and stored.actor == "desk1"
