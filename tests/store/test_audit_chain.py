"""Audit chain against a real PostgreSQL: tampering as a superuser would, and the CLI that catches it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from store import audit
from store.db import connect
from tests.store.helpers import kaiji

T0 = datetime(2025, 6, 2, 1, 30, tzinfo=UTC)


async def write_chain(conn: asyncpg.Connection, n: int = 6) -> str:
    """``n`` entries; returns the exported head ``seq:hash``."""
    for i in range(1, n + 1):
        entry = audit.AuditEntry(
            actor=f"staff{i % 3}",
            role="reviewer",
            action="request.draft-decision",
            entity_id=f"R-2025-{i:05d}",
            detail={"events": ["DecisionDrafted"], "note": f"第{i}回"},
        )
        assert await audit.append(conn, entry, at=T0 + timedelta(minutes=i)) == i
    seq, digest = await audit.head(conn)
    return f"{seq}:{digest}"


async def as_superuser(conn: asyncpg.Connection, *statements: str) -> None:
    """Tamper the way a superuser can: with the append-only triggers switched off for this session."""
    async with conn.transaction():
        await conn.execute("set local session_replication_role = replica")
        for sql in statements:
            await conn.execute(sql)


async def test_intact_chain_verifies(conn: asyncpg.Connection) -> None:
    empty = await audit.verify(conn)
    assert empty.ok and empty.entries == 0 and empty.head == audit.GENESIS
    exported = await write_chain(conn)
    result = await audit.verify(conn)
    assert result.ok and result.entries == 6 and result.head_seq == 6
    assert exported == f"6:{result.head}"
    assert (await audit.verify(conn, expect_head=exported)).ok
    assert (await audit.verify(conn, expect_head=exported.split(":")[1])).ok


async def test_details_postgres_normalises_still_verify(conn: asyncpg.Connection) -> None:
    """jsonb rewrites some numbers (1e20, -0.0); an honest entry must never look tampered."""
    for detail in ({"fee": 1e20}, {"x": -0.0}, {"ratio": 0.1, "big": 2**70}, {"pages": (1, 2)}):
        await audit.append(conn, audit.AuditEntry("staff1", "reviewer", "notice.read", "R-1", detail))
    result = await audit.verify(conn)
    assert result.ok and result.entries == 4, result


@pytest.mark.parametrize(
    "edit",
    [
        "update audit_log set actor = 'mallory' where seq = 3",
        """update audit_log set detail = '{"events": ["DecisionDrafted"], "note": "改ざん"}' where seq = 3""",
        "update audit_log set at = at + interval '1 second' where seq = 3",
        "update audit_log set entity_id = 'R-2025-09999' where seq = 3",
        "update audit_log set action = 'request.withdraw' where seq = 3",
    ],
    ids=["actor", "detail", "at", "entity_id", "action"],
)
async def test_edited_entry_is_caught(conn: asyncpg.Connection, edit: str) -> None:
    await write_chain(conn)
    await as_superuser(conn, edit)
    result = await audit.verify(conn)
    assert not result.ok and result.broken_seq == 3
    assert result.entries == 2 and result.head_seq == 2


async def test_rehashed_entry_breaks_the_next_link(conn: asyncpg.Connection) -> None:
    """Even fixing up the edited entry's own hash shows at the entry after it."""
    await write_chain(conn)
    await as_superuser(conn, "update audit_log set actor = 'mallory', hash = repeat('a', 64) where seq = 3")
    assert (await audit.verify(conn)).broken_seq == 3
    row = await conn.fetchrow("select * from audit_log where seq = 3")
    prev = await conn.fetchval("select hash from audit_log where seq = 2")
    forged = audit.entry_hash(
        prev,
        seq=3,
        at=row["at"],
        actor=row["actor"],
        role=row["role"],
        action=row["action"],
        entity_id=row["entity_id"],
        detail=row["detail"],
    )
    await as_superuser(conn, f"update audit_log set hash = '{forged}' where seq = 3")
    result = await audit.verify(conn)
    assert not result.ok and result.broken_seq == 4


async def test_deleted_entry_is_caught(conn: asyncpg.Connection) -> None:
    await write_chain(conn)
    await as_superuser(conn, "delete from audit_log where seq = 3")
    result = await audit.verify(conn)
    assert not result.ok and result.broken_seq == 3 and "missing" in result.reason


