"""Revocation suits through the HTTP API: filed, judged, appealed, listed while pending."""

from __future__ import annotations

from datetime import timedelta

from domain.clock import today
from tests.integration.conftest import Api
from tests.integration.test_appeals import TWO_DOCUMENTS, appeal_act, decided, file, request_events


async def test_suit_against_a_decision_through_two_instances(api: Api) -> None:
    request = await decided(api, TWO_DOCUMENTS)
    body = {"court": "東京地方裁判所", "case_number": "令和8年(行ウ)第101号"}
    assert (await api.http.post(f"/api/v1/requests/{request['id']}/suits", json=body,
                                headers=api.as_("shinsa"))).status_code == 403
    r = await api.http.post(f"/api/v1/requests/{request['id']}/suits", json=body, headers=api.as_("johokokai"))
    assert r.status_code == 201, r.text
    suit = r.json()
    assert suit["id"].startswith("L-") and suit["status"] == "pending" and suit["level"] == "district"
    await request_events(api, request["id"], "SuitLinked")
    pending = (await api.http.get("/api/v1/suits", params={"status": "pending"}, headers=api.as_("johokokai")))
    assert suit["id"] in [s["id"] for s in pending.json()["items"]]
    served = today().isoformat()
    r = await api.http.post(f"/api/v1/suits/{suit['id']}/record-judgment",
                            json={"court_level": "high", "outcome": "upheld", "served_on": served},
                            headers=api.as_("johokokai"))
    assert r.status_code == 409  # no appeal to the high court yet
    r = await api.http.post(f"/api/v1/suits/{suit['id']}/record-judgment",
                            json={"court_level": "district", "outcome": "upheld", "served_on": served},
                            headers=api.as_("johokokai"))
    assert r.status_code == 200, r.text
    assert r.json()["appeal_due"] >= (today() + timedelta(days=14)).isoformat()
    r = await api.http.post(f"/api/v1/suits/{suit['id']}/record-appeal", json={"court": "東京高等裁判所"},
                            headers=api.as_("johokokai"))
    assert r.status_code == 200 and r.json()["level"] == "high"
    r = await api.http.post(f"/api/v1/suits/{suit['id']}/record-final", json={"outcome": "withdrawn",
                                                                             "reason": "訴えの取下げ"},
                            headers=api.as_("johokokai"))
    assert r.status_code == 200 and r.json()["status"] == "final", r.text
    await request_events(api, request["id"], "ChallengeConcluded")
    events = (await api.http.get(f"/api/v1/suits/{suit['id']}/events", headers=api.as_("johokokai"))).json()
    assert [e["type"] for e in events["events"]][0] == "SuitFiled"


async def test_suit_against_a_ruling(api: Api) -> None:
    request = await decided(api, TWO_DOCUMENTS)
    appeal = await file(api, request["id"])
    await appeal_act(api, appeal["id"], "dismiss", {"reason": "不適法"})
    r = await api.http.post(f"/api/v1/appeals/{appeal['id']}/suits",
                            json={"court": "東京地方裁判所", "case_number": "令和8年(行ウ)第102号"},
                            headers=api.as_("johokokai"))
    assert r.status_code == 201, r.text
    assert r.json()["appeal_id"] == appeal["id"] and r.json()["request_id"] == request["id"]
