"""Self-information requests (APPI 76 / 90 / 98) through the HTTP API: intake with identity, their own
outcomes and notices (教示 with the council referral under 第105条), the 90-day filing window."""

from __future__ import annotations

import io
from datetime import timedelta

from pypdf import PdfReader

from domain.clock import today
from tests.integration.conftest import Api

SELF = {"presenter": "self", "document": "drivers_licence"}


def soon(days: int = 7) -> str:
    return (today() + timedelta(days=days)).isoformat()


async def register(api: Api, kind: str, **extra) -> dict:
    return await api.register(kind=kind, subject="私の児童手当認定に関する記録", department="toshi",
                              preferred_method="viewing", **({"identity": SELF} | extra))


async def decide(api: Api, case_id: str, body: dict) -> dict:
    r = await api.act(case_id, "draft-decision", body, "shinsa")
    assert r.status_code == 200, r.text
    r = await api.act(case_id, "approve-decision", {}, "kacho")
    assert r.status_code == 200, r.text
    return r.json()


async def pdf_text(api: Api, notice: dict, name: str) -> str:
    pdf = (await api.http.get(notice["pdf"], headers=api.as_("johokokai"))).content
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "").replace("\n", "")


async def test_disclosure_request_needs_identity_and_decides_in_its_own_words(api: Api) -> None:
    body = {"kind": "personal_info_disclosure", "channel": "counter", "subject": "私の記録", "department": "toshi",
            "requester": {"name": "山田 太郎", "type": "individual", "address": "小金井市本町6-6-3"}}
    r = await api.http.post("/api/v1/requests", json=body, headers=api.as_("madoguchi"))
    assert r.status_code == 422 and "第77条第2項" in r.text
    r = await api.http.post("/api/v1/requests", json=body | {"identity": {"presenter": "agent",
                                                                          "document": "passport"}},
                            headers=api.as_("madoguchi"))
    assert r.status_code == 422 and "代理権" in r.text
    case = await register(api, "personal_info_disclosure")
    assert case["self_information"] == {"identity_verified": True}
    assert case["requester"]["identity"]["document"] == "drivers_licence"  # codes only, encrypted at rest
    assert [n["type"] for n in case["notices"]] == ["pi_receipt"]
    text = await pdf_text(api, case["notices"][0], "pi_receipt")
    assert "保有個人情報開示請求受付票" in text and "運転免許証" in text
    r = await api.act(case["id"], "draft-decision", {"outcome": "partial", "disclosure_on": soon(), "exemptions": [
        {"clause": "9-2", "reason": "x"}]}, "shinsa")
    assert r.status_code == 422 and "第78条" in r.text
    decided = await decide(api, case["id"], {
        "outcome": "partial", "disclosure_on": soon(),
        "exemptions": [{"clause": "78-1-2", "reason": "第三者の氏名が記載されているため"}],
        "documents": [{"title": "審査記録", "disclosure": "partial"}]})
    notice = [n for n in decided["notices"] if n["type"] == "pi_disclosure_partial"][0]
    text = await pdf_text(api, notice, "pi_disclosure_partial")
    for needle in ("保有個人情報の部分開示決定通知書", "個人情報の保護に関する法律第82条第1項", "第78条第1項第2号",
                   "一部開示", "教示", "第105条第3項", "審査会に諮問", "3か月", "6か月", "小金井市を被告"):
        assert needle in text, needle


async def test_ncnd_and_not_held_for_a_disclosure_request(api: Api) -> None:
    case = await register(api, "personal_info_disclosure")
    decided = await decide(api, case["id"], {"outcome": "neither_confirm_nor_deny", "exemptions": [
        {"clause": "78-1-2", "reason": "存否を答えるだけで第三者の情報が明らかになるため"}]})
    notice = [n for n in decided["notices"] if n["type"] == "pi_disclosure_refusal"][0]
    text = await pdf_text(api, notice, "pi_disclosure_ncnd")
    assert "存否応答拒否" in text and "第81条" in text and "教示" in text
    case = await register(api, "personal_info_disclosure")
    decided = await decide(api, case["id"], {"outcome": "non_disclosure", "non_disclosure_ground": "not_held",
                                             "reason_text": "該当する記録を作成していないため"})
    notice = [n for n in decided["notices"] if n["type"] == "pi_disclosure_refusal"][0]
    assert "不存在" in await pdf_text(api, notice, "pi_disclosure_not_held")


