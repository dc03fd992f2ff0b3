import json
from dataclasses import asdict
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.calendar import BusinessCalendar
from domain.deadlines import (
    DeadlineError,
    DueDate,
    add_days,
    add_months,
    add_years,
    appeal_window_end,
    check_extension,
    correction_days,
    decision_due,
    extension_limit,
    higher_court_appeal_due,
    reminder_on,
    roll_forward,
    suit_window_end,
    third_party_earliest_disclosure,
    work_due,
)

D = date.fromisoformat
CAL = BusinessCalendar()
DATES = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))

# --- city side: decision_due and work_due, checked by hand against the calendar --------
# (received, period, excluded correction days, count_first_day, decision_due, work_due, warned)
CITY_CASES = [
    pytest.param("2025-03-17", 14, 0, False, "2025-03-31", "2025-03-31", False, id="plain-14-days"),
    pytest.param("2024-12-16", 14, 0, False, "2024-12-30", "2024-12-27", True, id="due-dec-30-new-year"),
    pytest.param("2024-12-18", 14, 0, False, "2025-01-01", "2024-12-27", True, id="due-new-years-day"),
    pytest.param("2024-12-20", 14, 0, False, "2025-01-03", "2024-12-27", True, id="due-jan-3"),
    pytest.param("2025-04-21", 14, 0, False, "2025-05-05", "2025-05-02", True, id="gw-kodomo-no-hi"),
    pytest.param("2025-04-22", 14, 0, False, "2025-05-06", "2025-05-02", True, id="gw-furikae-2025-05-06"),
    pytest.param("2026-09-08", 14, 0, False, "2026-09-22", "2026-09-18", True, id="kokumin-no-kyujitsu-2026"),
    pytest.param("2025-02-10", 14, 0, False, "2025-02-24", "2025-02-21", True, id="furikae-2025-02-24"),
    pytest.param("2025-11-10", 14, 0, False, "2025-11-24", "2025-11-21", True, id="furikae-2025-11-24"),
    pytest.param("2025-03-06", 14, 0, False, "2025-03-20", "2025-03-19", True, id="shunbun-thursday"),
    pytest.param("2025-01-31", 14, 0, False, "2025-02-14", "2025-02-14", False, id="across-month-end"),
    pytest.param("2024-02-15", 14, 0, False, "2024-02-29", "2024-02-29", False, id="leap-day-2024"),
    pytest.param("2028-02-15", 14, 0, False, "2028-02-29", "2028-02-29", False, id="leap-day-2028"),
    pytest.param("2025-02-15", 14, 0, False, "2025-03-01", "2025-02-28", True, id="no-leap-2025"),
    pytest.param("2025-04-04", 30, 0, False, "2025-05-04", "2025-05-02", True, id="appi-30-days-gw"),
    pytest.param("2025-04-25", 14, 9, False, "2025-05-18", "2025-05-16", True, id="correction-over-gw"),
    pytest.param("2025-03-03", 14, 6, False, "2025-03-23", "2025-03-21", True, id="two-corrections"),
    pytest.param("2025-12-12", 14, 3, False, "2025-12-29", "2025-12-26", True, id="correction-into-new-year"),
    pytest.param("2025-03-17", 14, 0, True, "2025-03-30", "2025-03-28", True, id="count-first-day"),
]


@pytest.mark.parametrize(("received", "period", "excluded", "first", "due", "work", "warned"), CITY_CASES)
def test_city_deadlines(
    received: str, period: int, excluded: int, first: bool, due: str, work: str, warned: bool
) -> None:
    dd = decision_due(D(received), period, excluded_days=excluded, count_first_day=first)
    assert dd.value == D(due)
    assert dd.explanation.result == D(due) and dd.explanation.start == D(received)
    wd = work_due(dd, CAL)
    assert wd.value == D(work)
    assert (wd.warning is not None) is warned
    if warned:
        assert due in wd.warning and work in wd.warning and "閉庁日" in wd.warning
    assert work_due(D(due), CAL).value == D(work)


def test_correction_days_across_golden_week() -> None:
    # requested Mon 4/28, corrected request arrives Wed 5/7: 4/29..5/7 = 9 calendar days
    assert correction_days(D("2025-04-28"), D("2025-05-07")) == 9
    assert correction_days(D("2025-04-28"), D("2025-04-28")) == 0
    with pytest.raises(DeadlineError):
        correction_days(D("2025-05-07"), D("2025-04-28"))


