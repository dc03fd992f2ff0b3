"""Japanese era dates (元号) and fiscal years (会計年度) for notices.

* 平成: 1989-01-08 〜 2019-04-30 (元号を改める政令, 昭和64年政令1号).
* 令和: 2019-05-01 〜 (元号を改める政令, 平成31年政令143号).
* The first year of an era is written 元年 (令和元年5月1日).
* 会計年度 runs April 1 – March 31 (地方自治法208条①).
"""

from __future__ import annotations

from datetime import date

__all__ = ["format_era_date", "fiscal_year", "format_fiscal_year", "era_year"]

# (era name, first day), newest first.
_ERAS: tuple[tuple[str, date], ...] = (
    ("令和", date(2019, 5, 1)),
    ("平成", date(1989, 1, 8)),
)


def era_year(d: date) -> tuple[str, int]:
    """(era name, year within the era) for ``d``; raises ValueError before 平成."""
    for name, first in _ERAS:
        if d >= first:
            return name, d.year - first.year + 1
    raise ValueError(f"{d.isoformat()} is before 平成 (1989-01-08); era dates are not supported")


def _year_text(name: str, year: int) -> str:
    return f"{name}{'元' if year == 1 else year}年"


def format_era_date(d: date) -> str:
    """ "令和7年3月17日"; the first year is "元年" (令和元年5月1日)."""
    name, year = era_year(d)
    return f"{_year_text(name, year)}{d.month}月{d.day}日"


def fiscal_year(d: date) -> int:
    """Fiscal year (年度) of ``d`` as the calendar year it starts in (2025-03-31 → 2024)."""
    return d.year if d.month >= 4 else d.year - 1


def format_fiscal_year(fy: int) -> str:
    """ "令和6年度" for ``fy`` = 2024.

    The era is the one in force at the end of the fiscal year (March 31), which
    is how municipalities renamed FY2019 to 令和元年度 after the era change; the
    year number counts from the era's first calendar year (2019 → 元).
    Raises ValueError for fiscal years before 平成元年度 (1989).
    """
    name, _ = era_year(date(fy + 1, 3, 31))
    first = dict(_ERAS)[name]
    year = fy - first.year + 1
    if year < 1:
        raise ValueError(f"fiscal year {fy} is before 平成元年度 (1989); not supported")
    return f"{_year_text(name, year)}度"
