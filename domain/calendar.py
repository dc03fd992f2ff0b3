"""Business calendar of the city office (閉庁日の判定).

Closed days (閉庁日) follow the typical 休日条例 under 地方自治法4条の2①②:

* Saturdays and Sundays (土曜日・日曜日);
* 国民の祝日 and the other 休日 of 国民の祝日に関する法律3条 — 振替休日 (②) and
  国民の休日 (③) — taken from the maintained ``jpholiday`` library, never a
  hand-typed list;
* 年末年始, 12月29日〜1月3日;
* extra closures listed by the municipality profile (臨時閉庁日).

Pure: no clock, no I/O. Callers pass every date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import jpholiday

__all__ = ["BusinessCalendar", "NEW_YEAR_REASON", "EXTRA_CLOSURE_REASON"]

NEW_YEAR_REASON = "年末年始（12月29日〜1月3日）"
EXTRA_CLOSURE_REASON = "臨時閉庁日"
_SUBSTITUTE_SUFFIX = "振替休日"
_NATIONAL_RESTDAY = "国民の休日"

# No run of closed days is anywhere near this long; the bound only turns a
# broken profile (e.g. a year of closures) into an error instead of a hang.
_MAX_SCAN_DAYS = 370


def _holiday_reason(d: date) -> str | None:
    """Reason text for a national holiday or 休日 (祝日法2条・3条), else None.

    jpholiday names a substitute holiday "みどりの日 振替休日" and a 国民の休日
    "国民の休日"; both are 休日 but not 国民の祝日, so they are labelled as such.
    """
    name = jpholiday.is_holiday_name(d)
    if not name:
        return None
    if name == _NATIONAL_RESTDAY:
        return "国民の休日（祝日法3条③）"
    if name.endswith(_SUBSTITUTE_SUFFIX):
        base = name.removesuffix(_SUBSTITUTE_SUFFIX).strip()
        return f"振替休日（{base}）" if base else "振替休日"
    return f"国民の祝日（{name}）"


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    """Which days the office is closed, and navigation over open days.

    ``extra_closures`` are the profile's 臨時閉庁日. Frozen and comparable, so a
    changed calendar can be detected; in Temporal payloads carry
    ``CaseRules.extra_closures`` (ISO strings) and rebuild it, since the default
    converter cannot encode ``date``.
    """

    extra_closures: tuple[date, ...] = ()

    def closed_reason(self, d: date) -> str | None:
        """Japanese reason why ``d`` is closed, or None when the office is open.

        Precedence when several apply: holiday name (most informative, e.g.
        元日), then 土曜日/日曜日, then 年末年始, then 臨時閉庁日.
        """
        holiday = _holiday_reason(d)
        if holiday:
            return holiday
        if d.weekday() == 5:
            return "土曜日"
        if d.weekday() == 6:
            return "日曜日"
        if (d.month == 12 and d.day >= 29) or (d.month == 1 and d.day <= 3):
            return NEW_YEAR_REASON
        if d in self.extra_closures:
            return EXTRA_CLOSURE_REASON
        return None

    def is_open(self, d: date) -> bool:
        """True when ``d`` is an open day (開庁日)."""
        return self.closed_reason(d) is None

    def last_open_on_or_before(self, d: date) -> date:
        """``d`` if open, else the nearest earlier open day."""
        return self._scan(d, -1)

    def next_open_on_or_after(self, d: date) -> date:
        """``d`` if open, else the nearest later open day."""
        return self._scan(d, +1)

    def closed_days_between(self, start: date, end: date) -> list[tuple[date, str]]:
        """Every closed day in ``start..end`` (both inclusive) with its reason."""
        out: list[tuple[date, str]] = []
        d = start
        while d <= end:
            reason = self.closed_reason(d)
            if reason is not None:
                out.append((d, reason))
            d += timedelta(days=1)
        return out

    def _scan(self, d: date, step: int) -> date:
        for offset in range(_MAX_SCAN_DAYS):
            candidate = d + timedelta(days=step * offset)
            if self.is_open(candidate):
                return candidate
        raise ValueError(f"no open day within {_MAX_SCAN_DAYS} days of {d.isoformat()}")
