"""Statutory date arithmetic (期間計算). Every computed date explains itself.

City-side deadlines (決定期限) are strict: closed days never move them, so
``work_due`` is the last open day on or before ``decision_due``. Citizen-side
deadlines (審査請求・出訴・上訴) that end on a closed day end on the next open
day instead (地方自治法4条の2④; in court, 民事訴訟法95条③ via 行政事件訴訟法7条).

Pure functions: no clock reads, no I/O; callers pass every date.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from typing import Any

from domain.calendar import BusinessCalendar

_DAY = timedelta(days=1)
_LOCAL_ROLL = "地方自治法4条の2④"
_COURT_ROLL = "民事訴訟法95条③（行政事件訴訟法7条）"


class DeadlineError(ValueError):
    """A date rule was broken; the message is meant for the clerk."""


@dataclass(frozen=True, slots=True)
class DueExplanation:
    """How a date was computed: rule, legal basis, input, output, and the steps."""

    rule: str
    article: str
    start: date
    result: date
    steps: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DueDate:
    """A computed date with its explanation and, if any, a warning for staff.

    Dates are ``datetime.date``: put ``to_dict()`` (ISO strings) into events and
    Temporal payloads; the default Temporal JSON converter cannot encode dates.
    """

    value: date
    explanation: DueExplanation
    warning: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (dates as ISO strings)."""
        data: dict[str, Any] = json.loads(json.dumps(asdict(self), default=date.isoformat))
        return data


# --- period arithmetic (民法138条以下) ---------------------------------------


def add_days(start: date, days: int, *, count_first_day: bool = False) -> date:
    """End of a period of ``days`` days from ``start``.

    初日不算入 (民法140条): day 1 is the day after ``start``, so the end is
    ``start + days``. With ``count_first_day`` (a profile switch for ordinances
    that say 「起算して」 from the request day) the end is ``start + days - 1``.
    """
    if days < 0 or (count_first_day and days < 1):
        raise DeadlineError(f"period must be a positive number of days, got {days}")
    return start + timedelta(days=days - 1 if count_first_day else days)


def _month_length(year: int, month: int) -> int:
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return (nxt - _DAY).day


