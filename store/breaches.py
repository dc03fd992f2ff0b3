"""Reads of breach incidents (breach_view)."""

from __future__ import annotations

import asyncpg


async def get(conn: asyncpg.Connection, breach_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow("select * from breach_view where breach_id = $1", breach_id)


async def list_(
    conn: asyncpg.Connection,
    *,
    department: str | None = None,
    status: str | None = None,
    overdue: bool | None = None,
    on_agenda: bool = False,
) -> list[asyncpg.Record]:
    return await conn.fetch(
        """select * from breach_view
           where ($1::text is null or department = $1) and ($2::text is null or status = $2)
             and ($3::boolean is null or overdue = $3) and (not $4 or meeting_on is not null)
           order by breach_id desc limit 500""",
        department,
        status,
        overdue,
        on_agenda,
    )
