"""Deadline explanations in Japanese for the console.

The domain records each step of a deadline's computation in the event stream as a short, partly English line
(``received 2026-12-01; day 1 = 2026-12-02 (初日不算入, 民法140条)``). Those lines are history: they stay as they
were recorded. The console translates them when it shows them, line by line, with the dates in 和暦; a line it
does not know is shown as recorded (its Japanese half when it has one).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from api.console.labels import DEADLINES, japanese_message, wareki

_D = r"(\d{4}-\d{2}-\d{2})"
_ISO = re.compile(_D)  # dates left inside a quoted reason (閉庁日の一覧) are written in 和暦 too


def _w(value: str) -> str:
    return wareki(value)


def _label(field: str) -> str:
    return DEADLINES.get(field, {"remainder_work_due": "残りの部分の事務処理の目安"}.get(field, field))


_RULES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(rf"^received {_D}; day 1 = {_D} \(初日算入, profile count_first_day\)$"),
     lambda m: f"受付日 {_w(m[1])}。{_w(m[2])}を1日目とする（初日算入・市の定め）"),
    (re.compile(rf"^received {_D}; day 1 = {_D} \(初日不算入, 民法140条\)$"),
     lambda m: f"受付日 {_w(m[1])}。翌日の{_w(m[2])}を1日目とする（初日不算入・民法140条）"),
    (re.compile(rf"^[\w_]+: (\d+) days → {_D}$"),
     lambda m: f"{m[1]}日目は{_w(m[2])}"),
    (re.compile(rf"^\+(\d+) correction days excluded \({_D} → {_D}\)$"),
     lambda m: f"補正に要した{m[1]}日を期間に算入しない（{_w(m[2])} → {_w(m[3])}）"),
    (re.compile(rf"^extended to {_D} by 期限延長通知 \(statutory date was {_D}\)$"),
     lambda m: f"期限延長通知により{_w(m[1])}まで延長（本来の期限は{_w(m[2])}）"),
    (re.compile(rf"^extended to {_D} by 特例延長通知 \(相当の部分の決定期限\) \(statutory date was {_D}\)$"),
     lambda m: f"特例延長通知により相当の部分を{_w(m[1])}までに決定（本来の期限は{_w(m[2])}）"),
    (re.compile(rf"^{_D} is an open day: work_due = decision_due$"),
     lambda m: f"{_w(m[1])}は開庁日のため、事務処理の目安は決定期限と同じ"),
    (re.compile(rf"^{_D} is (.+): work_due moved to {_D}$"),
     lambda m: f"{_w(m[1])}は{m[2]}のため、事務処理の目安を{_w(m[3])}に繰り上げ"),
    (re.compile(rf"^{_D} is an open day$"),
     lambda m: f"{_w(m[1])}は開庁日"),
    (re.compile(rf"^{_D} is closed \((.+)\): moved to {_D} \((.+)\)$"),
     lambda m: f"{_w(m[1])}は閉庁日（{m[2]}）のため{_w(m[3])}まで延長（{m[4]}）"),
    (re.compile(rf"^learned {_D}; (\d+) months from {_D} end {_D} \(民法140条・143条\)$"),
     lambda m: f"{_w(m[1])}に知った。翌日の{_w(m[3])}から{m[2]}か月で{_w(m[4])}に満了（民法140条・143条）"),
    (re.compile(rf"^decided {_D}; 1 year from {_D} ends {_D}$"),
     lambda m: f"決定日 {_w(m[1])}。翌日の{_w(m[2])}から1年で{_w(m[3])}に満了"),
    (re.compile(rf"^the 1-year cap binds: window ends {_D}$"),
     lambda m: f"1年の上限が先に来るため、{_w(m[1])}に満了"),
    (re.compile(rf"^the (\d+)-month window binds: ends {_D}$"),
     lambda m: f"{m[1]}か月の期間が先に満了するため、{_w(m[2])}に満了"),
    (re.compile(rf"^served {_D}; 14 days from {_D} end {_D}$"),
     lambda m: f"送達日 {_w(m[1])}。翌日の{_w(m[2])}から14日で{_w(m[3])}に満了"),
    # a calendar change reaching an open case (domain/requests/calendar_change.py, domain/litigation/…)
    (re.compile(rf"^{_D}: (.+); (\w+) {_D} → {_D}$"),
     lambda m: f"{_w(m[1])}：{japanese_message(m[2])}。{_label(m[3])}を{_w(m[4])}から{_w(m[5])}に変更"),
]


def step(line: str) -> str:
    """One recorded step in Japanese (as recorded, or its Japanese half, when it is not one the console knows)."""
    for pattern, write in _RULES:
        match = pattern.match(line)
        if match:
            return _ISO.sub(lambda m: _w(m[1]), write(match)).replace(", ", "、")
    return japanese_message(line)
