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
    # one decision or several: each has its own third-party hold and appeal window
    for decision in case.decisions:
        if decision.earliest_disclosure_on and not decision.hold_ended:
            timers.append(Timer("hold_ended", decision.earliest_disclosure_on, decision.decision_id))
    waiting = case.to_disclose()
    if case.status == t.DECIDED and waiting and not case.uncollected:
        start = max(_d(x.disclosure_on or x.decided_on) for x in waiting)
        timers.append(
            Timer("uncollected", (start + timedelta(days=rules.uncollected_days) + _DAY).isoformat())
        )
    if case.status in (t.DECIDED, t.DISCLOSED):
        for decision in case.decisions:
            if decision.appeal_window_ends and not decision.appeal_window_closed:
                timers.append(Timer("appeal_window", (_d(decision.appeal_window_ends) + _DAY).isoformat(),
                                    decision.decision_id))
    if case.remainder_owed and case.remainder_due and case.remainder_work_due:
        # 特例延長: the remainder's decision is owed by the date stated in the notice
        if not case.remainder_reminded:
            on = deadlines.reminder_on(_d(case.remainder_work_due), rules.reminder_lead_days, rules.calendar(),
                                       not_before=_d(case.received_on))
            timers.append(Timer("remainder_reminder", on.isoformat(), case.remainder_work_due))
        if not case.remainder_overdue:
            timers.append(Timer("remainder_overdue", (_d(case.remainder_due) + _DAY).isoformat(),
                                case.remainder_due))
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
        return [draft("ThirdPartyHoldEnded", a, now, earliest_disclosure_on=timer.on, decision_id=timer.key)]
    if timer.kind == "uncollected":
        events = [draft("DisclosureUncollected", a, now)]
        if case.appeal_window_closed and not case.remainder_owed:
            events.append(draft("CaseClosed", a, now, reason="uncollected"))
        return events
    if timer.kind == "appeal_window":
        decision = case.find_decision(timer.key)
        assert decision is not None
        events = [draft("AppealWindowClosed", a, now, appeal_window_ends=decision.appeal_window_ends,
                        decision_id=decision.decision_id)]
        others_open = any(not x.appeal_window_closed for x in case.decisions if x is not decision)
        if others_open or case.remainder_owed:
            return events  # the request is final when every decision is, and none is still owed
        if case.status == t.DISCLOSED or not case.to_disclose() or case.uncollected:
            reason = (
                "uncollected"
                if case.uncollected
                else ("dismissed" if case.decision and case.decision.outcome == "dismissed" else "final")
            )
            events.append(draft("CaseClosed", a, now, reason=reason))
        return events
    if timer.kind == "remainder_reminder":
        return [draft("RemainderReminderSent", a, now, remainder_due=case.remainder_due,
                      remainder_work_due=case.remainder_work_due, department=case.department,
                      reviewer=case.reviewer)]
    if timer.kind == "remainder_overdue":
        return [draft("RemainderOverdue", a, now, remainder_due=case.remainder_due, department=case.department)]
    raise ValueError(f"unknown timer {timer.kind}")


def fires_at(timer: Timer) -> date:
    return date.fromisoformat(timer.on)
