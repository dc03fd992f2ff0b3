"""費用負担: the fee of a disclosure from the profile's table; 減免 with a reason; old events still fold."""

from __future__ import annotations

import pytest

from domain.errors import Refusal
from domain.fees import describe, disclosure_fee
from domain.profile import load_profile
from domain.requests.evolve import fold

TABLE = load_profile("koganei").fees.table()


def test_copies_by_page_and_colour_media_and_postage() -> None:
    fee = disclosure_fee(TABLE, method="copy", pages=20, colour_pages=5, postage_yen=140)
    assert fee.computed_yen == fee.charged_yen == 15 * 10 + 5 * 20 + 140
    assert [(ln.label, ln.quantity, ln.unit_yen) for ln in fee.lines] == [
        ("写し（単色）", 15, 10), ("写し（カラー）", 5, 20), ("郵送料", 1, 140)]
    assert disclosure_fee(TABLE, method="electronic", media=2).computed_yen == 2 * TABLE.electronic_media_yen
    assert disclosure_fee(TABLE, method="viewing", pages=300).computed_yen == 0  # viewing is free


def test_a_reduction_needs_a_reason_and_more_than_the_table_is_refused() -> None:
    with pytest.raises(Refusal, match="200"):
        disclosure_fee(TABLE, method="copy", pages=20, charged_yen=999)
    with pytest.raises(Refusal, match="reduction_reason"):
        disclosure_fee(TABLE, method="copy", pages=20, charged_yen=100)
    fee = disclosure_fee(TABLE, method="copy", pages=20, charged_yen=100, reduction_reason="公益目的のため半額")
    assert (fee.computed_yen, fee.charged_yen, fee.reduction_reason) == (200, 100, "公益目的のため半額")
    assert disclosure_fee(TABLE, method="copy", pages=3, reduction_reason="不要").reduction_reason == ""


def test_a_disclosed_event_from_before_the_fee_table_still_folds() -> None:
    received = {"case_id": "R-2025-00001", "kind": "public_records", "department": "toshi",
                "received_on": "2025-04-01", "rules": {}, "decision_due": "2025-04-15", "work_due": "2025-04-15"}
    old = {"executed_on": "2025-04-10", "method": "copy", "pages": 12, "fee_yen": 120}
    case = fold([("RequestReceived", received), ("Disclosed", old)])
    assert case.status == "disclosed" and case.disclosed_on == "2025-04-10" and case.disclosure_fee is None
    assert describe(old) == "手数料 120円"
