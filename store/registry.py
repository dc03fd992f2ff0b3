"""Case numbering and registration idempotency."""

from __future__ import annotations

import asyncpg

from domain.case_ids import format_case_id


async def next_case_id(conn: asyncpg.Connection, series: str, fiscal_year: int) -> str:
    """Allocate the next number of the series in the caller's transaction (no gaps if it commits)."""
    number = await conn.fetchval(
        """insert into case_counters (series, fiscal_year, last_number) values ($1, $2, 1)
           on conflict (series, fiscal_year) do update set last_number = case_counters.last_number + 1
           returning last_number""",
        series, fiscal_year,
    )
    return format_case_id(series, fiscal_year, number)


async def find_registration(conn: asyncpg.Connection, key: str) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "select case_id, request_hash, started from registrations where idempotency_key = $1", key
    )


async def save_registration(conn: asyncpg.Connection, key: str, case_id: str, request_hash: str) -> None:
    await conn.execute(
        "insert into registrations (idempotency_key, case_id, request_hash) values ($1, $2, $3)",
        key, case_id, request_hash,
    )


async def mark_started(conn: asyncpg.Connection, case_id: str) -> None:
    await conn.execute("update registrations set started = true where case_id = $1", case_id)
