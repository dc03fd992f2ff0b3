"""Timer of a suit: a judgment below the Supreme Court becomes final when no appeal is filed in time."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from domain.actors import SYSTEM_ACTOR
from domain.events import EventDraft, draft
from domain.litigation import state as s
from domain.requests.timers import Timer

_DAY = timedelta(days=1)


def pending_timers(case: s.SuitCase) -> list[Timer]:
    if case.closed or not case.suit_id:
        return []
    if case.judged and case.appeal_due:
        # 確定: at 00:00 JST of the day after the last day to appeal (控訴・上告期間の満了).
        return [Timer("judgment_final", (date.fromisoformat(case.appeal_due) + _DAY).isoformat(), case.level)]
    return []


def next_timer(case: s.SuitCase) -> Timer | None:
    timers = pending_timers(case)
    return min(timers, key=lambda t: t.on) if timers else None


def fire(case: s.SuitCase, timer: Timer, now: datetime) -> list[EventDraft]:
    if timer not in pending_timers(case):
        return []
    return [draft("SuitAppealWindowLapsed", SYSTEM_ACTOR, now, court_level=case.level, appeal_due=case.appeal_due),
            draft("SuitFinal", SYSTEM_ACTOR, now, final_on=timer.on, outcome=case.outcome, scope=list(case.scope),
                  reason="no_appeal", court_level=case.level)]
