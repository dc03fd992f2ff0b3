"""A newer holiday table reaching a pending suit: the deadline to appeal a judgment (控訴・上告期間).

The deadline is 2 weeks after service, its last day rolled over *court* closed days (民事訴訟法95条③,
285条, 313条; 行政事件訴訟法7条): weekends, national holidays and 12/29–1/3, never the city's 臨時閉庁日.
So a city closure day moves nothing here; a 国民の祝日 the installed table did not know when the
judgment was recorded can (``kaiji calendar check``). A deadline already passed is a decided fact.
"""

from __future__ import annotations

from datetime import datetime

from domain import deadlines
from domain.calendar_change import CalendarChange, why
from domain.clock import jst_date
from domain.clock import parse_date as _d
from domain.events import EventDraft, draft
from domain.inputs import closures_calendar
from domain.litigation.state import SuitCase

EVENT = "CalendarChanged"


def recompute(case: SuitCase, change: CalendarChange, now: datetime) -> list[EventDraft]:
    if case.closed or not case.judged or not case.appeal_due:
        return []
    today = jst_date(now)
    if _d(case.appeal_due) < today:  # type: ignore[operator]
        return []
    served = _d(case.judgments[-1]["served_on"])
    assert served is not None
    due = deadlines.higher_court_appeal_due(served, closures_calendar(case.rules.get("extra_closures", ())))
    if due.value.isoformat() == case.appeal_due:
        return []
    explanation = due.to_dict()["explanation"]
    explanation["steps"].append(f"{today}: {why(change)}; appeal_due {case.appeal_due} → {due.value}")
    before, after = {"appeal_due": case.appeal_due}, {"appeal_due": due.value.isoformat()}
    return [draft(EVENT, change.actor, now, reason=change.reason, closure_on=change.closure_on, before=before,
                  after=after, changed=["appeal_due"], appeal_due=due.value.isoformat(),
                  appeal_due_explanation=explanation)]
