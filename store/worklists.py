"""The console's work lists, read from the case_view projection (indexed by status and department)."""

from __future__ import annotations

from datetime import date

import asyncpg

_OPEN = "status <> 'closed'"
# What a work list shows (api/console/templates/macros.html case_table): never the state document, whose JSON
# decoding was most of a list's cost with a year's caseload (bench/console_pages.py).
_LIST = ("case_id, subject, status, department, received_on, work_due, decision_due, overdue, drafted_by, "
         "earliest_disclosure_on")


async def received_on(conn: asyncpg.Connection, *, day: date, limit: int = 100) -> list[asyncpg.Record]:
    """Requests received at the counter on ``day`` (the front desk's 本日の受付)."""
    return await conn.fetch(
        f"select {_LIST} from case_view where case_type = 'request' and received_on = $1 "
        "order by case_id desc limit $2",
        day,
        limit,
    )


async def with_status(
    conn: asyncpg.Connection, *, status: str, department: str | None = None, limit: int = 100
) -> list[asyncpg.Record]:
    """Requests in one status, soonest work_due first (optionally one department's)."""
    return await conn.fetch(
        f"""select {_LIST} from case_view where case_type = 'request' and status = $1
             and ($2::text is null or department = $2)
           order by work_due nulls last, case_id limit $3""",
        status,
        department,
        limit,
    )


async def disclosures_between(
    conn: asyncpg.Connection, *, first: date, last: date, limit: int = 100
) -> list[asyncpg.Record]:
    """Decided requests whose disclosure (閲覧・写しの交付) is scheduled between two days."""
    return await conn.fetch(
        """select * from case_view where case_type = 'request' and status = 'decided'
             and earliest_disclosure_on between $1 and $2
           order by earliest_disclosure_on, case_id limit $3""",
        first,
        last,
        limit,
    )


async def inbox(
    conn: asyncpg.Connection, *, department: str | None, limit: int = 200
) -> list[asyncpg.Record]:
    """A department's open requests (every department's for None), by work_due, the most urgent first."""
    return await conn.fetch(
        f"""select {_LIST} from case_view where case_type = 'request' and {_OPEN}
              and status in ('awaiting_correction', 'under_review', 'consulting_third_party', 'pending_approval')
              and ($1::text is null or department = $1)
            order by work_due nulls last, case_id limit $2""",
        department,
        limit,
    )


async def status_counts(conn: asyncpg.Connection, *, department: str | None) -> dict[str, int]:
    rows = await conn.fetch(
        f"""select status, count(*) as n from case_view where case_type = 'request' and {_OPEN}
              and ($1::text is null or department = $1) group by status""",
        department,
    )
    return {r["status"]: r["n"] for r in rows}
