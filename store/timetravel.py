"""A case exactly as it stood at an instant: its events recorded by then, folded like the projections.

The answer has the shape of the live rows (case_view / appeal_view, deadlines, notices), so the same
presenters show the past and the present.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from domain.appeals.state import fold as fold_appeal
from domain.clock import parse_date
from domain.requests.evolve import fold as fold_request
from store import cases
from store.projections.appeals import appeal_row
from store.projections.cases import case_row, deadline_rows


async def _events(conn: asyncpg.Connection, stream_id: str, as_of: datetime) -> list[asyncpg.Record]:
    return await conn.fetch("select type, data, occurred_at from events where stream_id = $1 and recorded_at <= $2 "
                            "order by version", stream_id, as_of)


async def request_as_of(conn: asyncpg.Connection, case_id: str, as_of: datetime) -> dict[str, Any] | None:
    """{"row", "deadlines", "notices"} of the request at ``as_of``, or None if it did not exist yet."""
    rows = await _events(conn, case_id, as_of)
    if not rows or rows[0]["type"] != "RequestReceived":
        return None
    case = fold_request((r["type"], r["data"]) for r in rows)
    deadlines = [{"deadline": k, "due_on": parse_date(v)} for k, v in deadline_rows(case).items()]
    notices = await cases.notices_of(conn, case_id, as_of)
    return {"row": case_row(case, len(rows), rows[-1]["occurred_at"]), "deadlines": deadlines, "notices": notices}


async def appeal_as_of(conn: asyncpg.Connection, appeal_id: str, as_of: datetime) -> dict[str, Any] | None:
    rows = await _events(conn, appeal_id, as_of)
    if not rows or rows[0]["type"] != "AppealFiled":
        return None
    case = fold_appeal((r["type"], r["data"]) for r in rows)
    notices = await cases.notices_of(conn, appeal_id, as_of)
    return {"row": appeal_row(case, len(rows), rows[-1]["occurred_at"]), "notices": notices}
