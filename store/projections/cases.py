"""case_view and deadline_view: the request lists and dashboards.

The row is the request's state folded from its events by the same domain
``fold`` the workflow uses, so list, detail and workflow always agree.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

import asyncpg

from domain.clock import parse_date
from domain.reports.facts import request_facts
from domain.requests.evolve import EVENT_TYPES, fold
from domain.requests.state import RequestCase
from domain.requests.timers import pending_timers
from store.projections import Projection

_COLUMNS = ("case_id", "kind", "status", "closed_reason", "department", "reviewer", "received_on", "subject",
            "requester_party_id", "decision_due", "work_due", "due_warning", "overdue", "outcome", "drafted_by",
            "decided_on", "earliest_disclosure_on", "appeal_window_ends", "disclosed_on", "version", "updated_at",
            "state", "requester_category")
_UPSERT = (f"insert into case_view ({', '.join(_COLUMNS)}) values ({', '.join(f'${i}' for i in range(1, 24))}) "
           "on conflict (case_id) do update set "
           + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS if c != "case_id"))
# What the annual report counts of the request (domain/reports/facts.py), kept with the row, and the digest
# of the events folded into it (store/reports.py: the report's inputs hash reads it instead of the events).
STREAM_DIGEST = ("encode(sha256(convert_to(string_agg(stream_id || ':' || version || ':' || payload_hash, ',' "
                 "order by version), 'UTF8')), 'hex')")
_FACTS = ("insert into report_facts (case_id, received_on, updated_at, inputs, facts) values ($1, $2, $3, "
          f"(select {STREAM_DIGEST} from events where stream_id = $1 and version <= $4), $5) "
          "on conflict (case_id) do update set received_on = excluded.received_on, "
          "updated_at = excluded.updated_at, inputs = excluded.inputs, facts = excluded.facts")


def case_row(case: RequestCase, version: int, updated_at: datetime) -> dict[str, Any]:
    """The case_view row of a folded case (also what time travel shows for a past instant)."""
    decision = case.decision or case.draft
    return {
        "case_id": case.case_id, "kind": case.kind, "status": case.status, "closed_reason": case.closed_reason,
        "department": case.department, "reviewer": case.reviewer, "received_on": parse_date(case.received_on),
        "subject": case.subject, "requester_party_id": case.requester_party_id,
        "decision_due": parse_date(case.decision_due), "work_due": parse_date(case.work_due),
        "due_warning": case.due_warning, "overdue": case.overdue,
        "outcome": case.decision.outcome if case.decision else None,
        "drafted_by": decision.drafted_by if decision else None,
        "decided_on": parse_date(case.decision.decided_on) if case.decision else None,
        "earliest_disclosure_on": parse_date(case.decision.earliest_disclosure_on) if case.decision else None,
        "appeal_window_ends": parse_date(case.appeal_window_ends), "disclosed_on": parse_date(case.disclosed_on),
        "version": version, "updated_at": updated_at, "state": dataclasses.asdict(case),
        "requester_category": case.requester_category,
    }


def deadline_rows(case: RequestCase) -> dict[str, str]:
    """deadline_view: the open deadlines of a case by name (ISO dates)."""
    deadlines: dict[str, str] = {}
    if not case.closed and case.decision is None:
        deadlines["decision_due"] = case.decision_due
        deadlines["work_due"] = case.work_due
    if not case.closed and case.remainder_owed and case.remainder_due:  # 特例延長: the remainder's decision
        deadlines["remainder_due"] = case.remainder_due
    for timer in pending_timers(case):
        name = f"{timer.kind}:{timer.key}" if timer.kind == "third_party_lapsed" else timer.kind
        # several decisions: one row per kind, the earliest (each decision's own dates are in the case)
        deadlines[name] = min(deadlines.get(name, timer.on), timer.on)
    return dict(sorted(deadlines.items()))


async def refresh(conn: asyncpg.Connection, stream_id: str, up_to: int) -> None:
    rows = await conn.fetch(
        "select type, data, occurred_at from events where stream_id = $1 and version <= $2 order by version",
        stream_id,
        up_to,
    )
    if not rows or rows[0]["type"] != "RequestReceived":
        return
    case = fold((r["type"], r["data"]) for r in rows)
    row = case_row(case, up_to, rows[-1]["occurred_at"])
    await conn.execute(_UPSERT, *(row[c] for c in _COLUMNS))
    await conn.execute(_FACTS, case.case_id, row["received_on"], row["updated_at"], up_to, request_facts(case))
    await conn.execute("delete from deadline_view where case_id = $1", case.case_id)
    deadlines = deadline_rows(case)
    if deadlines:
        await conn.executemany(
            "insert into deadline_view (case_id, deadline, due_on, department) values ($1, $2, $3, $4)",
            [(case.case_id, k, parse_date(v), case.department) for k, v in deadlines.items()],
        )


async def write_new(conn: asyncpg.Connection, folded: list[tuple[RequestCase, int, datetime]]) -> None:
    """The rows of cases folded by the caller from the events it just wrote (a bulk import): the same rows
    ``refresh`` would compute, without reading each stream back."""
    rows = [case_row(c, v, at) for c, v, at in folded]
    await conn.executemany(_UPSERT, [tuple(row[k] for k in _COLUMNS) for row in rows])
    await conn.executemany(_FACTS, [(c.case_id, parse_date(c.received_on), at, v, request_facts(c))
                                    for c, v, at in folded])
    await conn.executemany(
        "insert into deadline_view (case_id, deadline, due_on, department) values ($1, $2, $3, $4)",
        [(c.case_id, k, parse_date(d), c.department) for c, _, _ in folded for k, d in deadline_rows(c).items()],
    )


PROJECTION = Projection(
    name="cases",
    tables=("case_view", "deadline_view", "report_facts"),
    handles=frozenset(EVENT_TYPES),
    refresh=refresh,
    keys={"case_view": ("case_id",), "deadline_view": ("case_id", "deadline"), "report_facts": ("case_id",)},
)
