"""A structlog processor that keeps personal data out of logs.

Two layers: values under personal keys (``name``, ``address``, ``token``,
``requester_email`` ...; case-insensitive, ``-`` equals ``_``, at any depth)
become ``[redacted]``; inside every other string, things that look like
e-mail addresses, phone numbers, postal addresses (〒...), bearer/JWT tokens,
``password=...`` pairs and URL passwords are masked. Nested containers are
copied, never mutated. Exceptions are formatted here first so that tracebacks
are masked too. Ids (``R-2025-00017``), ISO dates, ports and versions survive.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

import structlog

REDACTED = "[redacted]"
_MAX_DEPTH = 12

PERSONAL_KEYS = frozenset(
    """
    name full_name first_name last_name given_name family_name middle_name display_name
    kana name_kana furigana requester_name party_name contact_name representative_name
    address home_address postal_address mailing_address street street_address
    postal_code zip zip_code zipcode phone phone_number tel telephone mobile fax
    email email_address mail birth_date birthdate date_of_birth dob my_number individual_number
    password passwd password_hash secret client_secret token access_token refresh_token id_token
    api_key apikey authorization cookie set_cookie session contact party parties requester
    requester_contact
    """.split()
)
PERSONAL_SUFFIXES = ("_email", "_phone", "_password", "_token", "_secret", "_name_kana")

# Characters used between digit groups of a phone number (ASCII/Unicode hyphens, 「ー」, spaces).
_SEP = "[ \u3000\\-\u2010\u2011\u2013\u2014\u2212\uff0d\u30fc]"
_DIGIT_GROUPS = rf"(?:{_SEP}?\(?\d{{1,4}}\)?)"
_END = r"(?![\dA-Za-z_\-/]|\.\d)"

_SUBSTITUTIONS: list[tuple[re.Pattern[str], str]] = [
    # scheme://user:password@host
    (re.compile(r"((?<![A-Za-z0-9+.\-])[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@]+:)[^\s@/]+@"), rf"\1{REDACTED}@"),
    (re.compile(r"\beyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*"), "[token]"),
    (re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9\-._~+/]{8,}=*"), r"\1 [token]"),
    (
        re.compile(
            r"(?i)\b(\w*(?:password|passwd|secret|token|api_key|apikey))([\"']?\s*[=:]\s*)"
            r"(\"[^\"]*\"|'[^']*'|[^\s,;&\"']+)"
        ),
        rf"\1\2{REDACTED}",
    ),
    (
        re.compile(
            r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
        ),
        "[email]",
    ),
    # 〒184-8504 東京都小金井市本町6-6-3 — the code and the address up to the clause's end.
    (
        re.compile(rf"(?:〒|郵便番号[:：]?)\s*\d{{3}}{_SEP}?\d{{4}}[^\n,，、。;；\"'()（）\[\]「」]*"),
        "[address]",
    ),
]
_PHONE_JP = re.compile(
    rf"(?<![\dA-Za-z_\-+/])(?<!\d\.)\(?[0０][1-9１-９]\d{{0,3}}\)?{_DIGIT_GROUPS}{{1,3}}{_END}"
)
_PHONE_INTL = re.compile(rf"(?<![\dA-Za-z_+])\+\d{{1,3}}{_DIGIT_GROUPS}{{1,5}}{_END}")


def _mask_jp_phone(match: re.Match[str]) -> str:
    digits = "".join(str(int(c)) for c in match.group() if c.isdecimal())
    if len(digits) == 10 or (len(digits) == 11 and digits[2] == "0" and digits[1] in "56789"):
        return "[phone]"
    return match.group()


def _mask_intl_phone(match: re.Match[str]) -> str:
    digits = sum(c.isdecimal() for c in match.group())
    return "[phone]" if 9 <= digits <= 15 else match.group()


def mask_personal_text(text: str) -> str:
    """Mask e-mail addresses, phone numbers, 〒 addresses and secrets inside free text."""
    for pattern, replacement in _SUBSTITUTIONS:
        text = pattern.sub(replacement, text)
    text = _PHONE_INTL.sub(_mask_intl_phone, text)
    return _PHONE_JP.sub(_mask_jp_phone, text)


def is_personal_key(key: object) -> bool:
    if not isinstance(key, str):
        return False
    folded = key.strip().lower().replace("-", "_")
    return folded in PERSONAL_KEYS or folded.endswith(PERSONAL_SUFFIXES)


def redact_value(value: Any, _depth: int = 0) -> Any:
    """A redacted copy of ``value``; containers are rebuilt, other objects pass through."""
    if isinstance(value, str):
        return mask_personal_text(value)
    if _depth >= _MAX_DEPTH:
        return REDACTED
    if isinstance(value, Mapping):
        return {k: _redact_entry(k, v, _depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [redact_value(item, _depth + 1) for item in value]
        return tuple(items) if isinstance(value, tuple) else items
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        return redact_value(fields, _depth)
    return value


def _redact_entry(key: object, value: Any, depth: int) -> Any:
    if is_personal_key(key):
        return None if value is None else REDACTED
    return redact_value(value, depth)


def redact_personal_data(logger: Any, method_name: str, event_dict: Mapping[str, Any]) -> dict[str, Any]:
    """structlog processor: return a redacted copy of ``event_dict``."""
    event_dict = dict(event_dict)
    if event_dict.get("exc_info"):
        event_dict = structlog.processors.format_exc_info(logger, method_name, event_dict)
    return {
        key: value if isinstance(key, str) and key.startswith("_") else _redact_entry(key, value, 0)
        for key, value in event_dict.items()
    }
