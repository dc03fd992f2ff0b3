"""Timers of a breach: a reminder before each report to the Commission is due, and overdue after.

Derived from the state like every case's timers: revising the facts (a malicious act found, more
people affected) moves them at once. Nothing runs when no report is due.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from domain import deadlines
from domain.actors import SYSTEM_ACTOR
from domain.breaches import state as s
from domain.clock import jst_date
from domain.events import EventDraft, draft
from domain.inputs import closures_calendar
from domain.requests.timers import Timer

_DAY = timedelta(days=1)


def reminder_on(case: s.BreachCase, report: str) -> date:
    """速報: the day before it is due (it is due within days); 確報: the profile's open days before."""
    due, aware = date.fromisoformat(case.due(report) or ""), date.fromisoformat(case.aware_on)
    if report == "preliminary":
        return max(aware, due - _DAY)
    calendar = closures_calendar(case.rules.get("extra_closures", ()))
    return deadlines.reminder_on(due, case.rules.get("reminder_lead_days", 3), calendar, not_before=aware)


def pending_timers(case: s.BreachCase) -> list[Timer]:
    if case.closed or not case.breach_id or not case.reportable:
        return []
    timers = []
    for report in s.REPORTS:
        due = case.due(report)
        if report in case.reports or not due or case.overdue.get(report) == due:
            continue
        if case.reminded.get(report) != due:
            timers.append(Timer(f"{report}_reminder", reminder_on(case, report).isoformat(), due))
        timers.append(Timer(f"{report}_overdue", (date.fromisoformat(due) + _DAY).isoformat(), due))
    return timers


def next_timer(case: s.BreachCase) -> Timer | None:
    timers = pending_timers(case)
    return min(timers, key=lambda t: t.on) if timers else None


def fire(case: s.BreachCase, timer: Timer, now: datetime) -> list[EventDraft]:
    if timer not in pending_timers(case):
        return []
    report, what = timer.kind.split("_")
    due = timer.key
    if what == "overdue" or jst_date(now) > date.fromisoformat(due):  # recorded late: no reminder, overdue
        return [
            draft(
                "BreachReportOverdue", SYSTEM_ACTOR, now, report=report, due=due, department=case.department
            )
        ]
    return [
        draft(
            "BreachReportReminderSent", SYSTEM_ACTOR, now, report=report, due=due, department=case.department
        )
    ]
