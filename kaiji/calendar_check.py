"""`kaiji calendar check [--apply]`: open cases whose dates the installed holiday table would now change.

Requests (work_due, the reminder, the appeal window) and pending suits (the deadline to appeal a judgment,
on the court calendar). Appeals have no date that depends on the calendar (their periods count days).

After a ``jpholiday`` upgrade (a newly announced 国民の祝日) the cases already in flight still hold dates
computed with the old table (docs/decisions.md "Events carry computed dates"). The check folds each open
request from its events, recomputes with the same pure domain function the workflow uses and lists what
would move; ``--apply`` sends the same ``calendar-changed`` update as a closure day, so each case records a
``CalendarChanged`` event and its timers follow. The closures in force (profile + added) travel too, so a
case a closure never reached (an unreachable worker at the time) is brought up to date the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
import jpholiday

from domain import clock
from domain.actors import SYSTEM, Actor
from domain.calendar_change import CalendarChange, CalendarOutcome, holiday_table_reason, outcome
from domain.litigation import calendar_change as suit_calendar
from domain.litigation.state import fold as fold_suit
from domain.profile import Profile
from domain.requests import calendar_change
from domain.requests.evolve import fold
from store import audit, closures, events


@dataclass(frozen=True)
class Check:
    change: CalendarChange
    pending: list[CalendarOutcome]  # the open cases whose dates would move


def table_version() -> str:
    return str(getattr(jpholiday, "__version__", "unknown"))


async def check(conn: asyncpg.Connection, profile: Profile, operator: str = SYSTEM) -> Check:
    """``operator`` (``cli:<user>``) acts as the system: the event and the audit entry name who ran it."""
    in_force = profile.closures_with(await closures.closure_dates(conn))
    change = CalendarChange(actor=Actor(operator, SYSTEM), closures=tuple(d.isoformat() for d in in_force),
                            reason=holiday_table_reason(table_version()))
    now = clock.now()
    pending = []
    for case_id in await closures.open_request_ids(conn):
        case = fold((e.type, e.data) for e in await events.read(conn, case_id))
        result = outcome(case_id, calendar_change.recompute(case, change, now))
        if result.changed:
            pending.append(result)
    for suit_id in await closures.open_suit_ids(conn):
        suit = fold_suit((e.type, e.data) for e in await events.read(conn, suit_id))
        result = outcome(suit_id, suit_calendar.recompute(suit, change, now))
        if result.changed:
            pending.append(result)
    return Check(change, pending)


async def audit_apply(conn: asyncpg.Connection, result: Check) -> None:
    """The operation's one audit entry, written before the cases are told."""
    await audit.append(conn, audit.AuditEntry(
        actor=result.change.actor.username, role=SYSTEM, action="calendar.holiday-table-applied",
        detail={"jpholiday": table_version(), "cases": [o.case_id for o in result.pending]},
    ))


def describe(outcome: CalendarOutcome) -> str:
    moves = [f"{name} {outcome.before.get(name, '-')} → {outcome.after.get(name, '-')}"
             for name in sorted(outcome.before.keys() | outcome.after.keys())
             if outcome.before.get(name) != outcome.after.get(name)]
    return f"{outcome.case_id}  " + ", ".join(moves)
