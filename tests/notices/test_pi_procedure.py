"""The APPI procedural notices of a self-information request: 補正 (第77条③), 移送 (第85条 / 第96条), the third
party's 意見照会 (第86条①②) and, to one who objected, the disclosure decision (第86条③, with 教示); the
disclosure table in the words of the Act; the 諮問通知書 of an appeal on a self-information decision (第105条③,
第106条②)."""

from __future__ import annotations

from activities.notices import render
from activities.notices.types import CHALLENGE_TYPES

from .factories import notice_data
from .helpers import pdf_text

APPI = "個人情報の保護に関する法律"


def _text(notice_type: str, data: dict | None = None) -> str:
    return pdf_text(render(notice_type, data or notice_data(notice_type)).pdf)


def test_correction_request_cites_article_77_and_stops_the_clock() -> None:
    text = _text("pi_correction_request")
    for needle in ("保有個人情報開示請求書の補正について", f"{APPI}第77条第3項", "補正を求める事項", "算入されません"):
        assert needle in text, needle
    assert "公文書" not in text and "教示" not in text


def test_transfer_names_the_body_and_the_article() -> None:
    text = _text("pi_transfer")
    for needle in ("保有個人情報開示請求事案移送通知書", f"{APPI}第85条第1項", "移送先", "東京都知事",
                   "みなされます"):
        assert needle in text, needle
    assert "公開請求" not in text and "公文書" not in text


def test_third_party_notices_do_not_reveal_what_the_person_asked() -> None:
    opinion = notice_data("pi_third_party_opinion_request")
    text = _text("pi_third_party_opinion_request", opinion)
    assert f"{APPI}第86条第1項" in text and "意見書の提出期限" in text and "氏名等はお知らせできません" in text
    assert opinion["request"]["subject"] not in text.replace(" ", "")  # the subject describes the requester
    assert "教示" not in text
    decided = notice_data("pi_third_party_disclosure_notice")
    text = _text("pi_third_party_disclosure_notice", decided)
    assert "pi_third_party_disclosure_notice" in CHALLENGE_TYPES
    for needle in (f"{APPI}第86条第3項", "開示を実施する日", "少なくとも2週間", "教示", "第105条第3項", "執行停止"):
        assert needle in text, needle
    assert decided["request"]["subject"] not in text.replace(" ", "")


def test_the_disclosure_table_speaks_of_kaiji_not_koukai() -> None:
    text = _text("pi_disclosure_full")
    assert "開示の日時" in text and "開示の場所" in text and "公開の日時" not in text
    assert "公開の日時" in _text("decision_full")  # the public-records form keeps its words


def test_referral_notice_of_a_self_information_appeal_cites_article_105() -> None:
    plain = notice_data("referral_notice")
    before = render("referral_notice", plain).html
    assert "の規定により、次のとおり小金井市情報公開・個人情報保護審査会に諮問したので通知します。" in before
    appi = {**plain, "basis": f"{APPI}第106条第2項において準用する同条第1項",
            "referral": {**plain["referral"], "basis": f"{APPI}第105条第3項において準用する同条第1項"}}
    text = _text("referral_notice", appi)
    assert f"{APPI}第105条第3項において準用する同条第1項の規定により" in text
    assert f"{APPI}第106条第2項において準用する同条第1項の規定により通知します" in text


def test_a_grant_on_a_self_information_appeal_discloses_not_publishes() -> None:
    from activities.notice_data_pi import ruling_main_text

    data = notice_data("ruling")
    data["ruling"] = {**data["ruling"], "outcome": "granted",
                      "main_text": ruling_main_text("personal_info_disclosure", "granted")}
    text = _text("ruling", data)
    assert "審査請求に係る保有個人情報を開示する" in text
    assert ruling_main_text("personal_info_correction", "partly_granted").endswith("保有個人情報を訂正する。")
    assert ruling_main_text("personal_info_suspension", "rejected") is None
