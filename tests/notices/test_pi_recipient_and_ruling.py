"""APPI 第97条: the notice to a recipient of corrected information (提供先への通知); and the 裁決書 of an appeal on a
self-information decision, whose 原処分, 理由 and 教示 speak of the Act (第93条, 第105条③), while a public-records
ruling reads as it did."""

from __future__ import annotations

import pytest

from activities import notice_data
from activities.notices import NoticeDataError, render, render_html
from domain.profile import load_profile
from store.parties import Party

from .factories import notice_data as factory
from .helpers import pdf_text

APPI = "個人情報の保護に関する法律"
PROFILE = load_profile("koganei")


def test_recipient_notice_cites_article_97_and_says_what_was_corrected() -> None:
    data = factory("pi_correction_recipient_notice")
    text = pdf_text(render("pi_correction_recipient_notice", data).pdf)
    for needle in ("保有個人情報の訂正について（通知）", "さきに提供した保有個人情報について",
                   "訂正決定に基づく保有個人情報の訂正を実施したので", f"{APPI}第97条の規定により通知します",
                   "訂正に係る保有個人情報の本人", "山田太郎", "児童手当受給資格記録中の住所",
                   "令和7年3月28日", f"{APPI}第93条第1項の規定による訂正決定",
                   "住所「小金井市本町一丁目」を「小金井市本町六丁目」に訂正", "多摩地域児童福祉事務組合様"):
        assert needle in text, needle
    assert "教示" not in text and "公文書" not in text  # the recipient is no party to the decision


@pytest.mark.parametrize("kind", ["public_records", "personal_info_disclosure"])
def test_recipient_notice_is_a_correction_requests_only(kind: str) -> None:
    data = factory("pi_correction_recipient_notice")
    data["request"]["kind"] = kind
    with pytest.raises(NoticeDataError, match="request.kind"):
        render_html("pi_correction_recipient_notice", data)


def test_recipient_notice_data_from_the_decision() -> None:
    case = {"case_id": "R-2026-00012", "kind": "personal_info_correction", "department": "toshi",
            "received_on": "2026-04-01", "subject": "住所の訂正", "preferred_method": "viewing",
            "decisions": [{"decision_id": "R-2026-00012-D1", "outcome": "partial", "decided_on": "2026-04-20",
                           "reason_text": "住所のみ訂正", "recipients": ["P-7"]}]}
    recipient = Party("P-7", "recipient", "corporation", "多摩地域児童福祉事務組合", "府中市寿町1-1-1")
    data = notice_data.build("pi_correction_recipient_notice", number="x 第1号", issued_on="2026-04-20", case=case,
                             event={}, addressee=recipient, profile=PROFILE, decision_id="R-2026-00012-D1",
                             person="山田 太郎")
    assert data["addressee"]["name"] == "多摩地域児童福祉事務組合"
    assert data["basis"] == f"{APPI}第97条" and data["outcome_label"] == "一部訂正する"
    assert data["corrected"] == {"decided_on": "2026-04-20", "content": "住所のみ訂正", "person": "山田 太郎",
                                 "decision_basis": f"{APPI}第93条第1項"}
    assert "住所のみ訂正" in pdf_text(render("pi_correction_recipient_notice", data).pdf)


APPEAL = {"appeal_id": "A-2026-003", "request_id": "R-2026-00012", "kind": "decision", "department": "toshi",
          "filed_on": "2026-05-01", "referred_on": "2026-05-08",
          "decision": {"outcome": "non_disclosure", "decided_on": "2026-04-20", "decision_id": "R-2026-00012-D1"},
          "report": {"adopted_on": "2026-07-10", "text": "原処分は妥当である。"}}
APPELLANT = Party("P-1", "requester", "individual", "山田 太郎", "小金井市本町6-6-3")


def _ruling(request_kind: str | None, **event) -> str:
    ev = {"ruling": "rejected", "ruled_on": "2026-07-31", "text": "記載は事実に合致している。", "referred": True} | event
    data = notice_data.build_appeal("ruling", number="小総情第52号", issued_on="2026-07-31", appeal=APPEAL, event=ev,
                                    addressee=APPELLANT, profile=PROFILE, request_kind=request_kind)
    return pdf_text(render("ruling", data).pdf)


def test_ruling_on_a_self_information_decision_in_the_words_of_the_act() -> None:
    text = _ruling("personal_info_correction")
    for needle in (f"{APPI}（平成15年法律第57号）に基づく保有個人情報訂正請求（R-2026-00012）に係る処分について",
                   "行政不服審査法（平成26年法律第68号）の規定により行われたものである",
                   f"{APPI}第105条第3項において準用する同条第1項の規定により、令和8年5月8日に",
                   "審査会に諮問し、令和8年7月10日にその答申を受けた",
                   f"処分庁が令和8年4月20日付けで{APPI}第93条第2項の規定により行った保有個人情報訂正決定等"
                   "（訂正しない、R-2026-00012-D1）",
                   "原処分（処分庁が令和8年4月20日付けで", "記載は事実に合致している", "裁決の取消しの訴え"):
        assert needle in text, needle
    assert "公文書" not in text and "情報公開条例" not in text


def test_a_ruling_without_referral_says_why_under_the_act() -> None:
    text = _ruling("personal_info_disclosure", ruling="dismissed", referred=False)
    assert "審査請求が不適法であり却下する場合であるため" in text and "諮問を経ていない" in text
    assert "保有個人情報開示決定等" in text


def test_a_public_records_ruling_reads_as_before() -> None:
    text = _ruling(None)
    assert "R-2026-00012に対する決定" in text  # 審査請求に係る処分 and the 原処分 of the 教示
    assert APPI not in text and "保有個人情報" not in text and "第105条" not in text
