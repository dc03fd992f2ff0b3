"""Closure days added at run time (migration 0015): stored, listed, and the open requests they must reach."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import asyncpg

from store import audit


@dataclass(frozen=True)
class Closure:
    closed_on: date
    reason: str
    added_by: str


class DuplicateClosure(Exception):
    """The day is already a recorded closure."""


async def add(conn: asyncpg.Connection, closure: Closure, *, role: str) -> None:
    """Store the closure and its one audit entry in one transaction."""
    async with conn.transaction():
        inserted = await conn.fetchval(
            """insert into calendar_closures (closed_on, reason, added_by) values ($1, $2, $3)
               on conflict (closed_on) do nothing returning closed_on""",
            closure.closed_on, closure.reason, closure.added_by,
        )
        if inserted is None:
            raise DuplicateClosure(closure.closed_on.isoformat())
        await audit.append(conn, audit.AuditEntry(
            actor=closure.added_by, role=role, action="calendar.closure-added", entity_id=closure.closed_on.isoformat(),
            detail={"date": closure.closed_on.isoformat(), "reason": closure.reason},
        ))


async def all_closures(conn: asyncpg.Connection) -> list[Closure]:
    rows = await conn.fetch("select closed_on, reason, added_by from calendar_closures order by closed_on")
    return [Closure(r["closed_on"], r["reason"], r["added_by"]) for r in rows]


async def get(conn: asyncpg.Connection, closed_on: date) -> Closure | None:
    r = await conn.fetchrow("select closed_on, reason, added_by from calendar_closures where closed_on = $1",
                            closed_on)
    return Closure(r["closed_on"], r["reason"], r["added_by"]) if r else None


async def open_request_ids(conn: asyncpg.Connection) -> list[str]:
    """Every request not closed (closed cases are never touched by a calendar change)."""
    rows = await conn.fetch("select case_id from case_view where status <> 'closed' order by case_id")
    return [r["case_id"] for r in rows]


async def closure_dates(conn: asyncpg.Connection) -> tuple[date, ...]:
    """The days added at run time, for the rules snapshot of a new case (merged with the profile's)."""
    return tuple(r["closed_on"] for r in await conn.fetch("select closed_on from calendar_closures order by 1"))


async def open_suit_ids(conn: asyncpg.Connection) -> list[str]:
    """Every suit not yet final (its deadline to appeal a judgment follows the court's calendar)."""
    rows = await conn.fetch("select suit_id from suit_view where status <> 'final' order by suit_id")
    return [r["suit_id"] for r in rows]
