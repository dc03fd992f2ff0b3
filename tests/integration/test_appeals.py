"""Appeals and the council through the HTTP API (real Temporal dev server and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from domain.clock import today
from tests.integration.conftest import Api
from tests.integration.test_request_paths import DRAFTS, soon

TWO_DOCUMENTS = {
    "outcome": "partial",
    "exemptions": [{"clause": "9-4-ウ", "reason": "公表すると今後の交渉に支障を及ぼすおそれがあるため"}],
    "documents": [{"title": "契約書", "disclosure": "partial"}, {"title": "交渉記録", "disclosure": "withheld"}],
}


async def decided(api: Api, draft: dict, approve: dict | None = None, **register) -> dict:
    case = await api.register(**register)
    body = dict(draft)
    if body["outcome"] in ("full", "partial"):
        body["disclosure_on"] = soon()
    assert (await api.act(case["id"], "draft-decision", body, "shinsa")).status_code == 200
    r = await api.act(case["id"], "approve-decision", approve or {}, "kacho")
    assert r.status_code == 200, r.text
    return r.json()


async def file(api: Api, request_id: str, **body) -> dict:
    r = await api.http.post(f"/api/v1/requests/{request_id}/appeals",
                            json={"grounds": "非公開部分の公開を求める"} | body, headers=api.as_("madoguchi"))
    assert r.status_code == 201, r.text
    return r.json()


async def appeal_act(api: Api, appeal_id: str, action: str, body: dict, who: str = "johokokai"):
    prefix = "council/referrals" if action in ("record-session", "adopt-report") else "appeals"
    return await api.http.post(f"/api/v1/{prefix}/{appeal_id}/{action}", json=body, headers=api.as_(who))


async def request_events(api: Api, request_id: str, wanted: str) -> list[str]:
    for _ in range(200):
        types = [e["type"] for e in await api.events(request_id)]
        if wanted in types:
            return types
        await asyncio.sleep(0.05)
    raise AssertionError(f"{wanted} never reached {request_id}: {types}")


async def test_partial_grant_after_council_reopens_the_request(api: Api) -> None:
    request = await decided(api, TWO_DOCUMENTS)
    appeal = await file(api, request["id"])
    assert appeal["id"].startswith("A-") and appeal["status"] == "under_review" and not appeal["late"]
    assert "AppealLinked" in await request_events(api, request["id"], "AppealLinked")
    assert (await api.http.get(f"/api/v1/requests/{request['id']}", headers=api.as_("madoguchi"))).json()[
        "status"] == "under_appeal"
    r = await appeal_act(api, appeal["id"], "record-ruling", {"ruling": "rejected", "text": "棄却"})
    assert r.status_code == 409 and "諮問" in r.json()["error"]["message"]  # referral is required first
    r = await appeal_act(api, appeal["id"], "refer-to-council", {})
    assert r.status_code == 200 and r.json()["status"] == "referred" and r.json()["report_due"]
    assert any(n["type"] == "referral_notice" for n in r.json()["notices"])
    held = today().isoformat()
    r = await appeal_act(api, appeal["id"], "record-session", {"held_on": held, "present": ["m1", "m2"],
                                                               "in_camera": True}, "shingikai")
    assert r.status_code == 200, r.text
    report = {"adopted_on": held, "conclusion": "disclose_in_part", "text": "交渉記録の一部を公開すべき",
              "votes_for": 2}
    r = await appeal_act(api, appeal["id"], "adopt-report", report, "shingikai")
    assert r.status_code == 409 and "定足数" in r.json()["error"]["message"]
    r = await appeal_act(api, appeal["id"], "record-session",
                         {"held_on": held, "present": ["m1", "m2", "m3"], "in_camera": True, "oral_statement": True},
                         "shingikai")
    assert r.status_code == 200
    r = await appeal_act(api, appeal["id"], "adopt-report", report | {"votes_for": 3}, "shingikai")
    assert r.status_code == 200 and r.json()["status"] == "reported", r.text
    narrowing = {"ruling": "partly_granted", "text": "一部認容",
                 "scope": [{"title": "契約書", "disclosure": "withheld"}]}
    assert (await appeal_act(api, appeal["id"], "record-ruling", narrowing)).status_code == 409
    assert (await appeal_act(api, appeal["id"], "record-ruling", narrowing, "shinsa")).status_code == 403
    ruling = {"ruling": "partly_granted", "text": "交渉記録のうち日付及び出席者を公開する",
              "scope": [{"title": "契約書", "disclosure": "partial"}, {"title": "交渉記録", "disclosure": "partial"}]}
    r = await appeal_act(api, appeal["id"], "record-ruling", ruling)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "closed" and r.json()["ruling"] == "partly_granted"
    assert any(n["type"] == "ruling" for n in r.json()["notices"])
    types = await request_events(api, request["id"], "RequestReopened")
    assert types.index("ChallengeConcluded") < types.index("RequestReopened")
    reopened = (await api.http.get(f"/api/v1/requests/{request['id']}", headers=api.as_("shinsa"))).json()
    assert reopened["status"] == "under_review"
    narrower = TWO_DOCUMENTS | {"disclosure_on": soon()}  # 交渉記録 still withheld: narrower than the ruling
    r = await api.act(request["id"], "draft-decision", narrower, "shinsa")
    assert r.status_code == 409 and "交渉記録" in r.json()["error"]["message"]
    wider = TWO_DOCUMENTS | {"disclosure_on": soon(), "documents": ruling["scope"]}
    assert (await api.act(request["id"], "draft-decision", wider, "shinsa")).status_code == 200
    assert (await api.act(request["id"], "approve-decision", {}, "kacho")).status_code == 200
    r = await api.act(request["id"], "record-disclosure", {"method": "copy", "pages": 3, "fee_yen": 30}, "madoguchi")
    assert r.status_code == 200 and r.json()["status"] == "disclosed"


async def test_grant_without_referral_is_refused_over_a_third_party_objection(api: Api) -> None:
    case = await api.register()
    r = await api.act(case["id"], "consult-third-party",
                      {"party": {"name": "株式会社反対", "type": "corporation", "address": "小金井市"}}, "shinsa")
    party = r.json()["third_parties"][0]["party_id"]
    await api.act(case["id"], "record-third-party-opinion", {"party_id": party, "objects": True}, "madoguchi")
    await api.act(case["id"], "draft-decision", TWO_DOCUMENTS | {"disclosure_on": soon(20)}, "shinsa")
    await api.act(case["id"], "approve-decision", {}, "kacho")
    appeal = await file(api, case["id"])
    full = {"scope": [{"title": "契約書", "disclosure": "full"}, {"title": "交渉記録", "disclosure": "full"}]}
    r = await appeal_act(api, appeal["id"], "grant-without-referral", full)
    assert r.status_code == 409 and "第三者" in r.json()["error"]["message"]
    r = await appeal_act(api, appeal["id"], "withdraw", {"reason": "取下げ"}, "madoguchi")
    assert r.status_code == 200 and r.json()["closed_reason"] == "withdrawn"
    await request_events(api, case["id"], "ChallengeConcluded")


async def test_late_appeal_can_only_be_dismissed(api: Api) -> None:
    old = today() - timedelta(days=200)
    request = await decided(api, DRAFTS["non_disclosure_not_held"],
                            approve={"decided_on": (old + timedelta(days=5)).isoformat()}, received_on=old.isoformat())
    appeal = await file(api, request["id"])
    assert appeal["late"] is True and appeal["window_ends"] < today().isoformat()
    r = await appeal_act(api, appeal["id"], "refer-to-council", {})
    assert r.status_code == 409 and "却下" in r.json()["error"]["message"]
    r = await appeal_act(api, appeal["id"], "dismiss", {"reason": "審査請求期間経過後の請求であるため"})
    assert r.status_code == 200 and r.json()["ruling"] == "dismissed"


async def test_learned_before_the_decision_is_refused_clearly(api: Api) -> None:
    request = await decided(api, DRAFTS["non_disclosure_not_held"])
    r = await api.http.post(f"/api/v1/requests/{request['id']}/appeals", headers=api.as_("madoguchi"),
                            json={"grounds": "非公開部分の公開を求める", "learned_on": "2000-01-01"})
    assert r.status_code == 422 and "learned_on" in r.json()["error"]["message"]  # was a 500 (schemathesis)


async def test_inaction_appeal_on_an_overdue_request(api: Api) -> None:
    overdue = await api.register(received_on=(today() - timedelta(days=40)).isoformat())
    r = await api.http.post(f"/api/v1/requests/{overdue['id']}/appeals",
                            json={"grounds": "決定がされない", "kind": "decision"}, headers=api.as_("madoguchi"))
    assert r.status_code == 409
    appeal = await file(api, overdue["id"], kind="inaction")
    assert appeal["kind"] == "inaction" and appeal["window_ends"] is None and not appeal["late"]


async def test_council_sees_referrals_without_contact_data(api: Api) -> None:
    request = await decided(api, TWO_DOCUMENTS)
    appeal = await file(api, request["id"])
    await appeal_act(api, appeal["id"], "record-explanation", {"text": "交渉記録は今後の交渉に支障がある"}, "shinsa")
    await appeal_act(api, appeal["id"], "refer-to-council", {})
    r = await api.http.get("/api/v1/council/referrals", headers=api.as_("shingikai"))
    item = next(i for i in r.json()["items"] if i["id"] == appeal["id"])
    assert item["appellant_name"] == "山田 太郎" and item["explanation"]
    assert [d["title"] for d in item["withheld_documents"]] == ["契約書", "交渉記録"]
    text = r.text
    assert "042-387-0000" not in text and "taro@example.jp" not in text and "本町" not in text
    detail = (await api.http.get(f"/api/v1/appeals/{appeal['id']}", headers=api.as_("shingikai")))
    assert detail.status_code == 403  # the council reads referrals, not the case file


async def test_ncnd_decision_reported_by_a_session(api: Api) -> None:
    request = await decided(api, DRAFTS["neither_confirm_nor_deny"])
    reports = (await api.http.get("/api/v1/council/reports", headers=api.as_("shingikai"))).json()["items"]
    assert next(i for i in reports if i["case_id"] == request["id"])["reported"] is False
    r = await api.http.post(f"/api/v1/council/reports/{request['id']}/mark-reported",
                            json={"session_ref": "第3回審査会"}, headers=api.as_("shingikai"))
    assert r.status_code == 200, r.text
    reports = (await api.http.get("/api/v1/council/reports", headers=api.as_("shingikai"))).json()["items"]
    assert next(i for i in reports if i["case_id"] == request["id"])["reported"] is True
    again = await api.http.post(f"/api/v1/council/reports/{request['id']}/mark-reported", json={},
                                headers=api.as_("shingikai"))
    assert again.status_code == 409


async def test_a_session_reports_only_ncnd_decisions_waiting_for_the_council(api: Api) -> None:
    ncnd = await decided(api, DRAFTS["neither_confirm_nor_deny"])
    ordinary = await decided(api, TWO_DOCUMENTS)
    appeal = await file(api, ordinary["id"])
    assert (await appeal_act(api, appeal["id"], "refer-to-council", {})).status_code == 200
    session = {"held_on": today().isoformat(), "present": ["m1", "m2", "m3"]}
    for wrong in ([ordinary["id"]], ["R-2099-99999"], ["R\u0000"], [ncnd["id"]] * 2):  # not NCND, missing, …
        r = await appeal_act(api, appeal["id"], "record-session", session | {"ncnd_reported": wrong}, "shingikai")
        assert r.status_code == 422, r.text
    detail = (await api.http.get(f"/api/v1/appeals/{appeal['id']}", headers=api.as_("johokokai"))).json()
    assert detail["sessions"] == []  # a refused session leaves nothing behind
    r = await appeal_act(api, appeal["id"], "record-session", session | {"ncnd_reported": [ncnd["id"]]}, "shingikai")
    assert r.status_code == 200 and len(r.json()["sessions"]) == 1, r.text
    reports = (await api.http.get("/api/v1/council/reports", headers=api.as_("shingikai"))).json()["items"]
    assert next(i for i in reports if i["case_id"] == ncnd["id"])["reported"] is True
