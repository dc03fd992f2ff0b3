from __future__ import annotations

import re

import pytest

from activities.notices import NOTICE_TYPES, NoticeDataError, render, render_html, render_pdf

from .factories import notice_data


def _without(data: dict, path: str) -> dict:
    node = data
    parts = path.split(".")
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    last = parts[-1]
    if isinstance(node, list):
        node.pop(int(last))
    else:
        del node[last]
    return data


def test_unknown_type() -> None:
    with pytest.raises(NoticeDataError, match="unknown notice type 'decision_maybe'"):
        render("decision_maybe", {})


def test_data_must_be_a_dict() -> None:
    with pytest.raises(NoticeDataError, match="must be a dict"):
        render_html("receipt", ["not", "a", "dict"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("notice_type", "path", "named"),
    [
        ("receipt", "number", "'number'"),
        ("receipt", "issued_on", "'issued_on'"),
        ("receipt", "addressee.name", "'addressee.name'"),
        ("receipt", "request.received_on", "'request.received_on'"),
        ("correction_request", "correction.respond_by", "'correction.respond_by'"),
        ("extension", "extension.new_due", "'extension.new_due'"),
        ("large_volume_extension", "extension.final_due", "'extension.final_due'"),
        ("transfer", "transfer.to", "'transfer.to'"),
        ("third_party_opinion_request", "third_party.respond_by", "'third_party.respond_by'"),
        ("third_party_disclosure_notice", "third_party.disclosure_on", "'third_party.disclosure_on'"),
        ("third_party_disclosure_notice", "challenge", "'challenge'"),
        ("decision_full", "disclosure.place", "'disclosure.place'"),
        ("decision_full", "basis", "'basis'"),
        ("decision_partial", "exemptions", "'exemptions'"),
        ("decision_partial", "exemptions.1.reason", "'exemptions[1].reason'"),
        ("decision_partial", "challenge.suit_months", "'challenge.suit_months'"),
        ("decision_partial", "documents.0.title", "'documents[0].title'"),
        ("decision_ncnd", "reason_text", "'reason_text'"),
        ("decision_dismissed", "reason_text", "'reason_text'"),
        ("appeal_correction_order", "appeal.target", "'appeal.target'"),
        ("referral_notice", "referral.council", "'referral.council'"),
        ("ruling", "ruling.reasons", "'ruling.reasons'"),
        ("ruling", "addressee.address", "'addressee.address'"),
    ],
)
def test_missing_field_is_named(notice_type: str, path: str, named: str) -> None:
    data = _without(notice_data(notice_type), path)
    with pytest.raises(NoticeDataError, match=re.escape(f"missing required field {named}")):
        render(notice_type, data)
    with pytest.raises(NoticeDataError, match=re.escape(named)):
        render_pdf(notice_type, data)


@pytest.mark.parametrize("notice_type", list(NOTICE_TYPES))
def test_every_type_needs_the_common_fields(notice_type: str) -> None:
    for key in ("number", "issued_on", "addressee", "issuer", "department", "case_id"):
        data = notice_data(notice_type)
        del data[key]
        with pytest.raises(NoticeDataError, match=f"'{key}'"):
            render_html(notice_type, data)


@pytest.mark.parametrize(
    ("notice_type", "change", "message"),
    [
        ("receipt", {"issued_on": "17/03/2025"}, "'issued_on' must be an ISO date"),
        ("receipt", {"number": "  "}, "'number' must be a non-empty string"),
        ("receipt", {"addressee": "山田 太郎"}, "'addressee' must be an object"),
        ("decision_partial", {"exemptions": []}, "'exemptions' must be a non-empty list"),
        ("decision_partial", {"outcome": "full"}, "'outcome' must be one of partial"),
        (
            "decision_full",
            {"request": {"received_on": "2025-03-03", "subject": "x", "kind": "personal_info_disclosure"}},
            "'request.kind'",
        ),
        (
            "decision_non_disclosure",
            {"non_disclosure_ground": "lost"},
            "'non_disclosure_ground' must be one of",
        ),
        (
            "ruling",
            {"ruling": {"outcome": "won", "ruled_on": "2025-09-30", "reasons": "r"}},
            "'ruling.outcome'",
        ),
        (
            "ruling",
            {"ruling": {"outcome": "granted", "ruled_on": "2025-09-30", "reasons": "r"}},
            "'ruling.main_text'",
        ),
    ],
)
def test_malformed_values(notice_type: str, change: dict, message: str) -> None:
    data = notice_data(notice_type) | change
    with pytest.raises(NoticeDataError, match=re.escape(message)):
        render(notice_type, data)


def test_challenge_numbers_must_be_integers() -> None:
    data = notice_data("decision_dismissed")
    data["challenge"]["appeal_months"] = "3"
    with pytest.raises(NoticeDataError, match="'challenge.appeal_months' must be a non-negative integer"):
        render("decision_dismissed", data)


def test_fee_must_be_an_integer() -> None:
    data = notice_data("decision_full")
    data["disclosure"]["fee_yen"] = 12.5
    with pytest.raises(NoticeDataError, match="'disclosure.fee_yen'"):
        render("decision_full", data)


def test_exempt_non_disclosure_needs_exemptions() -> None:
    data = notice_data("decision_non_disclosure")
    del data["exemptions"]
    with pytest.raises(NoticeDataError, match="missing required field 'exemptions'"):
        render("decision_non_disclosure", data)


def test_not_held_needs_reason_text() -> None:
    data = notice_data("decision_non_disclosure") | {"non_disclosure_ground": "not_held"}
    with pytest.raises(NoticeDataError, match="'reason_text'"):
        render("decision_non_disclosure", data)