async def test_correction_request_within_90_days_and_its_decision(api: Api) -> None:
    late = (today() - timedelta(days=120)).isoformat()
    body = {"kind": "personal_info_correction", "channel": "counter", "subject": "住所の訂正",
            "department": "toshi", "identity": SELF, "disclosed_on": late,
            "requester": {"name": "山田 太郎", "type": "individual", "address": "小金井市本町6-6-3"}}
    r = await api.http.post("/api/v1/requests", json=body, headers=api.as_("madoguchi"))
    assert r.status_code == 422 and "90日以内" in r.text
    disclosed = (today() - timedelta(days=10)).isoformat()
    case = await register(api, "personal_info_correction", disclosed_on=disclosed)
    assert case["self_information"]["disclosed_on"] == disclosed
    assert case["self_information"]["filing_window_ends"] >= (today() + timedelta(days=80)).isoformat()
    r = await api.act(case["id"], "draft-decision", {"outcome": "neither_confirm_nor_deny", "exemptions": [
        {"clause": "78-1-2", "reason": "x"}]}, "shinsa")
    assert r.status_code == 422 and "訂正しない" in r.text
    decided = await decide(api, case["id"], {"outcome": "non_disclosure",
                                             "reason_text": "記載は事実に合致しているため"})
    assert decided["status"] == "decided"
    notice = [n for n in decided["notices"] if n["type"] == "pi_correction_refused"][0]
    text = await pdf_text(api, notice, "pi_correction_refused")
    assert "保有個人情報の不訂正決定通知書" in text and "訂正しない" in text and "第93条第2項" in text
    assert "第105条第3項" in text
    r = await api.act(case["id"], "record-disclosure", {"method": "viewing"}, "madoguchi")
    assert r.status_code == 409  # nothing to disclose after a correction decision


async def test_suspension_request_names_its_measure(api: Api) -> None:
    disclosed = (today() - timedelta(days=5)).isoformat()
    body = {"kind": "personal_info_suspension", "channel": "counter", "subject": "目的外利用の停止",
            "department": "toshi", "identity": SELF, "disclosed_on": disclosed,
            "requester": {"name": "山田 太郎", "type": "individual", "address": "小金井市本町6-6-3"}}
    r = await api.http.post("/api/v1/requests", json=body, headers=api.as_("madoguchi"))
    assert r.status_code == 422 and "measure" in r.text
    case = await register(api, "personal_info_suspension", disclosed_on=disclosed, measure="erase",
                          identity={"presenter": "legal_representative", "document": "my_number_card",
                                    "authority_document": "family_register"})
    assert case["self_information"]["measure"] == "erase"
    decided = await decide(api, case["id"], {"outcome": "full", "reason_text": "該当記録を消去します"})
    notice = [n for n in decided["notices"] if n["type"] == "pi_suspension_granted"][0]
    text = await pdf_text(api, notice, "pi_suspension_granted")
    assert "保有個人情報の利用停止決定通知書" in text and "消去" in text and "教示" not in text


