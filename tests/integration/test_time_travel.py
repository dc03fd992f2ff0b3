"""A case and an appeal as they stood at an instant (``?as_of=``): what the office knew then, read-only."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from domain import clock
from tests.integration.conftest import Api
from tests.integration.test_appeals import file
from tests.integration.test_request_paths import DRAFTS, soon


async def test_a_case_as_it_stood_before_its_decision(api: Api) -> None:
    before_registration = clock.now()
    await asyncio.sleep(0.05)
    case = await api.register()
    await asyncio.sleep(0.05)
    registered = clock.now()
    await asyncio.sleep(0.05)
    r = await api.act(case["id"], "draft-decision", DRAFTS["full"] | {"disclosure_on": soon()}, "shinsa")
    assert r.status_code == 200, r.text
    r = await api.act(case["id"], "approve-decision", {}, "kacho")
    assert r.status_code == 200, r.text
    path = f"/api/v1/requests/{case['id']}"

    now = (await api.http.get(path, headers=api.as_("johokokai"))).json()
    assert now["status"] == "decided" and "as_of" not in now
    then = await api.http.get(path, params={"as_of": registered.isoformat()}, headers=api.as_("johokokai"))
    assert then.status_code == 200, then.text
    past = then.json()
    assert past["status"] == case["status"] and past["decision"] is None and past["decision_due"] == case["decision_due"]
    assert past["as_of"] == registered.isoformat() and past["allowed_actions"] == []  # the past offers no action
    assert [n["type"] for n in past["notices"]] == [n["type"] for n in case["notices"]]  # the decision notice came later
    assert len(now["notices"]) > len(past["notices"])
    assert past["requester"]["name"] == "山田 太郎"

    naive = registered.astimezone(clock.JST).replace(tzinfo=None).isoformat()  # an office writes Japan time
    assert (await api.http.get(path, params={"as_of": naive}, headers=api.as_("johokokai"))).json()["status"] \
        == case["status"]
    r = await api.http.get(path, params={"as_of": before_registration.isoformat()}, headers=api.as_("johokokai"))
    assert r.status_code == 404 and "had not been registered" in r.text
    r = await api.http.get(path, params={"as_of": (clock.now() + timedelta(days=1)).isoformat()},
                           headers=api.as_("johokokai"))
    assert r.status_code == 422 and "future" in r.text
    r = await api.http.get(path, params={"as_of": "yesterday"}, headers=api.as_("johokokai"))
    assert r.status_code == 422
    r = await api.http.get(path, params={"as_of": registered.isoformat()}, headers=api.as_("kankyo"))
    assert r.status_code == 404  # another department's case stays unseen in the past too


async def test_an_appeal_as_it_stood_before_its_referral(api: Api) -> None:
    case = await api.register()
    r = await api.act(case["id"], "draft-decision", DRAFTS["neither_confirm_nor_deny"], "shinsa")
    assert r.status_code == 200, r.text
    assert (await api.act(case["id"], "approve-decision", {}, "kacho")).status_code == 200
    appeal = await file(api, case["id"])
    await asyncio.sleep(0.05)
    filed = clock.now()
    await asyncio.sleep(0.05)
    r = await api.http.post(f"/api/v1/appeals/{appeal['id']}/refer-to-council", json={},
                            headers=api.as_("johokokai"))
    assert r.status_code == 200, r.text
    path = f"/api/v1/appeals/{appeal['id']}"
    assert (await api.http.get(path, headers=api.as_("johokokai"))).json()["referred_on"]
    past = (await api.http.get(path, params={"as_of": filed.isoformat()}, headers=api.as_("johokokai"))).json()
    assert past["referred_on"] is None and past["status"] == appeal["status"] and past["allowed_actions"] == []
