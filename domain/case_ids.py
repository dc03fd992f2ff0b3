"""Case numbers: ``R-2025-00017`` (requests), ``A-2025-003`` (appeals), ``L-2025-001`` (suits),
``B-2026-001`` (breach incidents, 漏えい等事案).

The year is the Japanese fiscal year (April–March) of the registration date;
numbers run per series and fiscal year without gaps (allocated in store/).
"""

from __future__ import annotations

import re

SERIES_WIDTH = {"R": 5, "A": 3, "L": 3, "B": 3}
_PATTERN = re.compile(r"^(?P<series>[RALB])-(?P<year>\d{4})-(?P<n>\d{3,6})$")


def format_case_id(series: str, fiscal_year: int, number: int) -> str:
    return f"{series}-{fiscal_year}-{number:0{SERIES_WIDTH[series]}d}"


def is_case_id(value: str, series: str | None = None) -> bool:
    m = _PATTERN.match(value)
    return bool(m) and (series is None or m.group("series") == series)
