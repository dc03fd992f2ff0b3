"""Audit chain: every entry hashes the one before it, so any edit breaks the chain.

``hash = sha256(prev_hash || canonical JSON of the entry)``. Appends take one
advisory lock, so the chain has a single head however many writers there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg

from store.canonical import canonical_json, sha256_hex

GENESIS = "0" * 64
_CHAIN_LOCK = 0x41554449  # "AUDI"


@dataclass(frozen=True)
class AuditEntry:
    actor: str
    role: str
    action: str
    entity_id: str | None = None
    detail: dict[str, Any] | None = None


def entry_hash(
    prev_hash: str, *, seq: int, at: datetime, actor: str, role: str, action: str,
    entity_id: str | None, detail: dict[str, Any],
) -> str:
    body = canonical_json(
        {
            "seq": seq,
            "at": at,
            "actor": actor,
            "role": role,
            "action": action,
            "entity_id": entity_id,
            "detail": detail,
        }
    )
    return sha256_hex(prev_hash + body)


async def append(conn: asyncpg.Connection, entry: AuditEntry, *, at: datetime | None = None) -> int:
    """Append one entry; returns its seq. Runs in the caller's transaction if there is one."""
    async with conn.transaction():
        # Hash the detail as jsonb will store it (1e20 -> 100000000000000000000, -0.0 -> 0.0):
        # verify() recomputes from the stored value, so an honest entry must not look tampered.
        detail = await conn.fetchval("select $1::jsonb", entry.detail or {})
        await lock_chain(conn)
        head = await conn.fetchrow("select seq, hash from audit_log order by seq desc limit 1")
        seq = (head["seq"] if head else 0) + 1
        prev = head["hash"] if head else GENESIS
        # Microsecond UTC instant: what PostgreSQL stores is exactly what we hashed.
        when = (at or datetime.now(UTC)).astimezone(UTC)
        digest = entry_hash(
            prev, seq=seq, at=when, actor=entry.actor, role=entry.role, action=entry.action,
            entity_id=entry.entity_id, detail=detail,
        )
        await conn.execute(
            """insert into audit_log (seq, at, actor, role, action, entity_id, detail, prev_hash, hash)
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9)""",
            seq, when, entry.actor, entry.role, entry.action, entry.entity_id, detail, prev, digest,
        )
    return seq


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int
    head: str
    head_seq: int
    broken_seq: int | None = None
    reason: str | None = None


async def append_once(conn: asyncpg.Connection, entry: AuditEntry) -> bool:
    """Append unless an entry with the same action, entity and detail is already there (an activity that is
    retried writes its line once); True if appended."""
    async with conn.transaction():
        await lock_chain(conn)  # two retries cannot both find no line and both write one
        seen = await conn.fetchval(
            "select 1 from audit_log where action = $1 and entity_id is not distinct from $2 and detail = $3::jsonb",
            entry.action, entry.entity_id, entry.detail or {})
        if seen:
            return False
        await append(conn, entry)
        return True


async def lock_chain(conn: asyncpg.Connection) -> None:
    """Serialise writers of the chain until the caller's transaction ends (re-entrant within it)."""
    await conn.execute("select pg_advisory_xact_lock($1)", _CHAIN_LOCK)


async def head(conn: asyncpg.Connection) -> tuple[int, str]:
    row = await conn.fetchrow("select seq, hash from audit_log order by seq desc limit 1")
    return (row["seq"], row["hash"]) if row else (0, GENESIS)


async def verify(conn: asyncpg.Connection, *, expect_head: str | None = None) -> VerifyResult:
    """Recompute the chain from the start; report the first broken seq.

    ``expect_head`` (``seq:hash`` from ``kaiji audit head``, or just the hash)
    catches a truncated tail, which a chain alone cannot reveal.
    """
    prev, expected_seq, count = GENESIS, 1, 0
    hashes: dict[int, str] = {}
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        async for r in conn.cursor("select * from audit_log order by seq"):
            if r["seq"] != expected_seq:
                return _broken(count, prev, expected_seq - 1, expected_seq, f"entry {expected_seq} is missing")
            if r["prev_hash"] != prev:
                return _broken(count, prev, expected_seq - 1, r["seq"], "prev_hash does not match the entry before")
            digest = entry_hash(
                prev, seq=r["seq"], at=r["at"], actor=r["actor"], role=r["role"], action=r["action"],
                entity_id=r["entity_id"], detail=r["detail"],
            )
            if digest != r["hash"]:
                return _broken(count, prev, expected_seq - 1, r["seq"], "hash does not match the entry's content")
            prev, count = digest, count + 1
            hashes[r["seq"]] = digest
            expected_seq += 1
    if expect_head:
        want_seq, _, want_hash = expect_head.rpartition(":")
        if want_seq:
            seq = int(want_seq)
            if seq > count:
                return _broken(count, prev, count, count + 1, f"chain ends at {count} but the exported head is at {seq}")
            if hashes.get(seq) != want_hash:
                return _broken(count, prev, count, seq, "entry differs from the exported head")
        elif want_hash not in hashes.values():
            return _broken(count, prev, count, count + 1, "exported head not found in the chain")
    return VerifyResult(True, count, prev, count)


def _broken(count: int, prev: str, head_seq: int, seq: int, reason: str) -> VerifyResult:
    return VerifyResult(False, count, prev, head_seq, broken_seq=seq, reason=reason)


async def entries(
    conn: asyncpg.Connection, *, entity_id: str | None = None, actor: str | None = None,
    since: datetime | None = None, limit: int = 100,
) -> list[asyncpg.Record]:
    return await conn.fetch(
        """select * from audit_log
           where ($1::text is null or entity_id = $1) and ($2::text is null or actor = $2)
             and ($3::timestamptz is null or at >= $3)
           order by seq desc limit $4""",
        entity_id, actor, since, limit,
    )
