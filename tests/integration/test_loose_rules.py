"""Rules an audit found loose (issue 10, section 2): each refused or computed through the HTTP API."""

from __future__ import annotations

from datetime import timedelta

from domain.clock import today
from tests.integration.conftest import Api
from tests.integration.test_request_paths import DRAFTS


def days_ago(n: int) -> str:
    return (today() - timedelta(days=n)).isoformat()


async def test_an_appeal_filed_before_the_decision_is_refused_naming_the_dates(api: Api) -> None:
    case = await api.register(received_on=days_ago(5))
    draft = {"outcome": "non_disclosure", "non_disclosure_ground": "not_held", "reason_text": "作成していないため"}
    assert (await api.act(case["id"], "draft-decision", draft, "shinsa")).status_code == 200
    r = await api.act(case["id"], "approve-decision", {"decided_on": days_ago(2)}, "kacho")
    assert r.status_code == 200, r.text
    url = f"/api/v1/requests/{case['id']}/appeals"
    early = await api.http.post(url, json={"filed_on": days_ago(3), "grounds": "不服"}, headers=api.as_("madoguchi"))
    assert early.status_code == 422, early.text
    message = early.json()["error"]["message"]
    assert days_ago(3) in message and days_ago(2) in message
    assert "AppealLinked" not in [e["type"] for e in await api.events(case["id"])]
    same_day = await api.http.post(url, json={"filed_on": days_ago(2), "grounds": "不服"}, headers=api.as_("madoguchi"))
    assert same_day.status_code == 201, same_day.text


_ = DRAFTS
