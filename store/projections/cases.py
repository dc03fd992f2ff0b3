"""case_view and deadline_view: the request lists and dashboards.

The row is the request's state folded from its events by the same domain
``fold`` the workflow uses, so list, detail and workflow always agree.
"""

from __future__ import annotations

import dataclasses

import asyncpg

from domain.clock import parse_date
from domain.requests.evolve import EVENT_TYPES, fold
from domain.requests.timers import pending_timers
from store.projections import Projection


async def refresh(conn: asyncpg.Connection, stream_id: str, up_to: int) -> None:
    rows = await conn.fetch(
        "select type, data, occurred_at from events where stream_id = $1 and version <= $2 order by version",
        stream_id,
        up_to,
    )
    if not rows or rows[0]["type"] != "RequestReceived":
        return
    case = fold((r["type"], r["data"]) for r in rows)
    decision = case.decision or case.draft
    state = dataclasses.asdict(case)
    await conn.execute(
        """insert into case_view (case_id, kind, status, closed_reason, department, reviewer, received_on,
               subject, requester_party_id, decision_due, work_due, due_warning, overdue, outcome, drafted_by,
               decided_on, earliest_disclosure_on, appeal_window_ends, disclosed_on, version, updated_at, state,
               requester_category)
           values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23)
           on conflict (case_id) do update set kind = excluded.kind, status = excluded.status,
               closed_reason = excluded.closed_reason, department = excluded.department,
               reviewer = excluded.reviewer, received_on = excluded.received_on, subject = excluded.subject,
               requester_party_id = excluded.requester_party_id, decision_due = excluded.decision_due,
               work_due = excluded.work_due, due_warning = excluded.due_warning, overdue = excluded.overdue,
               outcome = excluded.outcome, drafted_by = excluded.drafted_by, decided_on = excluded.decided_on,
               earliest_disclosure_on = excluded.earliest_disclosure_on,
               appeal_window_ends = excluded.appeal_window_ends, disclosed_on = excluded.disclosed_on,
               version = excluded.version, updated_at = excluded.updated_at, state = excluded.state,
               requester_category = excluded.requester_category""",
        case.case_id, case.kind, case.status, case.closed_reason, case.department, case.reviewer,
        parse_date(case.received_on), case.subject, case.requester_party_id, parse_date(case.decision_due),
        parse_date(case.work_due), case.due_warning, case.overdue,
        case.decision.outcome if case.decision else None,
        decision.drafted_by if decision else None,
        parse_date(case.decision.decided_on) if case.decision else None,
        parse_date(case.decision.earliest_disclosure_on) if case.decision else None,
        parse_date(case.appeal_window_ends), parse_date(case.disclosed_on),
        up_to, rows[-1]["occurred_at"], state, case.requester_category,
    )
    await conn.execute("delete from deadline_view where case_id = $1", case.case_id)
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
    if deadlines:
        await conn.executemany(
            "insert into deadline_view (case_id, deadline, due_on, department) values ($1, $2, $3, $4)",
            [(case.case_id, k, parse_date(v), case.department) for k, v in sorted(deadlines.items())],
        )


PROJECTION = Projection(
    name="cases",
    tables=("case_view", "deadline_view"),
    handles=frozenset(EVENT_TYPES),
    refresh=refresh,
    keys={"case_view": ("case_id",), "deadline_view": ("case_id", "deadline")},
)