def test_explanation_steps_and_json() -> None:
    dd = decision_due(D("2025-03-17"), 14, excluded_days=3)
    assert dd.explanation.steps[0] == "received 2025-03-17; day 1 = 2025-03-18 (初日不算入, 民法140条)"
    assert "+3 correction days excluded (2025-03-31 → 2025-04-03)" in dd.explanation.steps
    wd = work_due(decision_due(D("2025-03-17"), 14, count_first_day=True), CAL)
    assert "2025-03-30 is 日曜日: work_due moved to 2025-03-28" in wd.explanation.steps
    payload = json.loads(json.dumps(wd.to_dict(), ensure_ascii=False))
    assert payload["value"] == "2025-03-28" and payload["explanation"]["start"] == "2025-03-30"
    raw = asdict(wd)
    assert json.dumps(raw, default=date.isoformat)


def test_extended_date_wins() -> None:
    dd = decision_due(D("2025-03-17"), 14, excluded_days=2, extended_to=D("2025-05-16"))
    assert dd.value == D("2025-05-16")
    assert any("2025-04-02" in s for s in dd.explanation.steps)  # the strict date stays explained


# --- extension --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "limit", "excluded", "expected"),
    [
        pytest.param("2025-03-17", 60, 0, "2025-05-16", id="public-records-60"),
        pytest.param("2025-03-17", 60, 3, "2025-05-19", id="limit-plus-correction"),
        pytest.param("2024-11-01", 60, 0, "2024-12-31", id="limit-on-closed-day-stays"),
        pytest.param("2024-12-31", 60, 0, "2025-03-01", id="limit-across-february"),
    ],
)
def test_extension_limit(received: str, limit: int, excluded: int, expected: str) -> None:
    assert extension_limit(D(received), limit, excluded_days=excluded).value == D(expected)


EXT = {"current_due": D("2025-03-31"), "limit": D("2025-05-16")}


@pytest.mark.parametrize(
    ("new_due", "today", "already", "error"),
    [
        pytest.param("2025-05-16", "2025-03-25", False, None, id="at-the-limit-ok"),
        pytest.param("2025-05-16", "2025-03-31", False, None, id="on-due-date-ok"),
        pytest.param("2025-04-01", "2025-03-17", False, None, id="one-day-later-ok"),
        pytest.param("2025-05-17", "2025-03-25", False, "延長の上限", id="one-day-over-limit"),
        pytest.param("2025-05-01", "2025-04-01", False, "までに行う必要", id="after-due-date"),
        pytest.param("2025-05-01", "2025-03-25", True, "1回限り", id="second-extension"),
        pytest.param("2025-03-31", "2025-03-25", False, "より後", id="not-later"),
        pytest.param("2025-03-28", "2025-03-25", False, "より後", id="earlier"),
    ],
)
def test_check_extension(new_due: str, today: str, already: bool, error: str | None) -> None:
    kwargs = dict(EXT, new_due=D(new_due), today=D(today), already_extended=already)
    if error is None:
        assert check_extension(**kwargs) is None  # type: ignore[arg-type]
    else:
        with pytest.raises(DeadlineError, match=error):
            check_extension(**kwargs)  # type: ignore[arg-type]


# --- month arithmetic (民法143条) -------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        pytest.param("2025-03-17", 3, "2025-06-17", id="plain"),
        pytest.param("2025-11-30", 3, "2026-02-28", id="no-corresponding-day"),
        pytest.param("2024-01-31", 1, "2024-02-29", id="leap-february"),
        pytest.param("2025-01-30", 1, "2025-02-28", id="jan-30-to-february"),
        pytest.param("2025-02-28", 1, "2025-03-31", id="month-end-start-143-1"),
        pytest.param("2025-04-30", 3, "2025-07-31", id="april-30-start"),
        pytest.param("2027-11-30", 3, "2028-02-29", id="leap-2028"),
        pytest.param("2025-12-31", 6, "2026-06-30", id="year-end"),
    ],
)
def test_add_months(start: str, months: int, expected: str) -> None:
    assert add_months(D(start), months) == D(expected)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        pytest.param("2025-03-14", "2026-03-14", id="plain"),
        pytest.param("2024-02-29", "2025-02-28", id="from-leap-day"),
        pytest.param("2024-02-28", "2025-02-28", id="no-feb-29"),
        pytest.param("2027-02-28", "2028-02-29", id="into-leap-year"),
    ],
)
def test_add_years(start: str, expected: str) -> None:
    assert add_years(D(start), 1) == D(expected)