def add_months(start: date, months: int) -> date:
    """Last day of a period of ``months`` months running from the day after ``start``.

    民法140条: the period starts the next day (起算日 = start + 1). 民法143条②:
    it ends the day before the 起算日's corresponding day (応当日) in the last
    month, or on that month's last day when there is none (ただし書). When the
    起算日 is the 1st, 143条① (暦に従う) gives the last day of the month — the
    same formula. Examples: after 2025-03-17 + 3 → 2025-06-17; after 2025-11-30
    + 3 → 2026-02-28; after 2024-01-31 + 1 → 2024-02-29.

    So a month-end ``start`` ends on the target month's last day (after
    2025-02-28 + 1 → 2025-03-31, not 03-28).
    """
    if months < 1:
        raise DeadlineError(f"months must be at least 1, got {months}")
    first = start + _DAY
    index = first.year * 12 + (first.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    if first.day <= _month_length(year, month):
        return date(year, month, first.day) - _DAY
    return date(year, month, _month_length(year, month))


def add_years(start: date, years: int) -> date:
    """Last day of a period of ``years`` years from the day after ``start`` (民法143条)."""
    if years < 1:
        raise DeadlineError(f"years must be at least 1, got {years}")
    return add_months(start, 12 * years)


def correction_days(requested_on: date, arrived_on: date) -> int:
    """Days excluded for one correction (補正に要した日数; 個人情報保護法83条①ただし書, 条例).

    The day after the correction request through the arrival day are not
    counted: ``(arrived_on - requested_on).days``.
    """
    if arrived_on < requested_on:
        raise DeadlineError(
            f"補正の到達日 {arrived_on} が補正依頼日 {requested_on} より前です / "
            f"correction arrived ({arrived_on}) before it was requested ({requested_on})"
        )
    return (arrived_on - requested_on).days


# --- city-side deadlines ------------------------------------------------------


def _first_day_step(received_on: date, count_first_day: bool) -> str:
    if count_first_day:
        return f"received {received_on}; day 1 = {received_on} (初日算入, profile count_first_day)"
    return f"received {received_on}; day 1 = {received_on + _DAY} (初日不算入, 民法140条)"


def _statutory(
    rule: str,
    received_on: date,
    days: int,
    excluded_days: int,
    count_first_day: bool,
    basis: str,
    extended_to: date | None = None,
) -> DueDate:
    if excluded_days < 0:
        raise DeadlineError(f"excluded correction days cannot be negative, got {excluded_days}")
    base = add_days(received_on, days, count_first_day=count_first_day)
    steps = [_first_day_step(received_on, count_first_day), f"{rule}: {days} days → {base}"]
    end = base + timedelta(days=excluded_days)
    if excluded_days:
        steps.append(f"+{excluded_days} correction days excluded ({base} → {end})")
    if extended_to is not None:
        steps.append(f"extended to {extended_to} by 期限延長通知 (statutory date was {end})")
        end = extended_to
    article = basis if count_first_day else f"{basis}; 民法140条"
    return DueDate(end, DueExplanation(rule, article, received_on, end, tuple(steps)))


def decision_due(
    received_on: date,
    period_days: int,
    *,
    excluded_days: int = 0,
    extended_to: date | None = None,
    count_first_day: bool = False,
    basis: str = "情報公開条例 / 個人情報保護法83条①",
) -> DueDate:
    """Strict statutory decision date (決定期限); an extended date wins when given.

    received + period (初日不算入) + excluded correction days (補正期間不算入).
    """
    return _statutory(
        "decision_due", received_on, period_days, excluded_days, count_first_day, basis, extended_to
    )


def work_due(decision_due: DueDate | date, calendar: BusinessCalendar) -> DueDate:
    """Last open day on or before ``decision_due`` (実務上の期限).

    Closed days do not extend the city's own deadline (地方自治法4条の2④ only
    helps the citizen), so a closed ``decision_due`` pulls ``work_due`` earlier
    and sets ``warning``.
    """
    due = decision_due.value if isinstance(decision_due, DueDate) else decision_due
    steps = list(decision_due.explanation.steps) if isinstance(decision_due, DueDate) else []
    value = calendar.last_open_on_or_before(due)
    warning = None
    reason = calendar.closed_reason(due)
    if reason is None:
        steps.append(f"{due} is an open day: work_due = decision_due")
    else:
        steps.append(f"{due} is {reason}: work_due moved to {value}")
        warning = (
            f"決定期限 {due}（{reason}）は閉庁日です。閉庁日は市の期限を延ばさないため、"
            f"{value} までに決定してください。 / The decision due date {due} is a closed day "
            f"({reason}); closed days do not extend the city's deadline: decide by {value}."
        )
    article = "閉庁日は市の決定期限を延長しない（地方自治法4条の2④は住民側の期限のみ）"
    return DueDate(value, DueExplanation("work_due", article, due, value, tuple(steps)), warning)


def extension_limit(
    received_on: date,
    limit_days: int,
    *,
    excluded_days: int = 0,
    count_first_day: bool = False,
    basis: str = "情報公開条例 / 個人情報保護法83条②",
) -> DueDate:
    """Latest date an extension may set: received + limit (+ correction days)."""
    return _statutory("extension_limit", received_on, limit_days, excluded_days, count_first_day, basis)


def check_extension(
    *, current_due: date, new_due: date, limit: date, today: date, already_extended: bool
) -> None:
    """Refuse an extension (期限延長) that breaks the rules; return None when allowed.

    Once only, decided on or before the current due date, to a later date no
    later than the limit (情報公開条例 / 個人情報保護法83条②).
    """
    if already_extended:
        raise DeadlineError("期限の延長は1回限りです。 / The deadline has already been extended once.")
    if today > current_due:
        raise DeadlineError(
            f"延長は現在の決定期限 {current_due} までに行う必要があります（本日 {today}）。 / "
            f"An extension must be made by the current due date {current_due}; today is {today}."
        )
    if new_due <= current_due:
        raise DeadlineError(
            f"延長後の期限 {new_due} は現在の期限 {current_due} より後でなければなりません。 / "
            f"The new due date {new_due} must be after the current due date {current_due}."
        )
    if new_due > limit:
        raise DeadlineError(
            f"延長後の期限 {new_due} は延長の上限 {limit} を超えています。 / "
            f"The new due date {new_due} is past the extension limit {limit}."
        )


# --- citizen-side deadlines ---------------------------------------------------


def _roll_steps(d: date, rolled: date, calendar: BusinessCalendar, article: str) -> list[str]:
    if rolled == d:
        return [f"{d} is an open day"]
    closed = calendar.closed_days_between(d, rolled - _DAY)
    reasons = ", ".join(f"{day} {why}" for day, why in closed)
    return [f"{d} is closed ({reasons}): moved to {rolled} ({article})"]


def roll_forward(d: date, calendar: BusinessCalendar) -> DueDate:
    """Next open day on or after ``d`` (地方自治法4条の2④: 休日の翌日をもって期限とみなす)."""
    rolled = calendar.next_open_on_or_after(d)
    steps = tuple(_roll_steps(d, rolled, calendar, _LOCAL_ROLL))
    return DueDate(rolled, DueExplanation("roll_forward", _LOCAL_ROLL, d, rolled, steps))


def _court(calendar: BusinessCalendar) -> BusinessCalendar:
    """Court closed days (民事訴訟法95条③): a city's 臨時閉庁日 does not close the court."""
    return replace(calendar, extra_closures=())


def _capped_window(
    rule: str,
    article: str,
    roll_article: str,
    learned_on: date,
    decided_on: date,
    months: int,
    calendar: BusinessCalendar,
) -> DueDate:
    if learned_on < decided_on:
        raise DeadlineError(f"learned_on {learned_on} is before decided_on {decided_on}")
    main = add_months(learned_on, months)
    main_rolled = calendar.next_open_on_or_after(main)
    cap = add_years(decided_on, 1)
    cap_rolled = calendar.next_open_on_or_after(cap)
    steps = [f"learned {learned_on}; {months} months from {learned_on + _DAY} end {main} (民法140条・143条)"]
    steps += _roll_steps(main, main_rolled, calendar, roll_article)
    steps.append(f"decided {decided_on}; 1 year from {decided_on + _DAY} ends {cap}")
    steps += _roll_steps(cap, cap_rolled, calendar, roll_article)
    value = min(main_rolled, cap_rolled)
    if cap_rolled < main_rolled:
        steps.append(f"the 1-year cap binds: window ends {value}")
    else:
        steps.append(f"the {months}-month window binds: ends {value}")
    return DueDate(value, DueExplanation(rule, f"{article}; {roll_article}", learned_on, value, tuple(steps)))


def appeal_window_end(*, learned_on: date, decided_on: date, calendar: BusinessCalendar) -> DueDate:
    """Last day to file a 審査請求 (行政不服審査法18条①②).

    3 months from the day after learning of the decision, and at most 1 year
    from the day after the decision. Both are periods set by law for an act
    toward the municipality, so 地方自治法4条の2④ rolls *each* end forward to
    the next open day; the window ends at the earlier of the two rolled dates.
    (Late filing with 正当な理由 — 18条①②ただし書 — is judged by staff, not here.)
    """
    return _capped_window(
        "appeal_window_end", "行政不服審査法18条①②", _LOCAL_ROLL, learned_on, decided_on, 3, calendar
    )


def suit_window_end(*, learned_on: date, decided_on: date, calendar: BusinessCalendar) -> DueDate:
    """Last day to sue for revocation (取消訴訟, 行政事件訴訟法14条①②③).

    6 months from the day after learning of the decision, at most 1 year from
    the day after it. When an appeal was filed, pass the ruling's dates (14条③).
    Each end rolls per 民事訴訟法95条③ (行訴法7条) on the court calendar:
    weekends, holidays and 12/29–1/3, ignoring the city's 臨時閉庁日.
    """
    return _capped_window(
        "suit_window_end", "行政事件訴訟法14条", _COURT_ROLL, learned_on, decided_on, 6, _court(calendar)
    )


def higher_court_appeal_due(served_on: date, calendar: BusinessCalendar) -> DueDate:
    """控訴・上告の期限: 2 weeks after service of the judgment (民事訴訟法285条, 313条).

    Day 1 is the day after service (民訴法95条①, 民法140条); a closed last day
    rolls to the next court open day (民訴法95条③; the city's 臨時閉庁日 ignored).
    """
    court = _court(calendar)
    end = served_on + timedelta(days=14)
    rolled = court.next_open_on_or_after(end)
    steps = [f"served {served_on}; 14 days from {served_on + _DAY} end {end}"]
    steps += _roll_steps(end, rolled, court, _COURT_ROLL)
    article = f"民事訴訟法285条・313条; {_COURT_ROLL}"
    return DueDate(
        rolled, DueExplanation("higher_court_appeal_due", article, served_on, rolled, tuple(steps))
    )


def third_party_earliest_disclosure(decided_on: date, hold_days: int = 15) -> date:
    """Earliest disclosure over a third party's objection.

    At least two full weeks must lie between the decision date and the
    disclosure date (情報公開条例; cf. 情報公開法13条③): decided_on + 15.
    A profile may hold longer, never shorter.
    """
    if hold_days < 15:
        raise DeadlineError(f"third-party hold must be at least 15 days (two full weeks), got {hold_days}")
    return decided_on + timedelta(days=hold_days)


def reminder_on(
    work_due: date, lead_days: int, calendar: BusinessCalendar, *, not_before: date | None = None
) -> date:
    """Day to remind staff: ``lead_days`` open days before ``work_due``.

    Counting starts from the last open day on or before ``work_due`` and steps
    back over open days only (lead 3 before Fri 2025-03-28 → Tue 03-25;
    lead 0 → work_due itself). If ``not_before`` (e.g. the receipt date) is
    given, the result is never earlier than it.
    """
    if lead_days < 0:
        raise DeadlineError(f"lead_days cannot be negative, got {lead_days}")
    d = calendar.last_open_on_or_before(work_due)
    for _ in range(lead_days):
        d = calendar.last_open_on_or_before(d - _DAY)
    if not_before is not None and d < not_before:
        return not_before
    return d
