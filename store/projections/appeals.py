"""appeal_view: appeals for the records officer, the council's referrals, and the request page."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

import asyncpg

from domain.appeals.state import APPEAL_EVENT_TYPES, AppealCase, fold
from domain.clock import parse_date
from store.projections import Projection

_COLUMNS = ("appeal_id", "request_id", "kind", "status", "closed_reason", "department", "filed_on", "window_ends",
            "late", "referred_on", "report_due", "report_overdue", "ruling", "ruled_on", "version", "updated_at",
            "state")
_UPDATED = ("status", "closed_reason", "late", "referred_on", "report_due", "report_overdue", "ruling", "ruled_on",
            "version", "updated_at", "state")
_UPSERT = (f"insert into appeal_view ({', '.join(_COLUMNS)}) values ({', '.join(f'${i}' for i in range(1, 18))}) "
           "on conflict (appeal_id) do update set " + ", ".join(f"{c} = excluded.{c}" for c in _UPDATED))


def appeal_row(case: AppealCase, version: int, updated_at: datetime) -> dict[str, Any]:
    """The appeal_view row of a folded appeal (also what time travel shows for a past instant)."""
    ruling = case.ruling or {}
    return {
        "appeal_id": case.appeal_id, "request_id": case.request_id, "kind": case.kind, "status": case.status,
        "closed_reason": case.closed_reason, "department": case.department, "filed_on": parse_date(case.filed_on),
        "window_ends": parse_date(case.window_ends), "late": case.late, "referred_on": parse_date(case.referred_on),
        "report_due": parse_date(case.report_due), "report_overdue": case.report_overdue,
        "ruling": ruling.get("ruling"), "ruled_on": parse_date(ruling.get("ruled_on")), "version": version,
        "updated_at": updated_at, "state": dataclasses.asdict(case),
    }


async def refresh(conn: asyncpg.Connection, stream_id: str, up_to: int) -> None:
    rows = await conn.fetch(
        "select type, data, occurred_at from events where stream_id = $1 and version <= $2 order by version",
        stream_id, up_to,
    )
    if not rows or rows[0]["type"] != "AppealFiled":
        return
    row = appeal_row(fold((r["type"], r["data"]) for r in rows), up_to, rows[-1]["occurred_at"])
    await conn.execute(_UPSERT, *(row[c] for c in _COLUMNS))


PROJECTION = Projection(
    name="appeals",
    tables=("appeal_view",),
    handles=frozenset(APPEAL_EVENT_TYPES) | {"NoticeFailed"},
    refresh=refresh,
    keys={"appeal_view": ("appeal_id",)},
)
