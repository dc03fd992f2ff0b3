from datetime import date, timedelta

import jpholiday
import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.calendar import BusinessCalendar

D = date.fromisoformat
CAL = BusinessCalendar()
DATES = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        pytest.param("2025-03-17", None, id="plain-monday-open"),
        pytest.param("2025-03-15", "土曜日", id="saturday"),
        pytest.param("2025-03-16", "日曜日", id="sunday"),
        pytest.param("2025-01-01", "国民の祝日（元日）", id="new-year-holiday"),
        pytest.param("2025-01-02", "年末年始（12月29日〜1月3日）", id="jan-2"),
        pytest.param("2025-12-29", "年末年始（12月29日〜1月3日）", id="dec-29-monday"),
        pytest.param("2025-12-28", "日曜日", id="dec-28-sunday"),
        pytest.param("2025-12-26", None, id="dec-26-open"),
        pytest.param("2025-03-20", "国民の祝日（春分の日）", id="equinox"),
        pytest.param("2025-05-03", "国民の祝日（憲法記念日）", id="holiday-on-saturday-named"),
        pytest.param("2025-05-06", "振替休日（みどりの日）", id="substitute-2025-05-06"),
        pytest.param("2025-02-24", "振替休日（天皇誕生日）", id="substitute-2025-02-24"),
        pytest.param("2026-09-22", "国民の休日（祝日法3条③）", id="kokumin-no-kyujitsu-2026"),
        pytest.param("2025-05-07", None, id="after-golden-week-open"),
    ],
)
def test_closed_reason(day: str, reason: str | None) -> None:
    assert CAL.closed_reason(D(day)) == reason
    assert CAL.is_open(D(day)) is (reason is None)


def test_extra_closure() -> None:
    cal = BusinessCalendar(extra_closures=(D("2025-03-17"),))
    assert cal.closed_reason(D("2025-03-17")) == "臨時閉庁日"
    assert cal.next_open_on_or_after(D("2025-03-17")) == D("2025-03-18")
    assert CAL.is_open(D("2025-03-17"))


@pytest.mark.parametrize(
    ("day", "before", "after"),
    [
        pytest.param("2025-03-17", "2025-03-17", "2025-03-17", id="open-day-is-itself"),
        pytest.param("2024-12-30", "2024-12-27", "2025-01-06", id="new-year-2025"),
        pytest.param("2025-05-04", "2025-05-02", "2025-05-07", id="golden-week-2025"),
        pytest.param("2026-09-22", "2026-09-18", "2026-09-24", id="silver-week-2026"),
    ],
)
def test_navigation(day: str, before: str, after: str) -> None:
    assert CAL.last_open_on_or_before(D(day)) == D(before)
    assert CAL.next_open_on_or_after(D(day)) == D(after)


def test_closed_days_between_golden_week() -> None:
    got = CAL.closed_days_between(D("2025-05-01"), D("2025-05-07"))
    assert [d for d, _ in got] == [D("2025-05-03"), D("2025-05-04"), D("2025-05-05"), D("2025-05-06")]
    assert got[-1][1] == "振替休日（みどりの日）"
    assert CAL.closed_days_between(D("2025-05-07"), D("2025-05-01")) == []


def test_every_jpholiday_is_closed() -> None:
    for year in (2024, 2025, 2026, 2028):
        for day, _name in jpholiday.year_holidays(year):
            assert not CAL.is_open(day)


@given(DATES)
def test_navigation_properties(d: date) -> None:
    before = CAL.last_open_on_or_before(d)
    after = CAL.next_open_on_or_after(d)
    assert before <= d <= after
    assert CAL.is_open(before) and CAL.is_open(after)
    # every day strictly between the found open day and d is closed
    assert all(not CAL.is_open(before + timedelta(days=i)) for i in range(1, (d - before).days + 1))
    assert all(not CAL.is_open(d + timedelta(days=i)) for i in range((after - d).days))
    closed = CAL.closed_days_between(before, after)
    assert len(closed) == max(0, (after - before).days - 1)


@given(DATES)
def test_weekend_rule(d: date) -> None:
    if d.weekday() >= 5:
        assert not CAL.is_open(d)
