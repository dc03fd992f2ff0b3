"""Reading staff-entered values the same way in every case type."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from domain.calendar import BusinessCalendar
from domain.errors import invalid


def past_date(value: str | None, field: str, today: date) -> date:
    """A date staff record as having happened: defaults to today, never in the future."""
    if not value:
        return today
    try:
        d = date.fromisoformat(value)
    except ValueError:
        raise invalid(f"{field} は YYYY-MM-DD で入力してください。 / {field} must be a date.") from None
    if d > today:
        raise invalid(f"{field} に未来の日付は指定できません。 / {field} cannot be in the future.")
    return d


def closures_calendar(extra_closures: Iterable[str]) -> BusinessCalendar:
    """The business calendar with the profile's extra closures (ISO dates, as payloads carry them)."""
    return BusinessCalendar(tuple(date.fromisoformat(d) for d in extra_closures))
