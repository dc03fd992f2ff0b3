"""The one "today" of the product and of its tests is the Japan date, whatever the machine's zone."""

from datetime import UTC, date, datetime

import pytest

from domain import clock


@pytest.mark.parametrize(
    ("utc", "japan"),
    [
        (datetime(2026, 12, 1, 23, 30, tzinfo=UTC), date(2026, 12, 2)),  # 08:30 JST: already tomorrow
        (datetime(2026, 12, 1, 14, 59, tzinfo=UTC), date(2026, 12, 1)),  # 23:59 JST
        (datetime(2026, 12, 1, 15, 0, tzinfo=UTC), date(2026, 12, 2)),  # 00:00 JST
        (datetime(2027, 3, 31, 21, 10, tzinfo=UTC), date(2027, 4, 1)),  # a new fiscal year at 06:10 JST
    ],
)
def test_today_is_the_japan_date(monkeypatch: pytest.MonkeyPatch, utc: datetime, japan: date) -> None:
    monkeypatch.setattr(clock, "now", lambda: utc)
    assert clock.today() == japan


def test_now_is_aware() -> None:
    assert clock.now().tzinfo is not None
    assert clock.today() == clock.jst_date(clock.now())
