"""Which data keys each notice type needs, and the check that names what is missing.

A field spec is ``"path:kind"``; a trailing ``?`` makes it optional (type-checked
when present). ``[]`` after a list name applies the rest of the path to every
item: ``"exemptions[].article:str"``. Kinds: ``str`` (non-blank), ``date`` (ISO
``YYYY-MM-DD``), ``int`` (>= 0), ``list`` (non-empty), ``dict``, ``bool``.
The keys themselves are documented in ``activities/notices/__init__.py``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .types import CHALLENGE_TYPES, NOTICE_TYPES, PI_TYPES, NoticeDataError

PI_KINDS = ("personal_info_disclosure", "personal_info_correction", "personal_info_suspension")

__all__ = ["FIELDS", "validate"]

_COMMON = (
    "number:str",
    "issued_on:date",
    "addressee:dict",
    "addressee.name:str",
    "addressee.address:str?",
    "addressee.honorific:str?",
    "issuer:str",
    "department:dict",
    "department.name:str",
    "department.code:str?",
    "department.phone:str?",
    "case_id:str",
    "title:str?",
)
_REQUEST = ("request:dict", "request.received_on:date", "request.subject:str", "request.kind:str?")
_CHALLENGE = (
    "challenge:dict",
    "challenge.appeal_months:int",
    "challenge.appeal_max_years:int",
    "challenge.suit_months:int",
    "challenge.suit_max_years:int",
    "challenge.appeal_to:str",
    "challenge.suit_defendant:str",
    "challenge.suit_representative:str",
)
_DOCUMENTS = ("documents:list", "documents[].title:str", "documents[].disclosure:str?")
_EXEMPTIONS = (
    "exemptions:list",
    "exemptions[].clause:str",
    "exemptions[].article:str",
    "exemptions[].label:str",
    "exemptions[].reason:str",
    "exemptions[].parts:str?",
    "exemptions[].lapses_on:date?",
)
_DISCLOSURE = (
    "disclosure:dict",
    "disclosure.on:date",
    "disclosure.time:str",
    "disclosure.place:str",
    "disclosure.method:str",
    "disclosure.fee_yen:int?",
    "disclosure.fee_note:str?",
)
_APPEAL = (
    "appeal:dict",
    "appeal.id:str",
    "appeal.filed_on:date",
    "appeal.target:str",
    "appeal.appellant:str?",
)
# A self-information decision (個人情報の保護に関する法律 第82条, 第93条, 第101条): outcome_label is the
# decision in the words of the Act (開示 / 一部開示 / 不開示 / 不存在 / 存否応答拒否 / 訂正する …).
_PI = (
    "basis:str",
    *_REQUEST,
    "request.kind:str",
    "request.measure:str?",
    "outcome:str?",
    "outcome_label:str",
    "reason_text:str?",
    "challenge.council:str?",
    "challenge.referral_basis:str?",
)
_DECISION = ("basis:str", "ordinance:str?", "outcome:str?", "reason_text:str?", *_REQUEST)

FIELDS: dict[str, tuple[str, ...]] = {
    "receipt": (*_REQUEST, "request.method:str?", "request.channel:str?", "decision_due:date?"),
    "correction_request": (
        "basis:str",
        *_REQUEST,
        "correction:dict",
        "correction.what:str",
        "correction.respond_by:date",
    ),
    "extension": (
        "basis:str",
        *_REQUEST,
        "extension:dict",
        "extension.old_due:date",
        "extension.new_due:date",
        "extension.reason:str",
    ),
    "large_volume_extension": (
        "basis:str",
        *_REQUEST,
        "extension:dict",
        "extension.old_due:date",
        "extension.new_due:date",
        "extension.final_due:date",
        "extension.reason:str",
        "extension.part:str?",
    ),
    "transfer": (
        "basis:str",
        *_REQUEST,
        "transfer:dict",
        "transfer.to:str",
        "transfer.on:date",
        "transfer.reason:str",
        "transfer.contact:str?",
    ),
    "third_party_opinion_request": (
        "basis:str",
        *_REQUEST,
        "documents[].title:str?",
        "third_party:dict",
        "third_party.information:str",
        "third_party.respond_by:date",
        "third_party.public_interest_reason:str?",
    ),
    "third_party_disclosure_notice": (
        "basis:str",
        *_REQUEST,
        "documents[].title:str?",
        "third_party:dict",
        "third_party.information:str",
        "third_party.decided_on:date",
        "third_party.disclosure_on:date",
        "third_party.reason:str",
        "third_party.opinion_received_on:date?",
    ),
    "decision_full": (*_DECISION, *_DOCUMENTS, *_DISCLOSURE),
    "decision_partial": (*_DECISION, *_DOCUMENTS, *_EXEMPTIONS, *_DISCLOSURE),
    # exemptions / reason_text are required by ground: see _check_non_disclosure.
    "decision_non_disclosure": (
        *_DECISION,
        "non_disclosure_ground:str",
        "documents[].title:str?",
        *(f"{f}?" for f in _EXEMPTIONS),
    ),
    "decision_ncnd": (*_DECISION, *_EXEMPTIONS, "reason_text:str"),
    "decision_dismissed": (*_DECISION, "reason_text:str"),
    "pi_receipt": (
        "basis:str",
        *_REQUEST,
        "request.method:str?",
        "request.channel:str?",
        "request.measure:str?",
        "request.disclosed_on:date?",
        "decision_due:date?",
        "identity:dict?",
        "identity.presenter:str?",
        "identity.document:str?",
        "identity.authority_document:str?",
    ),
    "pi_extension": (
        "basis:str",
        *_REQUEST,
        "extension:dict",
        "extension.old_due:date",
        "extension.new_due:date",
        "extension.reason:str",
    ),
    "pi_large_volume_extension": (
        "basis:str",
        *_REQUEST,
        "extension:dict",
        "extension.old_due:date",
        "extension.new_due:date",
        "extension.final_due:date",
        "extension.reason:str",
    ),
    "pi_disclosure_full": (*_PI, *_DOCUMENTS, *_DISCLOSURE),
    "pi_disclosure_partial": (*_PI, *_DOCUMENTS, *_EXEMPTIONS, *_DISCLOSURE),
    "pi_disclosure_refusal": (*_PI, "documents[].title:str?", *(f"{f}?" for f in _EXEMPTIONS)),
    "pi_correction_granted": (*_PI, "challenge:dict?"),
    "pi_correction_refused": (*_PI, "reason_text:str"),
    "pi_suspension_granted": (*_PI, "challenge:dict?"),
    "pi_suspension_refused": (*_PI, "reason_text:str"),
    "pi_dismissed": (*_PI, "reason_text:str"),
    "pi_correction_request": (
        "basis:str",
        *_REQUEST,
        "correction:dict",
        "correction.what:str",
        "correction.respond_by:date",
    ),
    "pi_transfer": (
        "basis:str",
        *_REQUEST,
        "transfer:dict",
        "transfer.to:str",
        "transfer.on:date",
        "transfer.reason:str",
        "transfer.contact:str?",
    ),
    "pi_third_party_opinion_request": (
        "basis:str",
        *_REQUEST,
        "documents[].title:str?",
        "third_party:dict",
        "third_party.information:str",
        "third_party.respond_by:date",
    ),
    "pi_third_party_disclosure_notice": (
        "basis:str",
        *_REQUEST,
        "documents[].title:str?",
        "third_party:dict",
        "third_party.information:str",
        "third_party.decided_on:date",
        "third_party.disclosure_on:date",
        "third_party.reason:str",
        "third_party.opinion_received_on:date?",
    ),
    # 第97条: to a party the corrected information had been provided to (提供先); no 教示 (not a party to it)
    "pi_correction_recipient_notice": (
        "basis:str",
        *_REQUEST,
        "request.kind:str",
        "outcome_label:str",
        "corrected:dict",
        "corrected.decided_on:date",
        "corrected.content:str",
        "corrected.person:str?",
        "corrected.decision_basis:str?",
    ),
    "appeal_correction_order": (
        "basis:str?",
        *_APPEAL,
        "correction:dict",
        "correction.what:str",
        "correction.respond_by:date",
    ),
    "referral_notice": (
        "basis:str",
        *_APPEAL,
        "referral:dict",
        "referral.council:str",
        "referral.referred_on:date",
        "referral.number:str?",
        "referral.basis:str?",  # the 諮問 article when it is not the notice's (APPI 105③ for self-information)
    ),
    "ruling": (
        *_APPEAL,
        "addressee.address:str",
        "ruling:dict",
        "ruling.outcome:str",
        "ruling.ruled_on:date",
        "ruling.main_text:str?",
        "ruling.scope:str?",
        "ruling.summary:str?",
        "ruling.arguments:str?",
        "ruling.reasons:str",
        "ruling.council_report:str?",
        # an appeal on a self-information decision (APPI): the 原処分 in the Act's words and the 理由's opening
        "ruling.original:str?",
        "ruling.premise:list?",
        "ruling.premise[]:str",
    ),
}

_OUTCOMES = {
    "decision_full": "full",
    "decision_partial": "partial",
    "decision_non_disclosure": "non_disclosure",
    "decision_ncnd": "neither_confirm_nor_deny",
    "decision_dismissed": "dismissed",
}
RULING_OUTCOMES = ("dismissed", "rejected", "granted", "partly_granted")
DISCLOSURE_VALUES = ("full", "partial", "none")
_MISSING = object()


def validate(notice_type: str, data: Any) -> None:
    """Raise NoticeDataError naming the first missing or malformed field."""
    if notice_type not in NOTICE_TYPES:
        known = ", ".join(NOTICE_TYPES)
        raise NoticeDataError(f"unknown notice type {notice_type!r} (known: {known})")
    if not isinstance(data, dict):
        raise NoticeDataError(f"{notice_type}: data must be a dict, got {type(data).__name__}")
    specs = _COMMON + FIELDS[notice_type] + (_CHALLENGE if notice_type in CHALLENGE_TYPES else ())
    for spec in specs:
        _check(notice_type, data, spec)
    _check_enums(notice_type, data)


def _check(notice_type: str, data: dict[str, Any], spec: str) -> None:
    path, kind = spec.rsplit(":", 1)
    optional = kind.endswith("?")
    kind = kind.rstrip("?")
    for where, value in _resolve(data, path.split("."), ""):
        if value is _MISSING or value is None:
            if not optional:
                raise NoticeDataError(f"{notice_type}: missing required field {where!r}")
            continue
        problem = _kind_problem(kind, value)
        if problem:
            raise NoticeDataError(f"{notice_type}: field {where!r} {problem}")


def _resolve(node: Any, parts: list[str], prefix: str) -> list[tuple[str, Any]]:
    """(dotted path with indices, value or _MISSING) for every match of ``parts``."""
    if not parts:
        return [(prefix, node)]
    head, rest = parts[0], parts[1:]
    name, is_each = (head[:-2], True) if head.endswith("[]") else (head, False)
    where = f"{prefix}.{name}" if prefix else name
    if not isinstance(node, dict):
        return [(where, _MISSING)]
    value = node.get(name, _MISSING)
    if not is_each:
        return _resolve(value, rest, where) if rest and value not in (_MISSING, None) else [(where, value)]
    if value is _MISSING or value is None:
        return []  # the list itself is checked by its own spec
    if not isinstance(value, list):
        return [(where, value)] if not rest else [(where, _MISSING)]
    found: list[tuple[str, Any]] = []
    for i, item in enumerate(value):
        found.extend(_resolve(item, rest, f"{where}[{i}]"))
    return found


def _kind_problem(kind: str, value: Any) -> str | None:
    if kind == "str":
        return None if isinstance(value, str) and value.strip() else "must be a non-empty string"
    if kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        return None if ok else "must be a non-negative integer"
    if kind == "bool":
        return None if isinstance(value, bool) else "must be true or false"
    if kind == "dict":
        return None if isinstance(value, dict) else "must be an object"
    if kind == "list":
        return None if isinstance(value, list) and value else "must be a non-empty list"
    if kind == "date":
        try:
            date.fromisoformat(value)
        except (TypeError, ValueError):
            return f"must be an ISO date (YYYY-MM-DD), got {value!r}"
        return None
    raise AssertionError(f"unknown field kind {kind!r}")


def _one_of(notice_type: str, where: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise NoticeDataError(
            f"{notice_type}: field {where!r} must be one of {', '.join(allowed)}; got {value!r}"
        )


def _check_enums(notice_type: str, data: dict[str, Any]) -> None:
    kind = (data.get("request") or {}).get("kind", "public_records")
    if notice_type in PI_TYPES:
        _one_of(notice_type, "request.kind", kind, PI_KINDS)
        if notice_type == "pi_correction_recipient_notice":  # 第97条: a correction request's only
            _one_of(notice_type, "request.kind", kind, ("personal_info_correction",))
        if notice_type in CHALLENGE_TYPES:
            for spec in ("challenge.council:str", "challenge.referral_basis:str"):
                _check(notice_type, data, spec)
    elif notice_type != "receipt" and "request" in data and kind != "public_records":
        raise NoticeDataError(
            f"{notice_type}: field 'request.kind' {kind!r} is not supported: only public_records "
            "notices are implemented (personal-information notices use the APPI forms)"
        )
    if notice_type in _OUTCOMES and data.get("outcome") is not None:
        _one_of(notice_type, "outcome", data["outcome"], (_OUTCOMES[notice_type],))
    for i, doc in enumerate(data.get("documents") or []):
        if isinstance(doc, dict) and doc.get("disclosure") is not None:
            _one_of(notice_type, f"documents[{i}].disclosure", doc["disclosure"], DISCLOSURE_VALUES)
    if notice_type == "ruling":
        _one_of(notice_type, "ruling.outcome", data["ruling"]["outcome"], RULING_OUTCOMES)
        if data["ruling"]["outcome"] in ("granted", "partly_granted") and not data["ruling"].get("main_text"):
            raise NoticeDataError(
                f"{notice_type}: missing required field 'ruling.main_text' (needed for a grant)"
            )
    if notice_type == "decision_non_disclosure":
        ground = data["non_disclosure_ground"]
        _one_of(notice_type, "non_disclosure_ground", ground, ("exempt", "not_held"))
        if ground == "exempt":
            for spec in _EXEMPTIONS:
                _check(notice_type, data, spec)
        elif not data.get("reason_text"):
            raise NoticeDataError(
                f"{notice_type}: missing required field 'reason_text' (why the record is not held)"
            )
