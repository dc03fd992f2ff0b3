"""Registers: which register, what a version holds, what the list in force on a date is.

* 個人情報ファイル簿 (APPI 75; 施行令 20: files of fewer than 1,000 persons are not in it): ``file_register``.
* 個人情報取扱登録簿 (the city's own register, for the smaller files): ``handling_register``.
* Every change is a dated version: 新規 (``new``), 変更 (``changed``), 廃止 (``abolished``); the published list on
  a date is, per entry, the last version in effect on that date, unless that version is the 廃止.
* 目的外利用・外部提供 (APPI 69): on the basis of a law (69(1)), the person's consent (69(2)(i)) or a
  相当の理由 (69(2)(ii)–(iv)).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

FILE_THRESHOLD = 1000  # APPI 75 / 施行令 20(2)(x): a file of fewer persons is not in the ファイル簿

FILE, HANDLING = "file_register", "handling_register"  # contract.md codes (migration 0026 renamed file/handling)
REGISTERS = (FILE, HANDLING)
REGISTER_LABELS = {FILE: "個人情報ファイル簿", HANDLING: "個人情報取扱登録簿"}
PREFIXES = {FILE: "PIF", HANDLING: "PIH"}
CHANGES = ("new", "changed", "abolished")
CHANGE_LABELS = {"new": "新規", "changed": "変更", "abolished": "廃止"}
MEDIA_LABELS = {"electronic": "電子", "paper": "紙"}
USE_KINDS = ("outside_purpose", "provision")
USE_KIND_LABELS = {"outside_purpose": "目的外利用", "provision": "外部提供"}
BASES = ("law", "consent", "reasonable_grounds")
BASIS_LABELS = {"law": "法令", "consent": "本人の同意", "reasonable_grounds": "相当の理由"}
# The basis code before migration 0026, still in annual reports published before it (read, never written).
LEGACY_BASES = {"good_reason": "reasonable_grounds"}

# What a version describes (the fields a 変更 may change).
CONTENT_FIELDS = (
    "department",
    "name",
    "purpose",
    "items",
    "person_categories",
    "persons",
    "sources",
    "recipients",
    "retention",
    "safeguards",
    "media",
)


class RegisterRuleError(ValueError):
    """A version the register cannot take (answered 422 or 409 with this message)."""


def check_register(register: str, persons: int) -> None:
    """A file of 1,000 persons or more belongs in the ファイル簿, a smaller one in the 取扱登録簿."""
    if register == FILE and persons < FILE_THRESHOLD:
        raise RegisterRuleError(
            f"本人の数が{FILE_THRESHOLD:,}人未満（{persons:,}人）のファイルは個人情報ファイル簿ではなく個人情報取扱登録簿に"
            f"登録します（法75条、施行令20条）。 / A file of fewer than {FILE_THRESHOLD:,} persons belongs in the "
            "handling register, not the personal-information file register."
        )
    if register == HANDLING and persons >= FILE_THRESHOLD:
        raise RegisterRuleError(
            f"本人の数が{FILE_THRESHOLD:,}人以上（{persons:,}人）のファイルは個人情報ファイル簿に登録します（法75条）。"
            f" / A file of {FILE_THRESHOLD:,} persons or more belongs in the personal-information file register."
        )


def next_version_rule(latest: Mapping[str, Any], change: str, effective_on: date) -> None:
    """A 変更 or 廃止 follows a version in force: never after the 廃止, never dated before the version it follows."""
    if latest["change"] == "abolished":
        raise RegisterRuleError(
            f"{latest['entry_id']} は{latest['effective_on']}に廃止されています。 / "
            "The entry is abolished; register a new one instead."
        )
    if effective_on < latest["effective_on"]:
        raise RegisterRuleError(
            f"{CHANGE_LABELS[change]}の日（{effective_on}）は前の版の日（{latest['effective_on']}）より前にできません。 / "
            "A change cannot take effect before the version it follows."
        )


def in_force(versions: Iterable[Mapping[str, Any]], on: date) -> list[Mapping[str, Any]]:
    """Per entry, the last version in effect on ``on`` (by effective date, then version), 廃止 left out."""
    last: dict[str, Mapping[str, Any]] = {}
    for v in sorted(versions, key=lambda v: (v["entry_id"], v["effective_on"], v["version"])):
        if v["effective_on"] <= on:
            last[v["entry_id"]] = v
    return [v for _, v in sorted(last.items()) if v["change"] != "abolished"]


def fiscal_year_bounds(fiscal_year: int) -> tuple[date, date]:
    return date(fiscal_year, 4, 1), date(fiscal_year + 1, 3, 31)


def changes_in_year(versions: Iterable[Mapping[str, Any]], fiscal_year: int) -> dict[str, dict[str, int]]:
    """register → change → how many versions took effect in the fiscal year (what the council is told)."""
    start, end = fiscal_year_bounds(fiscal_year)
    out = {r: dict.fromkeys(CHANGES, 0) for r in REGISTERS}
    for v in versions:
        if start <= v["effective_on"] <= end:
            out[v["register"]][v["change"]] += 1
    return out


def use_counts(uses: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """entry → {kind → n, basis → n, total}: the 目的外利用・外部提供 counted per register entry."""
    out: dict[str, dict[str, Any]] = {}
    for u in uses:
        row = out.setdefault(
            u["entry_id"], {**dict.fromkeys(USE_KINDS, 0), **dict.fromkeys(BASES, 0), "total": 0}
        )
        row[u["kind"]] += 1
        row[u["basis"]] += 1
        row["total"] += 1
    return dict(sorted(out.items()))
