"""請求者の区分: the suggestion from address and requester type, and events from before categories."""

from __future__ import annotations

import pytest

from domain.errors import Refusal
from domain.profile import load_profile
from domain.requests.categories import requester_category, suggest_category
from domain.requests.evolve import fold

KOGANEI = load_profile("koganei")


@pytest.mark.parametrize(("address", "kind", "expected"), [
    ("東京都小金井市本町6-6-3", "individual", "resident"),
    ("小金井市貫井北町", "corporation", "local_corporation"),
    ("東京都国分寺市本町", "individual", "nonresident"),
    ("大阪府大阪市北区", "corporation", "other_corporation"),
    ("東京都小金井市本町６－６－３", "individual", "resident"),  # full-width digits
])
def test_the_suggestion_follows_the_address_and_the_requester_type(address: str, kind: str, expected: str) -> None:
    category = suggest_category(KOGANEI, address, kind)
    assert category is not None and category.code == expected


def test_a_given_code_is_checked_against_the_profile() -> None:
    assert requester_category(KOGANEI, "nonresident", "小金井市", "individual") == "nonresident"
    assert requester_category(KOGANEI, None, "小金井市", "individual") == "resident"
    with pytest.raises(Refusal) as exc:
        requester_category(KOGANEI, "tourist", "小金井市", "individual")
    assert exc.value.code == "invalid" and "tourist" in exc.value.message


def test_a_receipt_recorded_before_categories_folds_to_none() -> None:
    old = {"case_id": "R-2025-00001", "kind": "public_records", "department": "toshi", "received_on": "2025-04-01",
           "rules": {}, "decision_due": "2025-04-15", "work_due": "2025-04-15"}
    assert fold([("RequestReceived", old)]).requester_category is None
    assert fold([("RequestReceived", old | {"requester_category": "resident"})]).requester_category == "resident"
