"""The effective calendar of the office, day by day, each closed day with its reason and source.

Sources, in the precedence of ``BusinessCalendar.closed_reason``: ``holiday`` (国民の祝日・休日 from
the installed ``jpholiday``; 祝日法2条・3条), ``weekend`` (土曜日・日曜日), ``new_year`` (12月29日〜1月3日),
``profile`` (臨時閉庁日 listed in the municipality profile), ``closure`` (臨時閉庁日 added at run time by the
records officer; 地方自治法4条の2②, the 休日条例). Pure: callers pass every date.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from domain.calendar import EXTRA_CLOSURE_REASON, NEW_YEAR_REASON, BusinessCalendar

MAX_DAYS = 366  # one GET shows at most a year


def closed_source(d: date, calendar: BusinessCalendar, added: Mapping[date, str]) -> str | None:
    reason = calendar.closed_reason(d)
    if reason is None:
        return None
    if reason in ("土曜日", "日曜日"):
        return "weekend"
    if reason == NEW_YEAR_REASON:
        return "new_year"
    if reason == EXTRA_CLOSURE_REASON:
        return "closure" if d in added else "profile"
    return "holiday"


def effective_days(start: date, end: date, profile_closures: tuple[date, ...],
                   added: Mapping[date, str]) -> list[dict[str, Any]]:
    """Every day of ``start..end`` (inclusive): ``open``, and for a closed day its ``reason`` and ``source``."""
    calendar = BusinessCalendar(tuple(sorted({*profile_closures, *added})))
    days = []
    d = start
    while d <= end:
        source = closed_source(d, calendar, added)
        reason = calendar.closed_reason(d)
        if source == "closure":
            reason = f"{EXTRA_CLOSURE_REASON}（{added[d]}）"
        days.append({"date": d.isoformat(), "open": source is None, "reason": reason, "source": source})
        d += timedelta(days=1)
    return days
