"""A change of the city's calendar that must reach open cases (domain.md "Dates have history").

Two causes: the records officer adds a closure day (臨時閉庁日: a disaster, a system outage, or a
newly announced holiday; 地方自治法4条の2②, the 休日条例), or the installed holiday table
(``jpholiday``) now knows a 国民の祝日 it did not know when the case's dates were computed
(祝日法3条). Either way each open case recomputes its future-facing dates in the pure domain and
records the old and new dates as one event; replays apply the event and never recompute.

Temporal payloads (update argument and result): ISO strings, no future import.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from domain.actors import SYSTEM, Actor
from domain.errors import forbidden
from domain.events import EventDraft

HOLIDAY_TABLE_REASON = "祝日表の更新（jpholiday）"


def holiday_table_reason(version: str) -> str:
    """Why ``kaiji calendar check --apply`` moved a date: the holiday table installed now."""
    return f"祝日表の更新（jpholiday {version}） / holiday table updated (jpholiday {version})"


@dataclass(frozen=True)
class CalendarChange:
    """What a case is told: every city closure now in force, and why its calendar changed."""

    actor: Actor
    closures: tuple[str, ...] = ()  # ISO dates: the profile's closures and every added one
    closure_on: str | None = None  # the day just added, when the change is one closure
    reason: str = ""  # as the records officer gave it, or HOLIDAY_TABLE_REASON


@dataclass(frozen=True)
class CalendarOutcome:
    """One case's answer: its tracked dates before and after (equal when nothing moved)."""

    case_id: str
    before: dict[str, str] = field(default_factory=dict)
    after: dict[str, str] = field(default_factory=dict)
    recorded: bool = False  # an event was recorded (the dates moved, or the case's closures grew)

    @property
    def changed(self) -> bool:
        return self.before != self.after


# An open request's calendar-dependent dates lie at most about a year and a quarter ahead (a decision
# within the extension limit, then 行政不服審査法18条② caps the appeal window at one year); two years
# leave room. Court dates follow the court calendar, which a city closure does not touch.
HORIZON = timedelta(days=730)


def reaches_open_cases(closure_on: date, today: date) -> bool:
    """Whether a closure day must be delivered to open cases now.

    A day already past cannot move a deadline still to come: work_due, the reminder and the appeal
    window only look at days from today on, and decided facts are never rewritten. A day beyond the
    horizon moves none of today's dates; it is stored and every case registered from now on counts it.
    """
    return today <= closure_on <= today + HORIZON


# Who may change the calendar of open cases: the records officer (総務課 情報公開係) over the API, the
# operator's `kaiji calendar check --apply` as the system.
AUTHORISED_ROLES = frozenset({"records_officer", SYSTEM})


def check_authority(change: CalendarChange) -> None:
    if change.actor.role not in AUTHORISED_ROLES:
        raise forbidden(f"閉庁日の追加は情報公開係の権限です。 / Role {change.actor.role} may not change the calendar.")


def why(change: CalendarChange) -> str:
    """The step an explanation gets: what changed in the calendar."""
    if change.closure_on:
        return f"{change.closure_on} を臨時閉庁日とした（{change.reason}） / {change.closure_on} closed: {change.reason}"
    return change.reason


def outcome(case_id: str, events: list[EventDraft]) -> CalendarOutcome:
    """The update's answer: before/after of the recorded event (or an unchanged, unrecorded case)."""
    if not events:
        return CalendarOutcome(case_id)
    d = events[0].data
    return CalendarOutcome(case_id, dict(d["before"]), dict(d["after"]), recorded=True)
