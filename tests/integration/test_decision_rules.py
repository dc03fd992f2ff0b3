"""Rules around the decision that used to be loose (issue 10, section 2), through the HTTP API."""

from __future__ import annotations

from datetime import timedelta

from domain import clock
from store.db import connect
from store.rebuild import rebuild
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


TWO_DECISIONS = {"decisions": [
    {"outcome": "full", "documents": [{"title": "契約書", "disclosure": "full"}], "disclosure_on": days(7)},
    {"outcome": "non_disclosure", "non_disclosure_ground": "not_held",
     "documents": [{"title": "設計変更協議録", "disclosure": "withheld"}],
     "reason_text": "設計変更の協議は行っておらず、協議録は作成していないため"},
]}


async def test_two_decisions_in_one_draft_get_two_notices_and_an_appeal_names_one(api: Api) -> None:
    case = await api.register()
    r = await api.act(case["id"], "draft-decision", TWO_DECISIONS, "shinsa")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "pending_approval" and len(r.json()["draft_parts"]) == 2
    r = await api.act(case["id"], "approve-decision", {}, "kacho")
    assert r.status_code == 200, r.text
    out = r.json()
    first, second = out["decisions"]
    assert (first["decision_id"], second["decision_id"]) == (f"{case['id']}-D1", f"{case['id']}-D2")
    assert out["status"] == "decided" and out["outcome"] == "full" and out["decision"]["decision_id"] == first[
        "decision_id"]  # the one-decision fields show the first
    by_id = {n["id"]: n for n in out["notices"]}
    assert [by_id[n]["type"] for n in first["notices"]] == ["decision_full"]
    assert [by_id[n]["type"] for n in second["notices"]] == ["decision_non_disclosure"]
    assert first["appeal_window_ends"] and second["appeal_window_ends"]
    # the requester learns of the 不存在 decision later: only its window moves
    r = await api.act(case["id"], "record-notice-delivery",
                      {"delivered_on": clock.today().isoformat(), "decision_id": "R-2099-99999-D1"}, "madoguchi")
    assert r.status_code == 422, r.text
    appeal = await file(api, case["id"], decision_id=second["decision_id"])
    assert appeal["decision"]["decision_id"] == second["decision_id"]
    assert appeal["decision"]["outcome"] == "non_disclosure"
    await request_events(api, case["id"], "AppealLinked")
    linked = [e for e in await api.events(case["id"]) if e["type"] == "AppealLinked"][0]
    assert linked["data"]["decision_id"] == second["decision_id"]
    shown = (await api.http.get(f"/api/v1/requests/{case['id']}", headers=api.as_("shinsa"))).json()
    assert shown["decisions"][1]["challenged_by"] == [appeal["id"]] and shown["decisions"][0]["challenged_by"] == []
    r = await api.http.post(f"/api/v1/requests/{case['id']}/appeals",
                            json={"grounds": "x", "decision_id": f"{case['id']}-D7"}, headers=api.as_("madoguchi"))
    assert r.status_code == 422 and f"{case['id']}-D7" in r.json()["error"]["message"]


async def test_the_one_decision_body_still_gives_one_decision(api: Api) -> None:
    request = await decided(api, TWO_DOCUMENTS)
    assert [d["decision_id"] for d in request["decisions"]] == [f"{request['id']}-D1"]
    assert request["decision"]["decision_id"] == f"{request['id']}-D1" and request["outcome"] == "partial"
    appeal = await file(api, request["id"])  # no decision_id: the only decision
    assert appeal["decision"]["decision_id"] == f"{request['id']}-D1"


async def test_a_draft_with_both_forms_or_neither_is_refused(api: Api) -> None:
    case = await api.register()
    both = TWO_DECISIONS | {"outcome": "full"}
    assert (await api.act(case["id"], "draft-decision", both, "shinsa")).status_code == 422
    assert (await api.act(case["id"], "draft-decision", {"decisions": []}, "shinsa")).status_code == 422
    assert (await api.act(case["id"], "draft-decision", {}, "shinsa")).status_code == 422


async def test_large_volume_extension_is_a_deadline_with_a_decision_for_the_remainder(api: Api) -> None:
    case = await api.register()
    partial_due, remainder_due = days(30), days(90)
    r = await api.act(case["id"], "extend", {"large_volume": True, "partial_due": partial_due,
                                             "remainder_due": remainder_due, "reason": "対象文書が著しく大量のため"},
                      "shinsa")
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["decision_due"] == partial_due
    assert out["remainder"]["due"] == remainder_due and out["remainder"]["owed"] is True
    assert "特例" in out["remainder"]["explanation"]["article"]
    assert "特例延長通知" in " ".join(out["due_explanation"]["decision_due"]["steps"])
    assert out["deadlines"]["remainder_due"] == remainder_due
    assert {"remainder_reminder", "remainder_overdue"} <= set(out["deadlines"])
    r = await api.act(case["id"], "draft-decision", TWO_DECISIONS["decisions"][0], "shinsa")
    assert r.status_code == 200, r.text
    r = await api.act(case["id"], "approve-decision", {}, "kacho")
    assert r.json()["status"] == "decided" and r.json()["remainder"]["owed"] is True
    shown = (await api.http.get(f"/api/v1/requests/{case['id']}", headers=api.as_("shinsa"))).json()
    assert "draft-decision" in shown["allowed_actions"]
    r = await api.act(case["id"], "draft-decision", TWO_DECISIONS["decisions"][1], "shinsa")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "decided" and r.json()["draft"]["outcome"] == "non_disclosure"
    r = await api.act(case["id"], "approve-decision", {}, "kacho")
    assert r.status_code == 200, r.text
    out = r.json()
    assert [d["outcome"] for d in out["decisions"]] == ["full", "non_disclosure"]
    assert out["remainder"]["owed"] is False and "remainder_due" not in out["deadlines"]
    assert any(n["type"] == "decision_non_disclosure" for n in out["notices"])
    r = await api.act(case["id"], "draft-decision", TWO_DECISIONS["decisions"][1], "shinsa")
    assert r.status_code == 409  # nothing is owed any more


async def test_projections_rebuild_to_the_same_rows_with_several_decisions(api: Api) -> None:
    case = await api.register()
    assert (await api.act(case["id"], "draft-decision", TWO_DECISIONS, "shinsa")).status_code == 200
    assert (await api.act(case["id"], "approve-decision", {}, "kacho")).status_code == 200
    r = await api.act(case["id"], "record-notice-delivery",
                      {"delivered_on": clock.today().isoformat(), "decision_id": f"{case['id']}-D2"}, "madoguchi")
    assert r.status_code == 200, r.text
    assert r.json()["decisions"][1]["notice_delivered_on"] == clock.today().isoformat()
    assert r.json()["decisions"][0]["notice_delivered_on"] is None
    conn = await connect(api.settings.database_url)
    try:
        assert await rebuild(conn, check=True) == []
    finally:
        await conn.close()