async def test_correction_transfer_and_third_party_notices_in_the_words_of_the_act(api: Api) -> None:
    case = await register(api, "personal_info_disclosure")
    r = await api.act(case["id"], "request-correction", {"requested_on": today().isoformat(), "respond_by": soon(10),
                                                         "what": "本人確認書類を提示してください"}, "shinsa")
    assert r.status_code == 200, r.text
    notice = [n for n in r.json()["notices"] if n["type"] == "pi_correction_request"][0]
    text = await pdf_text(api, notice, "pi_correction_request")
    assert "保有個人情報開示請求書の補正について" in text and "第77条第3項" in text and "公文書" not in text
    r = await api.act(case["id"], "record-correction", {"received_on": today().isoformat(), "note": "提示済み"},
                      "madoguchi")
    assert r.status_code == 200, r.text
    r = await api.act(case["id"], "consult-third-party",
                      {"party": {"name": "鈴木 花子", "type": "individual", "address": "小金井市本町1-1-1"}}, "shinsa")
    assert r.status_code == 200, r.text
    party = r.json()["third_parties"][0]["party_id"]
    opinion = [n for n in r.json()["notices"] if n["type"] == "pi_third_party_opinion_request"][0]
    text = await pdf_text(api, opinion, "pi_third_party_opinion_request")
    assert "第86条第1項" in text and "児童手当" not in text  # the third party is not told what the person asked
    r = await api.act(case["id"], "record-third-party-opinion", {"party_id": party, "objects": True}, "madoguchi")
    assert r.status_code == 200, r.text
    decided = await decide(api, case["id"], {"outcome": "full", "disclosure_on": soon(20),
                                             "documents": [{"title": "審査記録", "disclosure": "full"}]})
    third = [n for n in decided["notices"] if n["type"] == "pi_third_party_disclosure_notice"]
    assert len(third) == 1
    text = await pdf_text(api, third[0], "pi_third_party_disclosure_notice")
    assert "第86条第3項" in text and "開示を実施する日" in text and "教示" in text and "第105条第3項" in text
    full = [n for n in decided["notices"] if n["type"] == "pi_disclosure_full"][0]
    assert "開示の日時" in await pdf_text(api, full, "pi_disclosure_full")

    moved = await register(api, "personal_info_disclosure")
    r = await api.act(moved["id"], "transfer", {"to_body": "board_of_education", "reason": "教育委員会の所管"},
                      "madoguchi")
    assert r.status_code == 200, r.text
    notice = [n for n in r.json()["notices"] if n["type"] == "pi_transfer"][0]
    text = await pdf_text(api, notice, "pi_transfer")
    assert "保有個人情報開示請求事案移送通知書" in text and "第85条第1項" in text and "小金井市教育委員会" in text


async def test_an_appeal_on_a_self_information_decision_is_referred_under_the_act(api: Api) -> None:
    case = await register(api, "personal_info_correction", disclosed_on=(today() - timedelta(days=5)).isoformat())
    await decide(api, case["id"], {"outcome": "non_disclosure", "reason_text": "記載は事実に合致しているため"})
    r = await api.http.post(f"/api/v1/requests/{case['id']}/appeals", json={"grounds": "訂正を求める"},
                            headers=api.as_("madoguchi"))
    assert r.status_code == 201, r.text
    r = await api.http.post(f"/api/v1/appeals/{r.json()['id']}/refer-to-council", json={},
                            headers=api.as_("johokokai"))
    assert r.status_code == 200, r.text
    notice = [n for n in r.json()["notices"] if n["type"] == "referral_notice"][0]
    text = await pdf_text(api, notice, "referral_notice")
    assert "個人情報の保護に関する法律第105条第3項において準用する同条第1項の規定により" in text
    assert "第106条第2項において準用する同条第1項の規定により通知します" in text and "訂正決定等" in text


RECIPIENT = {"name": "多摩地域児童福祉事務組合", "type": "corporation", "address": "府中市寿町1-1-1"}


