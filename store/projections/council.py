"""council_reports: every 存否応答拒否 decision the profile says to report to the council."""

from __future__ import annotations

import asyncpg

from domain.clock import parse_date
from store.projections import Projection

HANDLES = frozenset({"DecisionApproved", "NcndReported"})


async def refresh(conn: asyncpg.Connection, stream_id: str, up_to: int) -> None:
    rows = await conn.fetch(
        """select type, data from events
           where stream_id = $1 and version <= $2 and type = any($3::text[]) order by version""",
        stream_id, up_to, sorted(HANDLES | {"DecisionDrafted", "RequestReceived"}),
    )
    department, clauses = "", []
    for r in rows:
        d = r["data"]
        if r["type"] == "RequestReceived":
            department = d["department"]
        elif r["type"] == "DecisionDrafted":  # of several decisions, the NCND ones are reported
            parts = d.get("parts") or [d]
            ncnd = [p for p in parts if p.get("outcome") == "neither_confirm_nor_deny"] or parts
            clauses = [e["clause"] for p in ncnd for e in p.get("exemptions", [])]
        elif r["type"] == "DecisionApproved" and d.get("report_to_council"):
            await conn.execute(
                """insert into council_reports (case_id, decided_on, department, clauses)
                   values ($1, $2, $3, $4) on conflict (case_id) do nothing""",
                stream_id, parse_date(d["decided_on"]), department, clauses,
            )
        elif r["type"] == "NcndReported":
            await conn.execute(
                "update council_reports set reported_on = $2, session_ref = $3 where case_id = $1",
                stream_id, parse_date(d["reported_on"]), d.get("session_ref"),
            )


PROJECTION = Projection(
    name="council",
    tables=("council_reports",),
    handles=HANDLES,
    refresh=refresh,
    keys={"council_reports": ("case_id",)},
)
