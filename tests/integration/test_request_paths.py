"""Every outcome end to end through the HTTP API: real Temporal dev server, real PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.clock import today
from tests.integration.conftest import Api

PARTIAL = {
    "outcome": "partial",
    "exemptions": [{"clause": "9-2", "reason": "個人の氏名が記載されており、特定の個人を識別できるため"}],
    "documents": [{"title": "契約書", "disclosure": "partial"}, {"title": "設計書", "disclosure": "full"}],
}
DRAFTS = {
    "full": {"outcome": "full", "documents": [{"title": "契約書", "disclosure": "full"}]},
    "partial": PARTIAL,
    "non_disclosure_exempt": {"outcome": "non_disclosure", "non_disclosure_ground": "exempt",
                              "exemptions": [{"clause": "9-5", "reason": "犯罪の予防に支障を及ぼすおそれがあるため"}]},
    "non_disclosure_not_held": {"outcome": "non_disclosure", "non_disclosure_ground": "not_held",
                                "reason_text": "当該工事は発注されておらず、契約書は作成していないため"},
    "neither_confirm_nor_deny": {"outcome": "neither_confirm_nor_deny",
                                 "exemptions": [{"clause": "9-2", "reason": "存否を答えるだけで特定個人の病歴が明らかになるため"}]},
    "dismissed": {"outcome": "dismissed", "reason_text": "請求の対象が市販の刊行物であるため"},
}
NOTICE_OF = {"full": "decision_full", "partial": "decision_partial", "non_disclosure": "decision_non_disclosure",
             "neither_confirm_nor_deny": "decision_ncnd", "dismissed": "decision_dismissed"}


def soon(days: int = 7) -> str:
    return (today() + timedelta(days=days)).isoformat()


@pytest.mark.parametrize("variant", list(DRAFTS))
async def test_each_outcome_from_receipt_to_decision(api: Api, variant: str) -> None:
    case = await api.register()
    assert case["status"] == "under_review" and case["id"].startswith("R-")
    assert case["decision_due"] and case["work_due"] <= case["decision_due"]
    assert case["due_explanation"]["decision_due"]["steps"]
    assert [n["type"] for n in case["notices"]] == ["receipt"]
    body = dict(DRAFTS[variant])
    if body["outcome"] in ("full", "partial"):
        body["disclosure_on"] = soon()
    r = await api.act(case["id"], "draft-decision", body, "shinsa")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "pending_approval"
    r = await api.act(case["id"], "approve-decision", {"comment": "決裁"}, "kacho")
    assert r.status_code == 200, r.text
    decided = r.json()
    assert decided["status"] == "decided" and decided["outcome"] == body["outcome"]
    assert decided["appeal_window_ends"]
    assert NOTICE_OF[body["outcome"]] in [n["type"] for n in decided["notices"]]
    if body["outcome"] in ("full", "partial"):
        r = await api.act(case["id"], "record-disclosure", {"method": "copy", "pages": 12, "fee_yen": 120},
                          "madoguchi")
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "disclosed"
    types = [e["type"] for e in await api.events(case["id"])]
    assert types[:3] == ["RequestReceived", "DecisionDrafted", "DecisionApproved"]
    notice = decided["notices"][-1]
    pdf = await api.http.get(notice["pdf"], headers=api.as_("shinsa"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    reports = (await api.http.get("/api/v1/council/reports", headers=api.as_("shingikai"))).json()["items"]
    assert (case["id"] in [i["case_id"] for i in reports]) == (body["outcome"] == "neither_confirm_nor_deny")


async def test_correction_stops_the_clock_then_withdrawal_closes(api: Api) -> None:
    case = await api.register()
    on = today()
    r = await api.act(case["id"], "request-correction",
                      {"requested_on": on.isoformat(), "respond_by": soon(10), "what": "対象文書を特定してください"},
                      "shinsa")
    assert r.status_code == 200 and r.json()["status"] == "awaiting_correction"
    r = await api.act(case["id"], "record-correction", {"received_on": on.isoformat(), "note": "特定済み"},
                      "madoguchi")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "under_review"
    assert r.json()["decision_due"] == case["decision_due"]  # arrived the same day: no days excluded
    r = await api.act(case["id"], "withdraw", {"reason": "取下書の提出"}, "madoguchi")
    assert r.status_code == 200
    assert r.json()["status"] == "closed" and r.json()["closed_reason"] == "withdrawn"
    r = await api.act(case["id"], "draft-decision", DRAFTS["full"] | {"disclosure_on": soon()}, "shinsa")
    assert r.status_code == 409


async def test_extension_and_third_party_hold(api: Api) -> None:
    case = await api.register()
    new_due = (date.fromisoformat(case["decision_due"]) + timedelta(days=20)).isoformat()
    r = await api.act(case["id"], "extend", {"new_due": new_due, "reason": "文書が大量で調査に時間を要するため"}, "shinsa")
    assert r.status_code == 200, r.text
    assert r.json()["decision_due"] == new_due
    r = await api.act(case["id"], "extend", {"new_due": soon(40), "reason": "再延長"}, "shinsa")
    assert r.status_code == 409 and "1回" in r.json()["error"]["message"]
    r = await api.act(case["id"], "consult-third-party",
                      {"party": {"name": "株式会社小金井建設", "type": "corporation", "address": "小金井市前原町1-1"},
                       "mandatory": False}, "shinsa")
    assert r.status_code == 200 and r.json()["status"] == "consulting_third_party"
    party_id = r.json()["third_parties"][0]["party_id"]
    r = await api.act(case["id"], "record-third-party-opinion",
                      {"party_id": party_id, "objects": True, "summary": "単価の公開に反対"}, "madoguchi")
    assert r.json()["status"] == "under_review"
    r = await api.act(case["id"], "draft-decision", PARTIAL | {"disclosure_on": soon(20)}, "shinsa")
    assert r.status_code == 200, r.text
    r = await api.act(case["id"], "approve-decision", {}, "kacho")
    assert r.status_code == 200, r.text
    decided = r.json()
    assert decided["earliest_disclosure_on"] == (today() + timedelta(days=15)).isoformat()
    assert "third_party_disclosure_notice" in [n["type"] for n in decided["notices"]]
    r = await api.act(case["id"], "record-disclosure", {"method": "copy"}, "madoguchi")
    assert r.status_code == 409 and decided["earliest_disclosure_on"] in r.json()["error"]["message"]
