"""Timers of an appeal: correction date, explanation date, the council's target date for its report."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from domain.actors import SYSTEM_ACTOR
from domain.appeals import state as s
from domain.events import EventDraft, draft
from domain.requests.timers import Timer

_DAY = timedelta(days=1)


def pending_timers(case: s.AppealCase) -> list[Timer]:
    if case.closed or not case.appeal_id:
        return []
    timers = []
    if case.status == s.AWAITING_CORRECTION and case.correction_respond_by and not case.correction_lapsed:
        timers.append(Timer("correction_lapsed", (date.fromisoformat(case.correction_respond_by) + _DAY).isoformat()))
    if case.explanation_due and not case.explanation_filed_on and not case.explanation_overdue:
        timers.append(Timer("explanation_overdue", (date.fromisoformat(case.explanation_due) + _DAY).isoformat()))
    if case.status == s.REFERRED and case.report_due:
        due = date.fromisoformat(case.report_due)
        if not case.report_reminded:
            lead = timedelta(days=case.rules.get("report_reminder_days", 14))
            timers.append(Timer("report_reminder", (due - lead).isoformat()))
        if not case.report_overdue:
            timers.append(Timer("report_overdue", (due + _DAY).isoformat()))
    return timers


def next_timer(case: s.AppealCase) -> Timer | None:
    timers = pending_timers(case)
    return min(timers, key=lambda t: t.on) if timers else None


def fire(case: s.AppealCase, timer: Timer, now: datetime) -> list[EventDraft]:
    if timer not in pending_timers(case):
        return []
    kinds = {"correction_lapsed": ("AppealCorrectionLapsed", {"respond_by": case.correction_respond_by}),
             "explanation_overdue": ("ExplanationOverdue", {"explanation_due": case.explanation_due}),
             "report_reminder": ("CouncilReportReminder", {"report_due": case.report_due}),
             "report_overdue": ("CouncilReportOverdue", {"report_due": case.report_due})}
    event_type, data = kinds[timer.kind]
    return [draft(event_type, SYSTEM_ACTOR, now, **data)]
