from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.era import era_year, fiscal_year, format_era_date, format_fiscal_year

D = date.fromisoformat


@pytest.mark.parametrize(
    ("day", "text"),
    [
        pytest.param("2025-03-17", "令和7年3月17日", id="reiwa-7"),
        pytest.param("2019-05-01", "令和元年5月1日", id="reiwa-gannen-first-day"),
        pytest.param("2019-12-31", "令和元年12月31日", id="reiwa-gannen-end"),
        pytest.param("2020-01-01", "令和2年1月1日", id="reiwa-2"),
        pytest.param("2019-04-30", "平成31年4月30日", id="heisei-last-day"),
        pytest.param("1989-01-08", "平成元年1月8日", id="heisei-first-day"),
        pytest.param("1990-01-01", "平成2年1月1日", id="heisei-2"),
        pytest.param("2024-02-29", "令和6年2月29日", id="leap-day"),
    ],
)
def test_format_era_date(day: str, text: str) -> None:
    assert format_era_date(D(day)) == text


def test_before_heisei_is_rejected() -> None:
    with pytest.raises(ValueError, match="平成"):
        format_era_date(D("1989-01-07"))


@pytest.mark.parametrize(
    ("day", "fy"),
    [
        pytest.param("2025-03-31", 2024, id="march-31"),
        pytest.param("2025-04-01", 2025, id="april-1"),
        pytest.param("2025-01-01", 2024, id="january"),
        pytest.param("2024-12-31", 2024, id="december"),
    ],
)
def test_fiscal_year(day: str, fy: int) -> None:
    assert fiscal_year(D(day)) == fy


@pytest.mark.parametrize(
    ("fy", "text"),
    [
        pytest.param(2024, "令和6年度", id="reiwa-6"),
        pytest.param(2019, "令和元年度", id="reiwa-gannendo"),
        pytest.param(2018, "平成30年度", id="heisei-30"),
        pytest.param(1989, "平成元年度", id="heisei-gannendo"),
    ],
)
def test_format_fiscal_year(fy: int, text: str) -> None:
    assert format_fiscal_year(fy) == text


def test_fiscal_year_before_heisei_is_rejected() -> None:
    with pytest.raises(ValueError):
        format_fiscal_year(1988)


@given(st.dates(min_value=date(1989, 1, 8), max_value=date(2200, 12, 31)))
def test_era_and_fiscal_year_properties(d: date) -> None:
    fy = fiscal_year(d)
    assert date(fy, 4, 1) <= d <= date(fy + 1, 3, 31)
    name, year = era_year(d)
    assert year >= 1
    assert format_era_date(d).startswith(name)
    assert format_era_date(d).endswith(f"{d.month}月{d.day}日")
