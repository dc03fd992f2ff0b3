"""Reads of the request projections for lists, detail pages and the council's report list."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import asyncpg

from kaiji.security.fields import FieldCipher
from store import notices


async def get_case(conn: asyncpg.Connection, case_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow("select * from case_view where case_id = $1", case_id)


async def any_case(conn: asyncpg.Connection) -> bool:
    return await conn.fetchval("select exists (select 1 from case_view)")


async def case_state(conn: asyncpg.Connection, case_id: str) -> dict | None:
    return await conn.fetchval("select state from case_view where case_id = $1", case_id)


async def appeal_state(conn: asyncpg.Connection, appeal_id: str) -> dict | None:
    return await conn.fetchval("select state from appeal_view where appeal_id = $1", appeal_id)


async def list_cases(
    conn: asyncpg.Connection, *, status: str | None = None, department: str | None = None,
    overdue: bool | None = None, due_before: date | None = None, q: str | None = None,
    name_hash: str | None = None, limit: int = 50, cursor: str | None = None,
    requester_category: str | None = None,
) -> list[asyncpg.Record]:
    """Newest first (case ids sort by fiscal year and number); ``cursor`` is the last id seen."""
    where, args = [], []

    def arg(value: object) -> str:
        args.append(value)
        return f"${len(args)}"

    if status:
        where.append(f"status = {arg(status)}")
    if department:
        where.append(f"department = {arg(department)}")
    if overdue is not None:
        where.append(f"overdue = {arg(overdue)}")
    if requester_category:
        where.append(f"requester_category = {arg(requester_category)}")
    if due_before:
        where.append(f"decision_due < {arg(due_before)} and status <> 'closed'")
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        clause = f"subject ilike {arg(pattern)} or case_id = {arg(q)}"
        if name_hash:
            clause += f" or requester_party_id in (select party_id from parties where name_hash = {arg(name_hash)})"
        where.append(f"({clause})")
    if cursor:
        where.append(f"case_id < {arg(cursor)}")
    sql = "select * from case_view"
    if where:
        sql += " where " + " and ".join(where)
    sql += f" order by case_id desc limit {arg(limit)}"
    return await conn.fetch(sql, *args)


async def deadlines(conn: asyncpg.Connection, case_id: str) -> list[asyncpg.Record]:
    return await conn.fetch("select deadline, due_on from deadline_view where case_id = $1 order by due_on", case_id)


async def council_reports(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch("select * from council_reports order by decided_on, case_id")


async def notices_of(conn: asyncpg.Connection, case_id: str, as_of: datetime | None = None) -> list[asyncpg.Record]:
    """The case's notices (those stored by ``as_of``, when given)."""
    return await conn.fetch(
        """select notice_id, notice_type, number, issued_on, sha256, template_version, supersedes, created_at,
                  decision_id
           from notices where case_id = $1 and ($2::timestamptz is null or created_at <= $2)
           order by created_at, notice_id""",
        case_id, as_of,
    )


async def notice(conn: asyncpg.Connection, notice_id: str, *,
                 cipher: FieldCipher | None = None) -> asyncpg.Record | dict[str, Any] | None:
    """A notice's metadata; with ``cipher`` also its decrypted ``html``, ``pdf`` and ``data``
    (the content is encrypted at rest: see ``store.notices.read``)."""
    if cipher is not None:
        return await notices.read(conn, cipher, notice_id)
    return await notices.get(conn, notice_id)


async def get_appeal(conn: asyncpg.Connection, appeal_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow("select * from appeal_view where appeal_id = $1", appeal_id)


async def list_appeals(conn: asyncpg.Connection, *, status: str | None = None,
                       department: str | None = None) -> list[asyncpg.Record]:
    return await conn.fetch(
        """select * from appeal_view where ($1::text is null or status = $1)
               and ($2::text is null or department = $2) order by appeal_id desc limit 500""",
        status, department,
    )


async def council_report(conn: asyncpg.Connection, case_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow("select * from council_reports where case_id = $1", case_id)


async def get_suit(conn: asyncpg.Connection, suit_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow("select * from suit_view where suit_id = $1", suit_id)


async def list_suits(conn: asyncpg.Connection, *, status: str | None = None) -> list[asyncpg.Record]:
    return await conn.fetch(
        "select * from suit_view where ($1::text is null or status = $1) order by suit_id desc limit 500", status
    )
