"""Case numbering and registration idempotency."""

from __future__ import annotations

from typing import Any

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


async def next_case_ids(conn: asyncpg.Connection, series: str, fiscal_year: int, count: int) -> list[str]:
    """Allocate ``count`` consecutive numbers of the series in one statement (a bulk import)."""
    if count <= 0:
        return []
    last = await conn.fetchval(
        """insert into case_counters (series, fiscal_year, last_number) values ($1, $2, $3)
           on conflict (series, fiscal_year) do update set last_number = case_counters.last_number + $3
           returning last_number""",
        series, fiscal_year, count,
    )
    return [format_case_id(series, fiscal_year, n) for n in range(last - count + 1, last + 1)]


async def find_registration(conn: asyncpg.Connection, key: str) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "select case_id, request_hash, started, input from registrations where idempotency_key = $1", key
    )


async def save_registration(conn: asyncpg.Connection, key: str, case_id: str, request_hash: str, *,
                            kind: str = "request", input: Any = None) -> None:
    """Reserve ``case_id`` with the workflow input that starts it (the reconciler's fallback)."""
    await conn.execute(
        "insert into registrations (idempotency_key, case_id, request_hash, kind, input) values ($1, $2, $3, $4, $5)",
        key, case_id, request_hash, kind, input,
    )


async def unstarted(conn: asyncpg.Connection, older_than_seconds: float) -> list[asyncpg.Record]:
    """Reservations whose case never confirmed its start, older than the grace period (oldest first)."""
    return await conn.fetch(
        """select case_id, kind, input, created_at from registrations
           where not started and voided_at is null and created_at < now() - make_interval(secs => $1)
           order by created_at limit 100""",
        older_than_seconds,
    )


async def void(conn: asyncpg.Connection, case_id: str, reason: str) -> None:
    await conn.execute("update registrations set voided_at = now(), void_reason = $2 where case_id = $1",
                       case_id, reason)


async def reservations(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """Every reservation not (yet) a running case: waiting ones and voided ones (`kaiji reservations`)."""
    return await conn.fetch(
        """select case_id, kind, created_at, voided_at, void_reason from registrations
           where not started order by created_at"""
    )


async def mark_started(conn: asyncpg.Connection, case_id: str) -> None:
    await conn.execute("update registrations set started = true where case_id = $1", case_id)
