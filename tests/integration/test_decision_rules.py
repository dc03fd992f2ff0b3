"""Rules around the decision that used to be loose (issue 10, section 2), through the HTTP API."""

from __future__ import annotations

from datetime import timedelta

from domain import clock
from tests.integration.conftest import Api
from tests.integration.test_appeals import TWO_DOCUMENTS, appeal_act, decided, file, request_events
from tests.integration.test_request_paths import PARTIAL


def days(n: int) -> str:
    return (clock.today() + timedelta(days=n)).isoformat()


async def test_a_draft_inside_the_third_party_hold_is_refused_at_drafting(api: Api) -> None:
    case = await api.register()
    r = await api.act(case["id"], "consult-third-party",
                      {"party": {"name": "株式会社反対", "type": "corporation", "address": "小金井市"}}, "shinsa")
    party = r.json()["third_parties"][0]["party_id"]
    await api.act(case["id"], "record-third-party-opinion", {"party_id": party, "objects": True}, "madoguchi")
    before = await api.events(case["id"])
    r = await api.act(case["id"], "draft-decision", PARTIAL | {"disclosure_on": days(7)}, "shinsa")
    assert r.status_code == 409, r.text
    assert days(15) in r.json()["error"]["message"]  # the earliest lawful date, as if decided today
    assert await api.events(case["id"]) == before
    r = await api.act(case["id"], "draft-decision", PARTIAL | {"disclosure_on": days(15)}, "shinsa")
    assert r.status_code == 200, r.text


async def test_a_ruling_scope_naming_a_document_not_in_the_decision_is_refused(api: Api) -> None:
    request = await decided(api, TWO_DOCUMENTS)
    appeal = await file(api, request["id"])
    stranger = {"scope": [{"title": "契約書", "disclosure": "full"}, {"title": "議事録", "disclosure": "full"}]}
    r = await appeal_act(api, appeal["id"], "grant-without-referral", stranger)
    assert r.status_code == 422 and "議事録" in r.json()["error"]["message"], r.text
    await appeal_act(api, appeal["id"], "refer-to-council", {})
    today = clock.today().isoformat()
    await appeal_act(api, appeal["id"], "record-session", {"held_on": today, "present": ["m1", "m2", "m3"]},
                     "shingikai")
    r = await appeal_act(api, appeal["id"], "adopt-report", {"adopted_on": today, "conclusion": "disclose_in_part",
                                                              "text": "一部公開", "votes_for": 3}, "shingikai")
    assert r.status_code == 200, r.text
    r = await appeal_act(api, appeal["id"], "record-ruling", {"ruling": "partly_granted", "text": "一部認容",
                                                               "scope": [{"title": "議事録", "disclosure": "partial"}]})
    assert r.status_code == 422 and "議事録" in r.json()["error"]["message"], r.text
    assert (await api.http.get(f"/api/v1/appeals/{appeal['id']}", headers=api.as_("johokokai"))).json()[
        "status"] == "reported"


async def test_a_judgment_scope_naming_a_document_not_in_the_decision_is_refused(api: Api) -> None:
    request = await decided(api, TWO_DOCUMENTS)
    r = await api.http.post(f"/api/v1/requests/{request['id']}/suits",
                            json={"court": "東京地方裁判所", "case_number": "令和8年(行ウ)第103号"},
                            headers=api.as_("johokokai"))
    assert r.status_code == 201, r.text
    suit = r.json()
    await request_events(api, request["id"], "SuitLinked")
    r = await api.http.post(f"/api/v1/suits/{suit['id']}/record-judgment",
                            json={"court_level": "district", "outcome": "partly_revoked",
                                  "served_on": clock.today().isoformat(),
                                  "scope": [{"title": "議事録", "disclosure": "full"}]},
                            headers=api.as_("johokokai"))
    assert r.status_code == 422 and "議事録" in r.json()["error"]["message"], r.text