def test_add_days() -> None:
    assert add_days(D("2025-03-17"), 14) == D("2025-03-31")
    assert add_days(D("2025-03-17"), 14, count_first_day=True) == D("2025-03-30")
    with pytest.raises(DeadlineError):
        add_days(D("2025-03-17"), -1)
    with pytest.raises(DeadlineError):
        add_months(D("2025-03-17"), 0)


# --- citizen side -----------------------------------------------------------------------

APPEAL_CASES = [
    pytest.param("2025-03-17", "2025-03-14", "2025-06-17", "3-month", id="appeal-plain"),
    pytest.param("2025-02-03", "2025-02-01", "2025-05-07", "3-month", id="appeal-ends-in-golden-week"),
    pytest.param("2025-09-29", "2025-09-26", "2026-01-05", "3-month", id="appeal-ends-dec-29"),
    pytest.param("2025-11-30", "2025-11-28", "2026-03-02", "3-month", id="appeal-feb-28-saturday"),
    pytest.param("2025-04-30", "2025-04-28", "2025-07-31", "3-month", id="appeal-month-end-start"),
    pytest.param("2025-01-20", "2024-03-15", "2025-03-17", "cap", id="appeal-cap-binds-rolled"),
    pytest.param("2025-01-10", "2024-02-29", "2025-02-28", "cap", id="appeal-cap-from-leap-day"),
    pytest.param("2025-11-10", "2024-12-27", "2026-01-05", "cap", id="appeal-cap-over-new-year"),
]


@pytest.mark.parametrize(("learned", "decided", "expected", "binds"), APPEAL_CASES)
def test_appeal_window_end(learned: str, decided: str, expected: str, binds: str) -> None:
    due = appeal_window_end(learned_on=D(learned), decided_on=D(decided), calendar=CAL)
    assert due.value == D(expected)
    assert ("1-year cap binds" in due.explanation.steps[-1]) is (binds == "cap")
    assert "行政不服審査法18条" in due.explanation.article


SUIT_CASES = [
    pytest.param("2025-03-17", "2025-03-14", "2025-09-17", id="suit-plain"),
    pytest.param("2026-03-22", "2026-03-19", "2026-09-24", id="suit-ends-kokumin-no-kyujitsu"),
    pytest.param("2025-06-29", "2025-06-27", "2026-01-05", id="suit-ends-new-year"),
    pytest.param("2025-01-06", "2024-06-03", "2025-06-03", id="suit-cap-binds"),
]


@pytest.mark.parametrize(("learned", "decided", "expected"), SUIT_CASES)
def test_suit_window_end(learned: str, decided: str, expected: str) -> None:
    due = suit_window_end(learned_on=D(learned), decided_on=D(decided), calendar=CAL)
    assert due.value == D(expected)


def test_city_closure_rolls_appeal_but_not_court_deadlines() -> None:
    cal = BusinessCalendar(extra_closures=(D("2025-06-17"), D("2025-09-17"), D("2025-03-17")))
    assert appeal_window_end(learned_on=D("2025-03-17"), decided_on=D("2025-03-14"), calendar=cal).value == D(
        "2025-06-18"
    )
    assert suit_window_end(learned_on=D("2025-03-17"), decided_on=D("2025-03-14"), calendar=cal).value == D(
        "2025-09-17"
    )
    assert higher_court_appeal_due(D("2025-03-03"), cal).value == D("2025-03-17")


def test_learned_before_decision_is_rejected() -> None:
    with pytest.raises(DeadlineError):
        appeal_window_end(learned_on=D("2025-03-01"), decided_on=D("2025-03-02"), calendar=CAL)


@pytest.mark.parametrize(
    ("served", "expected"),
    [
        pytest.param("2025-03-03", "2025-03-17", id="higher-court-plain"),
        pytest.param("2025-04-22", "2025-05-07", id="higher-court-furikae-2025-05-06"),
        pytest.param("2025-12-15", "2026-01-05", id="higher-court-new-year"),
        pytest.param("2026-09-08", "2026-09-24", id="higher-court-silver-week"),
        pytest.param("2025-09-09", "2025-09-24", id="higher-court-shubun"),
    ],
)
def test_higher_court_appeal_due(served: str, expected: str) -> None:
    due = higher_court_appeal_due(D(served), CAL)
    assert due.value == D(expected)
    assert "民事訴訟法285条" in due.explanation.article