@pytest.mark.parametrize(
    "swap",
    [
        # contents swapped, seq numbers kept
        [
            """update audit_log a set at = b.at, actor = b.actor, role = b.role, action = b.action,
                   entity_id = b.entity_id, detail = b.detail, prev_hash = b.prev_hash, hash = b.hash
               from audit_log b where (a.seq, b.seq) in ((3, 4), (4, 3))"""
        ],
        # seq numbers swapped, contents kept
        [
            "update audit_log set seq = -1 where seq = 3",
            "update audit_log set seq = 3 where seq = 4",
            "update audit_log set seq = 4 where seq = -1",
        ],
    ],
    ids=["contents", "seq-numbers"],
)
async def test_swapped_entries_are_caught(conn: asyncpg.Connection, swap: list[str]) -> None:
    await write_chain(conn)
    await as_superuser(conn, *swap)
    assert await conn.fetchval("select count(*) from audit_log") == 6
    result = await audit.verify(conn)
    assert not result.ok and result.broken_seq == 3


async def test_forged_entry_is_caught(conn: asyncpg.Connection) -> None:
    await write_chain(conn)
    _, head = await audit.head(conn)
    await conn.execute(  # a plain INSERT is allowed: the chain, not the database, exposes it
        """insert into audit_log (seq, at, actor, role, action, entity_id, detail, prev_hash, hash)
           values (7, now(), 'mallory', 'admin', 'request.approve-decision', 'R-2025-00001', '{}', $1, $2)""",
        head,
        "f" * 64,
    )
    result = await audit.verify(conn)
    assert not result.ok and result.broken_seq == 7 and result.entries == 6


async def test_truncated_tail_needs_the_exported_head(conn: asyncpg.Connection) -> None:
    exported = await write_chain(conn)
    await as_superuser(conn, "delete from audit_log where seq in (5, 6)")
    alone = await audit.verify(conn)
    assert alone.ok and alone.entries == 4  # a chain cannot see its own missing tail
    result = await audit.verify(conn, expect_head=exported)
    assert not result.ok and result.broken_seq == 5
    hash_only = await audit.verify(conn, expect_head=exported.split(":")[1])
    assert not hash_only.ok


@pytest.mark.parametrize(
    "sql",
    [
        "update audit_log set actor = 'mallory' where seq = 3",
        "delete from audit_log where seq = 6",
        "truncate audit_log",
    ],
    ids=["update", "delete", "truncate"],
)
async def test_database_refuses_changes(conn: asyncpg.Connection, sql: str) -> None:
    await write_chain(conn)
    with pytest.raises(asyncpg.PostgresError, match="append-only"):
        await conn.execute(sql)
    result = await audit.verify(conn)
    assert result.ok and result.entries == 6


async def test_concurrent_appends_form_one_chain(database_url: str, conn: asyncpg.Connection) -> None:
    writers = [await connect(database_url) for _ in range(20)]
    try:
        seqs = await asyncio.gather(
            *(
                audit.append(c, audit.AuditEntry(f"staff{i}", "reviewer", "case.read", f"R-{i}"))
                for i, c in enumerate(writers)
            )
        )
    finally:
        for c in writers:
            await c.close()
    assert sorted(seqs) == list(range(1, 21))
    assert [r["seq"] for r in await conn.fetch("select seq from audit_log order by seq")] == list(
        range(1, 21)
    )
    result = await audit.verify(conn)
    assert result.ok and result.entries == 20


async def test_cli_verify_and_head(database_url: str, conn: asyncpg.Connection) -> None:
    exported = await write_chain(conn)
    code, out = await kaiji(database_url, "audit", "head")
    assert code == 0 and out.strip() == exported
    code, out = await kaiji(database_url, "audit", "verify")
    assert code == 0 and "6 entries" in out and exported in out

    await as_superuser(conn, "update audit_log set detail = '{}' where seq = 4")
    code, out = await kaiji(database_url, "audit", "verify")
    assert code == 1 and "BROKEN at seq 4" in out


async def test_cli_expect_head_catches_truncation(database_url: str, conn: asyncpg.Connection) -> None:
    await write_chain(conn)
    code, exported = await kaiji(database_url, "audit", "head")
    assert code == 0
    await as_superuser(conn, "delete from audit_log where seq in (5, 6)")
    code, out = await kaiji(database_url, "audit", "verify")
    assert code == 0 and "4 entries" in out
    code, out = await kaiji(database_url, "audit", "verify", "--expect-head", exported.strip())
    assert code == 1 and "BROKEN at seq 5" in out
