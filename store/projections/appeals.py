"""appeal_view: appeals for the records officer, the council's referrals, and the request page."""

from __future__ import annotations

import dataclasses

import asyncpg

from domain.appeals.state import APPEAL_EVENT_TYPES, fold
from domain.clock import parse_date
from store.projections import Projection


async def refresh(conn: asyncpg.Connection, stream_id: str, up_to: int) -> None:
    rows = await conn.fetch(
        "select type, data, occurred_at from events where stream_id = $1 and version <= $2 order by version",
        stream_id, up_to,
    )
    if not rows or rows[0]["type"] != "AppealFiled":
        return
    case = fold((r["type"], r["data"]) for r in rows)
    ruling = case.ruling or {}
    await conn.execute(
        """insert into appeal_view (appeal_id, request_id, kind, status, closed_reason, department, filed_on,
               window_ends, late, referred_on, report_due, report_overdue, ruling, ruled_on, version, updated_at,
               state)
           values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)
           on conflict (appeal_id) do update set status = excluded.status, closed_reason = excluded.closed_reason,
               late = excluded.late, referred_on = excluded.referred_on, report_due = excluded.report_due,
               report_overdue = excluded.report_overdue, ruling = excluded.ruling, ruled_on = excluded.ruled_on,
               version = excluded.version, updated_at = excluded.updated_at, state = excluded.state""",
        case.appeal_id, case.request_id, case.kind, case.status, case.closed_reason, case.department,
        parse_date(case.filed_on), parse_date(case.window_ends), case.late, parse_date(case.referred_on),
        parse_date(case.report_due), case.report_overdue, ruling.get("ruling"), parse_date(ruling.get("ruled_on")),
        up_to, rows[-1]["occurred_at"], dataclasses.asdict(case),
    )


PROJECTION = Projection(
    name="appeals",
    tables=("appeal_view",),
    handles=frozenset(APPEAL_EVENT_TYPES) | {"NoticeFailed"},
    refresh=refresh,
    keys={"appeal_view": ("appeal_id",)},
)