async def test_a_decision_to_correct_notifies_each_recipient_of_the_information(api: Api) -> None:
    """APPI 第97条: the 提供先 named on the decision to correct are each sent the notice of the correction."""
    disclosure = await register(api, "personal_info_disclosure")
    r = await api.act(disclosure["id"], "draft-decision", {"outcome": "full", "disclosure_on": soon(),
                                                           "recipients": [RECIPIENT]}, "shinsa")
    assert r.status_code == 422 and "第97条" in r.text
    case = await register(api, "personal_info_correction", disclosed_on=(today() - timedelta(days=5)).isoformat())
    r = await api.act(case["id"], "draft-decision", {"outcome": "non_disclosure", "reason_text": "事実に合致",
                                                     "recipients": [RECIPIENT]}, "shinsa")
    assert r.status_code == 422 and "第97条" in r.text  # 訂正しない: nothing to tell
    content = "住所「小金井市本町一丁目」を「小金井市本町六丁目」に訂正"
    decided = await decide(api, case["id"], {"outcome": "full", "reason_text": content,
                                             "recipients": [RECIPIENT, RECIPIENT | {"name": "東京都知事"}]})
    types = [n["type"] for n in decided["notices"]]
    assert types.count("pi_correction_granted") == 1 and types.count("pi_correction_recipient_notice") == 2
    shown = decided["decisions"][0]["recipients"]
    assert [p["name"] for p in shown] == [RECIPIENT["name"], "東京都知事"]
    notice = [n for n in decided["notices"] if n["type"] == "pi_correction_recipient_notice"][0]
    text = await pdf_text(api, notice, "pi_correction_recipient_notice")
    for needle in ("保有個人情報の訂正について（通知）", "個人情報の保護に関する法律第97条の規定により通知します",
                   "訂正決定に基づく保有個人情報の訂正を実施した", content, "私の児童手当認定に関する記録",
                   "山田太郎", "第93条第1項", RECIPIENT["name"], "府中市寿町1-1-1"):
        assert needle in text, needle
    assert "教示" not in text
    timeline = str(await api.events(case["id"]))  # the event store holds party ids, never the recipients' names
    assert RECIPIENT["name"] not in timeline and "府中市寿町" not in timeline
    front = (await api.http.get(f"/api/v1/requests/{case['id']}", headers=api.as_("madoguchi"))).json()
    assert front["decisions"][0]["recipients"][0]["party_id"].startswith("P-")


async def test_the_ruling_on_a_self_information_decision_is_in_the_words_of_the_act(api: Api) -> None:
    case = await register(api, "personal_info_correction", disclosed_on=(today() - timedelta(days=5)).isoformat())
    await decide(api, case["id"], {"outcome": "non_disclosure", "reason_text": "記載は事実に合致しているため"})
    r = await api.http.post(f"/api/v1/requests/{case['id']}/appeals", json={"grounds": "訂正を求める"},
                            headers=api.as_("madoguchi"))
    appeal = r.json()["id"]
    council = {"record-session", "adopt-report"}

    async def act(action: str, body: dict, who: str = "johokokai") -> dict:
        prefix = "council/referrals" if action in council else "appeals"
        r = await api.http.post(f"/api/v1/{prefix}/{appeal}/{action}", json=body, headers=api.as_(who))
        assert r.status_code == 200, r.text
        return r.json()

    held = today().isoformat()
    await act("refer-to-council", {})
    await act("record-session", {"held_on": held, "present": ["m1", "m2", "m3"]}, "shingikai")
    await act("adopt-report", {"adopted_on": held, "conclusion": "uphold", "text": "原処分は妥当", "votes_for": 3},
              "shingikai")
    ruled = await act("record-ruling", {"ruling": "rejected", "text": "記載は事実に合致している。"})
    notice = [n for n in ruled["notices"] if n["type"] == "ruling"][0]
    text = await pdf_text(api, notice, "ruling")
    for needle in ("本件審査請求を棄却する", "個人情報の保護に関する法律（平成15年法律第57号）に基づく保有個人情報訂正請求",
                   "個人情報の保護に関する法律第105条第3項において準用する同条第1項の規定により",
                   "第93条第2項の規定により行った保有個人情報訂正決定等（訂正しない", "原処分（処分庁が", "教示"):
        assert needle in text, needle
    assert "公文書" not in text and "情報公開条例" not in text
