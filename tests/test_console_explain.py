"""The console shows every deadline step in Japanese (issue 11: no partly-English explanations)."""

import re
from datetime import date

from api.console.explain import step
from domain.calendar import BusinessCalendar
from domain.deadlines import (
    appeal_window_end,
    decision_due,
    higher_court_appeal_due,
    roll_forward,
    suit_window_end,
    work_due,
)

CAL = BusinessCalendar()
ENGLISH = re.compile(r"[A-Za-z]{3,}")


def _steps() -> list[str]:
    due = decision_due(date(2026, 12, 1), 14, excluded_days=3, extended_to=date(2027, 1, 29))
    closed = decision_due(date(2026, 12, 20), 14)  # ends on 2027-01-03, a closed day
    lines = [*due.explanation.steps, *work_due(due, CAL).explanation.steps, *work_due(closed, CAL).explanation.steps,
             *decision_due(date(2026, 12, 1), 14, count_first_day=True).explanation.steps,
             *roll_forward(date(2027, 1, 2), CAL).explanation.steps,
             *appeal_window_end(learned_on=date(2026, 12, 3), decided_on=date(2026, 12, 1),
                                calendar=CAL).explanation.steps,
             *suit_window_end(learned_on=date(2027, 11, 30), decided_on=date(2026, 12, 1),
                              calendar=CAL).explanation.steps,
             *higher_court_appeal_due(date(2026, 12, 20), CAL).explanation.steps,
             "2026-12-05: 2026-12-10 を臨時閉庁日とした（停電） / 2026-12-10 closed: 停電; "
             "work_due 2026-12-10 → 2026-12-09",
             "extended to 2027-01-29 by 特例延長通知 (相当の部分の決定期限) (statutory date was 2026-12-15)"]
    return lines


def test_every_recorded_step_reads_in_japanese_with_wareki_dates() -> None:
    for line in _steps():
        shown = step(line)
        assert not ENGLISH.search(shown), (line, shown)
        assert "2026-" not in shown and "2027-" not in shown, shown  # dates in 和暦
        assert "令和" in shown, shown


def test_a_step_the_console_does_not_know_is_shown_as_recorded() -> None:
    assert step("何か別の説明 / something else") == "何か別の説明"
    assert step("plain text") == "plain text"
