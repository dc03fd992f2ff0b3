"""Between 00:00 and 09:00 JST the UTC date is yesterday: the product must use the Japan date."""

from datetime import UTC, datetime, time, timedelta

import pytest

from domain import clock
from tests.integration.conftest import Api


async def test_registration_defaults_to_the_japan_date_at_2330_utc(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    real = clock.now()
    pinned = datetime.combine(real.date() - timedelta(days=1), time(23, 30), tzinfo=UTC)  # 08:30 JST
    monkeypatch.setattr(clock, "now", lambda: pinned)
    case = await api.register()
    assert case["received_on"] == (pinned.date() + timedelta(days=1)).isoformat()
    assert case["received_on"] != pinned.date().isoformat()
