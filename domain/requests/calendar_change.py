"""Recompute an open request's dates after a calendar change (domain.md "Dates have history").

Which dates depend on the city's calendar:

* ``work_due`` — the last open day on or before the strict ``decision_due``
  (閉庁日は市の期限を延長しない; ``decision_due`` itself counts calendar days and never moves);
* the reminder, ``reminder_lead_days`` open days before ``work_due``;
* ``appeal_window_ends`` — a citizen-side period whose last day rolls forward over closed days
  (地方自治法4条の2④; 行政不服審査法18条).

Only future-facing deadlines move: a date already passed (an overdue decision, a closed appeal
window) or a decided fact (the decision, its date, a late appeal) is never rewritten, and a closed
case is not touched. The ``CalendarChanged`` event carries every recomputed date, so ``evolve``
only applies it and a replay never recomputes with a newer holiday table.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from domain import deadlines
from domain.calendar_change import CalendarChange, why
from domain.clock import jst_date
from domain.clock import parse_date as _d
from domain.events import EventDraft, draft
from domain.profile import CaseRules
from domain.requests import transitions as t
from domain.requests.state import RequestCase

EVENT = "CalendarChanged"


def _rules(case: RequestCase) -> CaseRules:
    return CaseRules(**{**case.rules, "extra_closures": tuple(case.rules.get("extra_closures", ()))})


def _work_due_pending(case: RequestCase, today: date) -> bool:
    return (case.decision is None and case.status in t.BEFORE_DECISION and bool(case.work_due)
            and _d(case.work_due) >= today)


def _window_pending(case: RequestCase, today: date) -> bool:
    return (case.status in (t.DECIDED, t.DISCLOSED) and bool(case.appeal_window_ends)
            and not case.appeal_window_closed and _d(case.appeal_window_ends) >= today)


def _reminder(case: RequestCase, work_due: str, rules: CaseRules) -> str | None:
    """The reminder date the timers derive (domain/requests/timers.py), if one is still to come."""
    clock_running = case.status in t.BEFORE_DECISION and case.status != t.AWAITING_CORRECTION
    if not clock_running or case.reminded_for == work_due:
        return None
    on = deadlines.reminder_on(_d(work_due), rules.reminder_lead_days, rules.calendar(),
                               not_before=_d(case.received_on))
    return on.isoformat()


def tracked_dates(case: RequestCase, today: date, rules: CaseRules | None = None) -> dict[str, str]:
    """The future-facing dates a calendar can move, as the case holds them now."""
    rules = rules or _rules(case)
    out: dict[str, str] = {}
    if _work_due_pending(case, today):
        out["work_due"] = case.work_due
        reminder = _reminder(case, case.work_due, rules)
        if reminder:
            out["reminder_on"] = reminder
    if _window_pending(case, today):
        out["appeal_window_ends"] = case.appeal_window_ends or ""
    return out


def recompute(case: RequestCase, change: CalendarChange, now: datetime) -> list[EventDraft]:
    """The ``CalendarChanged`` event for this case, or [] when nothing about it changes.

    An event is recorded when a tracked date moves *or* the case's own closures grow (a later
    extension or decision must count the new closure too); a closed case gets nothing.
    """
    if case.closed or not case.case_id:
        return []
    today = jst_date(now)
    old_rules = _rules(case)
    merged = tuple(sorted(set(old_rules.extra_closures) | set(change.closures)))
    rules = replace(old_rules, extra_closures=merged)
    calendar = rules.calendar()
    before = tracked_dates(case, today, old_rules)
    data: dict[str, Any] = {}
    after = dict(before)
    step = why(change)
    if "work_due" in before:
        work = deadlines.work_due(_d(case.decision_due), calendar)
        new_work = work.value.isoformat()
        if new_work != case.work_due or work.warning != case.due_warning:
            explanation = work.to_dict()["explanation"]
            explanation["steps"].append(f"{today}: {step}; work_due {case.work_due} → {new_work}")
            data.update(work_due=new_work, due_warning=work.warning,
                        due_explanation={**case.due_explanation, "work_due": explanation})
        after["work_due"] = new_work
        after.pop("reminder_on", None)
        reminder = _reminder(case, new_work, rules)
        if reminder:
            after["reminder_on"] = reminder
    if "appeal_window_ends" in before and case.decision and case.decision.decided_on:
        decided = _d(case.decision.decided_on)
        learned = _d(case.notice_delivered_on) or decided
        window = deadlines.appeal_window_end(learned_on=learned, decided_on=decided, calendar=calendar)
        if window.value.isoformat() != case.appeal_window_ends:
            explanation = window.to_dict()["explanation"]
            explanation["steps"].append(
                f"{today}: {step}; appeal_window_ends {case.appeal_window_ends} → {window.value}")
            data.update(appeal_window_ends=window.value.isoformat(), appeal_window=explanation)
        after["appeal_window_ends"] = window.value.isoformat()
    if before == after and set(merged) == set(old_rules.extra_closures):
        return []
    return [draft(EVENT, change.actor, now, reason=change.reason, closure_on=change.closure_on,
                  extra_closures=list(merged), before=before, after=after,
                  changed=sorted(k for k in after.keys() | before.keys() if before.get(k) != after.get(k)),
                  **data)]
