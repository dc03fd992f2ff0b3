"""Idempotency keys of staff actions (migration 0016): claim, compare, record the outcome."""

from __future__ import annotations

from typing import Any

import asyncpg


async def claim(conn: asyncpg.Connection, key_digest: str, username: str, operation: str, body_hash: str,
                case_id: str) -> asyncpg.Record:
    """The key's row: a new one (outcome null) or the one the first use left."""
    await conn.execute(
        """insert into action_keys (key_digest, username, operation, body_hash, case_id)
           values ($1, $2, $3, $4, $5) on conflict (key_digest) do nothing""",
        key_digest, username, operation, body_hash, case_id,
    )
    return await conn.fetchrow(
        "select operation, body_hash, case_id, outcome from action_keys where key_digest = $1", key_digest)


async def complete(conn: asyncpg.Connection, key_digest: str, outcome: dict[str, Any]) -> None:
    await conn.execute(
        "update action_keys set outcome = $2, completed_at = now() where key_digest = $1 and outcome is null",
        key_digest, outcome,
    )
