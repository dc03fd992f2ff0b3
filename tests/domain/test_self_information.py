"""APPI self-information rules (domain/self_information.py): outcomes, identity, the 90-day window."""

from datetime import date

import pytest

from domain import self_information as si
from domain.calendar import BusinessCalendar
from domain.errors import Refusal

CAL = BusinessCalendar(())


def test_each_kind_has_its_own_outcomes() -> None:
    si.check_outcome(si.DISCLOSURE, "neither_confirm_nor_deny", None, ["78-1-2"])
    with pytest.raises(Refusal, match="訂正しない"):
        si.check_outcome(si.CORRECTION, "neither_confirm_nor_deny", None, [])
    with pytest.raises(Refusal, match="不存在"):
        si.check_outcome(si.SUSPENSION, "non_disclosure", "not_held", [])
    assert si.outcome_label(si.DISCLOSURE, "non_disclosure", "not_held") == "不存在"
    assert si.outcome_label(si.CORRECTION, "full") == "訂正する"
    assert si.outcome_label(si.SUSPENSION, "non_disclosure") == "利用停止しない"


def test_clauses_follow_the_law_of_the_request() -> None:
    with pytest.raises(Refusal, match="第78条"):
        si.check_outcome(si.DISCLOSURE, "partial", None, ["9-2"])
    with pytest.raises(Refusal, match="公文書公開請求"):
        si.check_outcome("public_records", "partial", None, ["78-1-2"])
    si.check_outcome("public_records", "partial", None, ["9-2"])


def test_identity_is_required_and_a_representative_shows_authority() -> None:
    with pytest.raises(Refusal, match="第77条第2項"):
        si.check_identity(si.DISCLOSURE, None)
    si.check_identity(si.DISCLOSURE, si.Identity("self", "drivers_licence"))
    with pytest.raises(Refusal, match="代理権"):
        si.check_identity(si.CORRECTION, si.Identity("agent", "passport"))
    si.check_identity(si.CORRECTION, si.Identity("agent", "passport", "power_of_attorney"))
    with pytest.raises(Refusal):
        si.check_identity("public_records", si.Identity("self", "passport"))
    assert si.Identity("legal_representative", "my_number_card", "family_register").labels() == {
        "presenter": "法定代理人", "document": "個人番号カード", "authority_document": "戸籍謄本・戸籍抄本"}


def test_filing_window_is_90_days_after_the_disclosure_rolled_to_an_open_day() -> None:
    # 2025-06-02 + 90 = 2025-08-31 (Sunday) → 2025-09-01 (地方自治法4条の2④)
    end = si.filing_window_end(date(2025, 6, 2), CAL, si.CORRECTION)
    assert end.value == date(2025, 9, 1) and end.explanation.article == "個人情報保護法第90条第3項"
    assert si.filing_window_end(date(2025, 6, 2), CAL, si.SUSPENSION).explanation.article.endswith("第98条第3項")
    si.check_filing(si.CORRECTION, received_on=date(2025, 9, 1), disclosed_on=date(2025, 6, 2), calendar=CAL)
    with pytest.raises(Refusal, match="90日以内"):
        si.check_filing(si.CORRECTION, received_on=date(2025, 9, 2), disclosed_on=date(2025, 6, 2), calendar=CAL)
    with pytest.raises(Refusal, match="開示を受けた日"):
        si.check_filing(si.SUSPENSION, received_on=date(2025, 9, 1), disclosed_on=None, calendar=CAL)
    with pytest.raises(Refusal, match="measure"):
        si.check_filing(si.SUSPENSION, received_on=date(2025, 7, 1), disclosed_on=date(2025, 6, 2), calendar=CAL)
    si.check_filing(si.SUSPENSION, received_on=date(2025, 7, 1), disclosed_on=date(2025, 6, 2), calendar=CAL,
                    measure="erase")


def test_decision_notices_per_kind() -> None:
    assert si.decision_notice(si.DISCLOSURE, "neither_confirm_nor_deny") == "pi_disclosure_refusal"
    assert si.decision_notice(si.CORRECTION, "non_disclosure") == "pi_correction_refused"
    assert si.decision_notice(si.SUSPENSION, "full") == "pi_suspension_granted"