def test_roll_forward_explains() -> None:
    due = roll_forward(D("2025-05-03"), CAL)
    assert due.value == D("2025-05-07")
    assert "地方自治法4条の2④" in due.explanation.steps[0]
    assert roll_forward(D("2025-05-07"), CAL).value == D("2025-05-07")


def test_third_party_earliest_disclosure() -> None:
    # two full weeks (3/18..3/31) between decision and disclosure
    assert third_party_earliest_disclosure(D("2025-03-17")) == D("2025-04-01")
    assert third_party_earliest_disclosure(D("2025-03-17"), hold_days=21) == D("2025-04-07")
    with pytest.raises(DeadlineError, match="two full weeks"):
        third_party_earliest_disclosure(D("2025-03-17"), hold_days=14)


@pytest.mark.parametrize(
    ("work", "lead", "expected"),
    [
        pytest.param("2025-03-28", 3, "2025-03-25", id="reminder-plain"),
        pytest.param("2025-05-07", 3, "2025-04-30", id="reminder-over-golden-week"),
        pytest.param("2025-01-06", 3, "2024-12-25", id="reminder-over-new-year"),
        pytest.param("2025-03-28", 0, "2025-03-28", id="reminder-lead-0"),
        pytest.param("2025-05-06", 0, "2025-05-02", id="reminder-closed-work-due"),
    ],
)
def test_reminder_on(work: str, lead: int, expected: str) -> None:
    assert reminder_on(D(work), lead, CAL) == D(expected)


def test_reminder_not_before() -> None:
    assert reminder_on(D("2025-03-28"), 10, CAL, not_before=D("2025-03-24")) == D("2025-03-24")
    with pytest.raises(DeadlineError):
        reminder_on(D("2025-03-28"), -1, CAL)


# --- properties ----------------------------------------------------------------------


@given(DATES, st.integers(1, 90), st.integers(0, 60))
def test_work_due_is_open_and_not_later(received: date, period: int, excluded: int) -> None:
    dd = decision_due(received, period, excluded_days=excluded)
    wd = work_due(dd, CAL)
    assert wd.value <= dd.value and CAL.is_open(wd.value)
    assert (wd.warning is None) is CAL.is_open(dd.value)


@given(DATES, st.integers(1, 90), st.integers(0, 60), st.integers(0, 60))
def test_excluding_days_never_shortens(received: date, period: int, a: int, b: int) -> None:
    lo, hi = sorted((a, b))
    assert (
        decision_due(received, period, excluded_days=lo).value
        <= decision_due(received, period, excluded_days=hi).value
    )
    assert decision_due(received, period, excluded_days=hi).value >= add_days(received, period)
    assert (
        work_due(decision_due(received, period, excluded_days=lo), CAL).value
        <= work_due(decision_due(received, period, excluded_days=hi), CAL).value
    )


@given(DATES)
def test_roll_forward_properties(d: date) -> None:
    rolled = roll_forward(d, CAL)
    assert isinstance(rolled, DueDate)
    assert rolled.value >= d and CAL.is_open(rolled.value)


@given(DATES, st.integers(1, 36))
def test_add_months_properties(d: date, n: int) -> None:
    end = add_months(d, n)
    assert end > d
    index = d.year * 12 + d.month - 1 + n
    assert (end.year, end.month) == (index // 12, index % 12 + 1)
    nxt = end + timedelta(days=1)
    # the period ends the day before the 起算日's 応当日, or on the month's last day
    assert nxt.day == (d + timedelta(days=1)).day or nxt.day == 1


@given(DATES, st.integers(0, 400))
def test_appeal_window_capped(decided: date, delay: int) -> None:
    learned = decided + timedelta(days=delay)
    end = appeal_window_end(learned_on=learned, decided_on=decided, calendar=CAL).value
    assert end <= CAL.next_open_on_or_after(add_years(decided, 1))
    assert end <= CAL.next_open_on_or_after(add_months(learned, 3))
    assert CAL.is_open(end)
