"""The durable timers of a request case, derived from its state.

The workflow asks for the earliest pending timer, sleeps until 00:00 JST of
its day (or until a staff action changes the state), and on waking records
what ``fire`` returns. Because timers are derived from state, an extension or
a correction moves every timer at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain import deadlines
from domain.actors import SYSTEM_ACTOR
from domain.clock import parse_date as _d
from domain.events import EventDraft, draft
from domain.profile import CaseRules
from domain.requests import transitions as t
from domain.requests.state import RequestCase

_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Timer:
    kind: str
    on: str  # ISO date: fires at 00:00 JST of this day
    key: str = ""


def _rules(case: RequestCase) -> CaseRules:
    return CaseRules(**{**case.rules, "extra_closures": tuple(case.rules.get("extra_closures", ()))})


def pending_timers(case: RequestCase) -> list[Timer]:
    if case.closed or not case.case_id:
        return []
    timers: list[Timer] = []
    rules = _rules(case)
    clock_running = case.status in t.BEFORE_DECISION and case.status != t.AWAITING_CORRECTION
    if clock_running and case.reminded_for != case.work_due:
        on = deadlines.reminder_on(
            _d(case.work_due), rules.reminder_lead_days, rules.calendar(), not_before=_d(case.received_on)
        )
        timers.append(Timer("reminder", on.isoformat(), case.work_due))
    if clock_running and not case.overdue:
        timers.append(Timer("overdue", (_d(case.decision_due) + _DAY).isoformat(), case.decision_due))
    if case.status == t.AWAITING_CORRECTION and not case.correction_lapsed and case.correction_respond_by:
        timers.append(Timer("correction_lapsed", (_d(case.correction_respond_by) + _DAY).isoformat()))
    for party in case.awaiting_opinions():
        timers.append(Timer("third_party_lapsed", (_d(party.respond_by) + _DAY).isoformat(), party.party_id))
    decision = case.decision
    if decision and decision.earliest_disclosure_on and not case.hold_ended:
        timers.append(Timer("hold_ended", decision.earliest_disclosure_on))
    if case.status == t.DECIDED and case.discloses_anything() and not case.uncollected and decision:
        start = _d(decision.disclosure_on or decision.decided_on)
        timers.append(
            Timer("uncollected", (start + timedelta(days=rules.uncollected_days) + _DAY).isoformat())
        )
    if case.status in (t.DECIDED, t.DISCLOSED) and case.appeal_window_ends and not case.appeal_window_closed:
        timers.append(Timer("appeal_window", (_d(case.appeal_window_ends) + _DAY).isoformat()))
    return timers


def next_timer(case: RequestCase) -> Timer | None:
    timers = pending_timers(case)
    return min(timers, key=lambda tm: tm.on) if timers else None


def fire(case: RequestCase, timer: Timer, now: datetime) -> list[EventDraft]:
    """Events for a timer that came due; [] if the state moved on meanwhile."""
    if timer not in pending_timers(case):
        return []
    a = SYSTEM_ACTOR
    if timer.kind == "reminder":
        return [
            draft(
                "ReminderSent",
                a,
                now,
                work_due=case.work_due,
                decision_due=case.decision_due,
                department=case.department,
                reviewer=case.reviewer,
            )
        ]
    if timer.kind == "overdue":
        return [draft("DecisionOverdue", a, now, decision_due=case.decision_due, department=case.department)]
    if timer.kind == "correction_lapsed":
        return [draft("CorrectionResponseLapsed", a, now, respond_by=case.correction_respond_by)]
    if timer.kind == "third_party_lapsed":
        return [draft("ThirdPartyResponseLapsed", a, now, party_id=timer.key)]
    if timer.kind == "hold_ended":
        return [draft("ThirdPartyHoldEnded", a, now, earliest_disclosure_on=timer.on)]
    if timer.kind == "uncollected":
        events = [draft("DisclosureUncollected", a, now)]
        if case.appeal_window_closed:
            events.append(draft("CaseClosed", a, now, reason="uncollected"))
        return events
    if timer.kind == "appeal_window":
        events = [draft("AppealWindowClosed", a, now, appeal_window_ends=case.appeal_window_ends)]
        if case.status == t.DISCLOSED or not case.discloses_anything() or case.uncollected:
            reason = (
                "uncollected"
                if case.uncollected
                else ("dismissed" if case.decision and case.decision.outcome == "dismissed" else "final")
            )
            events.append(draft("CaseClosed", a, now, reason=reason))
        return events
    raise ValueError(f"unknown timer {timer.kind}")


def fires_at(timer: Timer) -> date:
    return date.fromisoformat(timer.on)
