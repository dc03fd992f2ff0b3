"""Japan time without a clock: callers pass the instant (``workflow.now()``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

# Japan keeps no daylight saving time, so a fixed offset is exact (and needs no tz database).
JST = timezone(timedelta(hours=9), "JST")


def jst_date(instant: datetime) -> date:
    return instant.astimezone(JST).date()


def start_of_day(d: date) -> datetime:
    """00:00 JST of ``d`` as an aware instant: the moment a date-based deadline passes into ``d``."""
    return datetime.combine(d, time(0, 0), tzinfo=JST)


def parse_date(value: str | date | None) -> date | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(value)


def now() -> datetime:
    """The current instant (aware, UTC). For the API, the CLI and tests only: workflows use
    ``workflow.now()`` and pure rules take the instant as an argument."""
    return datetime.now(UTC)


def today() -> date:
    """Today's Japan date: the one "today" of the product and of its tests. The machine's local date
    (``date.today()``) is the UTC date on a server, a day behind Japan from 00:00 to 09:00 JST."""
    return jst_date(now())
