"""Replay every event into fresh projection tables; compare with (or replace) the live ones."""

from __future__ import annotations

import asyncpg

from store.events import StoredEvent
from store.projections import all_projections, apply

SCRATCH = "kaiji_rebuild"
_BATCH = 500


async def rebuild(conn: asyncpg.Connection, *, check: bool) -> list[str]:
    """Return the differences found (first per table). Without ``check``, live tables are replaced."""
    tables = [(p, t) for p in all_projections() for t in p.tables]
    differences: list[str] = []
    async with conn.transaction(isolation="repeatable_read"):
        await conn.execute(f"drop schema if exists {SCRATCH} cascade; create schema {SCRATCH}")
        for _, table in tables:
            await conn.execute(f"create table {SCRATCH}.{table} (like public.{table} including all)")
        await conn.execute(f"set local search_path = {SCRATCH}, public")
        batch: list[StoredEvent] = []
        async for row in conn.cursor(
            """select global_position, stream_id, version, type, schema_version, actor, role, occurred_at, data
               from events order by transaction_id, global_position"""
        ):
            batch.append(StoredEvent.from_row(row))
            if len(batch) >= _BATCH:
                await apply(conn, batch)
                batch = []
        if batch:
            await apply(conn, batch)
        await conn.execute("set local search_path = public")
        for projection, table in tables:
            diff = await _first_difference(conn, table, projection.keys[table])
            if diff:
                differences.append(diff)
        if not check:
            for _, table in tables:
                await conn.execute(f"delete from public.{table}")
                await conn.execute(f"insert into public.{table} select * from {SCRATCH}.{table}")
        await conn.execute(f"drop schema {SCRATCH} cascade")
    return differences


async def _first_difference(conn: asyncpg.Connection, table: str, keys: tuple[str, ...]) -> str | None:
    order = ", ".join(keys)
    for label, left, right in (("live", "public", SCRATCH), ("rebuilt", SCRATCH, "public")):
        row = await conn.fetchrow(
            f"select * from (select * from {left}.{table} except select * from {right}.{table}) d "
            f"order by {order} limit 1"
        )
        if row is not None:
            key = ", ".join(f"{k}={row[k]}" for k in keys)
            other = "rebuilt" if label == "live" else "live"
            return f"{table} ({key}): the {label} row differs from or is missing in the {other} table"
    return None
