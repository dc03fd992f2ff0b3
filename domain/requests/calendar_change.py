"""Recompute an open request's dates after a calendar change (domain.md "Dates have history").

Which dates depend on the city's calendar:

* ``work_due`` — the last open day on or before the strict ``decision_due``
  (閉庁日は市の期限を延長しない; ``decision_due`` itself counts calendar days and never moves);
* the reminder, ``reminder_lead_days`` open days before ``work_due``;
* ``remainder_work_due`` — after a 特例延長, the last open day on or before the remainder's date
  (``remainder_due`` itself is the date the notice stated and never moves);
* ``appeal_window_ends`` of each decision — a citizen-side period whose last day rolls forward over
  closed days (地方自治法4条の2④; 行政不服審査法18条); a request with several decisions has one window each.

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
from domain.requests.state import Decision, RequestCase

EVENT = "CalendarChanged"


def _rules(case: RequestCase) -> CaseRules:
    return CaseRules(**{**case.rules, "extra_closures": tuple(case.rules.get("extra_closures", ()))})


def _work_due_pending(case: RequestCase, today: date) -> bool:
    return (case.decision is None and case.status in t.BEFORE_DECISION and bool(case.work_due)
            and _d(case.work_due) >= today)


def _window_pending(case: RequestCase, today: date) -> bool:
    return (case.status in (t.DECIDED, t.DISCLOSED) and bool(case.appeal_window_ends)
            and not case.appeal_window_closed and _d(case.appeal_window_ends) >= today)


def _pending_windows(case: RequestCase, today: date) -> list[Decision]:
    """The decisions whose appeal window is still running (each moves on its own)."""
    if case.status not in (t.DECIDED, t.DISCLOSED):
        return []
    return [x for x in case.decisions if x.appeal_window_ends and not x.appeal_window_closed and x.decided_on
            and _d(x.appeal_window_ends) >= today]


def _remainder_pending(case: RequestCase, today: date) -> bool:
    return (case.remainder_owed and not case.remainder_overdue and bool(case.remainder_due)
            and bool(case.remainder_work_due) and _d(case.remainder_work_due or "") >= today)


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
    if len(case.decisions) > 1:
        for x in _pending_windows(case, today):
            out[f"appeal_window_ends:{x.decision_id}"] = x.appeal_window_ends or ""
    if _remainder_pending(case, today):
        out["remainder_work_due"] = case.remainder_work_due or ""
    return out


def recompute(case: RequestCase, change: CalendarChange, now: datetime, *,
              every_window: bool = True) -> list[EventDraft]:
    """The ``CalendarChanged`` event for this case, or [] when nothing about it changes.

    An event is recorded when a tracked date moves *or* the case's own closures grow (a later
    extension or decision must count the new closure too); a closed case gets nothing.
    ``every_window=False`` is the first release's rule (the first decision's window only, no 特例延長
    remainder), kept for workflows that recorded a calendar change before the patch.
    """
    if case.closed or not case.case_id:
        return []
    today = jst_date(now)
    old_rules = _rules(case)
    merged = tuple(sorted(set(old_rules.extra_closures) | set(change.closures)))
    rules = replace(old_rules, extra_closures=merged)
    calendar = rules.calendar()
    before = tracked_dates(case, today, old_rules)
    if not every_window:
        before = {k: v for k, v in before.items() if k in ("work_due", "reminder_on", "appeal_window_ends")}
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
    if "remainder_work_due" in before:
        work = deadlines.work_due(_d(case.remainder_due), calendar)
        new_work = work.value.isoformat()
        if new_work != case.remainder_work_due:
            explanation = work.to_dict()["explanation"]
            explanation["steps"].append(f"{today}: {step}; remainder_work_due {case.remainder_work_due} → {new_work}")
            explanations = data.get("due_explanation", case.due_explanation)
            data.update(remainder_work_due=new_work, remainder_warning=work.warning,
                        due_explanation={**explanations, "remainder_work_due": explanation})
        after["remainder_work_due"] = new_work
    windows: dict[str, str] = {}
    running = _pending_windows(case, today) if every_window else (
        [case.decision] if "appeal_window_ends" in before and case.decision and case.decision.decided_on else [])
    for x in running:
        if not every_window:  # the first release read the case's delivery date
            x = replace(x, notice_delivered_on=case.notice_delivered_on)
        decided = _d(x.decided_on)
        learned = _d(x.notice_delivered_on) or decided
        window = deadlines.appeal_window_end(learned_on=learned, decided_on=decided, calendar=calendar)
        if window.value.isoformat() != x.appeal_window_ends:
            windows[x.decision_id] = window.value.isoformat()
            if x.decision_id == case.decision.decision_id:
                explanation = window.to_dict()["explanation"]
                explanation["steps"].append(
                    f"{today}: {step}; appeal_window_ends {x.appeal_window_ends} → {window.value}")
                data.update(appeal_window=explanation)
        if len(case.decisions) > 1 and every_window:
            after[f"appeal_window_ends:{x.decision_id}"] = window.value.isoformat()
    if not every_window:
        if windows:
            data["appeal_window_ends"] = next(iter(windows.values()))
        if "appeal_window_ends" in before:
            after["appeal_window_ends"] = data.get("appeal_window_ends", case.appeal_window_ends)
        windows = {}
    if windows:
        data["windows"] = windows
    if "appeal_window_ends" in before and every_window:
        ends = [windows.get(x.decision_id, x.appeal_window_ends) for x in case.decisions if x.appeal_window_ends]
        new_end = max(e for e in ends if e) if ends else case.appeal_window_ends
        if new_end != case.appeal_window_ends:
            data["appeal_window_ends"] = new_end
        after["appeal_window_ends"] = new_end or ""
    if before == after and set(merged) == set(old_rules.extra_closures):
        return []
    return [draft(EVENT, change.actor, now, reason=change.reason, closure_on=change.closure_on,
                  extra_closures=list(merged), before=before, after=after,
                  changed=sorted(k for k in after.keys() | before.keys() if before.get(k) != after.get(k)),
                  **data)]
