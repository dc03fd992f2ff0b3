"""breach_view: breach incidents for their department, the records officer and the council's agenda."""

from __future__ import annotations

import dataclasses

import asyncpg

from domain.breaches.state import BREACH_EVENT_TYPES, BreachCase, fold
from domain.clock import parse_date
from store.projections import Projection


def breach_row(case: BreachCase) -> tuple:
    """The row's columns after ``breach_id`` … ``state`` (without version/updated_at), from the folded case."""
    pre, fin = case.reports.get("preliminary") or {}, case.reports.get("final") or {}
    return (
        case.breach_id,
        case.department,
        case.title,
        case.kind,
        case.status,
        parse_date(case.aware_on),
        case.persons,
        case.reportable,
        parse_date(case.preliminary_due),
        parse_date(pre.get("submitted_on")),
        parse_date(case.final_due),
        parse_date(fin.get("submitted_on")),
        any(case.is_overdue(r) for r in ("preliminary", "final")),
        parse_date((case.agenda or {}).get("meeting_on")),
        parse_date(case.closed_on),
    )


async def refresh(conn: asyncpg.Connection, stream_id: str, up_to: int) -> None:
    rows = await conn.fetch(
        "select type, data, occurred_at from events where stream_id = $1 and version <= $2 order by version",
        stream_id,
        up_to,
    )
    if not rows or rows[0]["type"] != "BreachRecorded":
        return
    case = fold((r["type"], r["data"]) for r in rows)
    await conn.execute(
        """insert into breach_view (breach_id, department, title, kind, status, aware_on, persons, reportable,
               preliminary_due, preliminary_on, final_due, final_on, overdue, meeting_on, closed_on, version,
               updated_at, state)
           values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18)
           on conflict (breach_id) do update set department = excluded.department, title = excluded.title,
               kind = excluded.kind, status = excluded.status, aware_on = excluded.aware_on,
               persons = excluded.persons, reportable = excluded.reportable,
               preliminary_due = excluded.preliminary_due, preliminary_on = excluded.preliminary_on,
               final_due = excluded.final_due, final_on = excluded.final_on, overdue = excluded.overdue,
               meeting_on = excluded.meeting_on, closed_on = excluded.closed_on, version = excluded.version,
               updated_at = excluded.updated_at, state = excluded.state""",
        *breach_row(case),
        up_to,
        rows[-1]["occurred_at"],
        dataclasses.asdict(case),
    )


PROJECTION = Projection(
    name="breaches",
    tables=("breach_view",),
    handles=frozenset(BREACH_EVENT_TYPES),
    refresh=refresh,
    keys={"breach_view": ("breach_id",)},
)
