"""suit_view: revocation suits for the records officer (pending ones: 係争中) and the request page."""

from __future__ import annotations

import dataclasses

import asyncpg

from domain.clock import parse_date
from domain.litigation.state import SUIT_EVENT_TYPES, fold
from store.projections import Projection


async def refresh(conn: asyncpg.Connection, stream_id: str, up_to: int) -> None:
    rows = await conn.fetch(
        "select type, data, occurred_at from events where stream_id = $1 and version <= $2 order by version",
        stream_id, up_to,
    )
    if not rows or rows[0]["type"] != "SuitFiled":
        return
    case = fold((r["type"], r["data"]) for r in rows)
    await conn.execute(
        """insert into suit_view (suit_id, request_id, appeal_id, court, case_number, level, status, late,
               filed_on, appeal_due, outcome, final_on, version, updated_at, state)
           values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)
           on conflict (suit_id) do update set court = excluded.court, case_number = excluded.case_number,
               level = excluded.level, status = excluded.status, late = excluded.late,
               appeal_due = excluded.appeal_due, outcome = excluded.outcome, final_on = excluded.final_on,
               version = excluded.version, updated_at = excluded.updated_at, state = excluded.state""",
        case.suit_id, case.request_id, case.appeal_id, case.court, case.case_number, case.level, case.status,
        case.late, parse_date(case.filed_on), parse_date(case.appeal_due), case.outcome,
        parse_date(case.final_on), up_to, rows[-1]["occurred_at"], dataclasses.asdict(case),
    )


PROJECTION = Projection(
    name="suits",
    tables=("suit_view",),
    handles=frozenset(SUIT_EVENT_TYPES) | {"NoticeFailed"},
    refresh=refresh,
    keys={"suit_view": ("suit_id",)},
)
