"""Japanese words for the codes the console shows, and dates in 和暦 with the ISO date beside them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from domain.clock import jst_date
from domain.era import format_era_date
from domain.requests.transitions import STATUS_LABELS, TRANSITIONS

KINDS = {"public_records": "公文書公開請求", "personal_info_disclosure": "保有個人情報開示請求"}
CHANNELS = {"counter": "窓口", "mail": "郵送", "fax": "ファクス", "online": "電子申請"}
METHODS = {"viewing": "閲覧", "copy": "写しの交付", "electronic": "電磁的記録の提供"}
REQUESTER_TYPES = {"individual": "個人", "corporation": "法人その他の団体"}
OUTCOMES = {
    "full": "全部公開",
    "partial": "部分公開",
    "non_disclosure": "非公開",
    "neither_confirm_nor_deny": "存否応答拒否",
    "dismissed": "却下",
}
GROUNDS = {"exempt": "非公開情報に該当", "not_held": "不存在（保有していない）"}
DISCLOSURES = {"full": "公開", "partial": "一部公開", "withheld": "非公開"}
DEADLINES = {
    "decision_due": "決定期限",
    "work_due": "事務処理の目安",
    "correction_respond_by": "補正の期限",
    "appeal_window_ends": "審査請求の期限",
    "appeal_window": "審査請求の期限",
    "remainder_due": "残りの部分の決定期限",
    "uncollected": "未受領による終結の日",
}
ROLES = {
    "front_desk": "情報公開コーナー",
    "reviewer": "担当課",
    "approver": "決裁権者",
    "records_officer": "総務課 情報公開係",
    "council": "審査会",
    "system": "システム",
    "admin": "システム管理者",
}
ACTIONS = {a: r.label for a, r in TRANSITIONS.items()}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def to_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return jst_date(value)
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def wareki(value: Any) -> str:
    """令和8年12月2日 (or the text as it was, if it is not a date)."""
    d = to_date(value)
    if d is None:
        return "" if value is None else str(value)
    try:
        return format_era_date(d)
    except ValueError:
        return d.isoformat()


def iso(value: Any) -> str:
    d = to_date(value)
    return d.isoformat() if d else ""


def japanese_message(message: str) -> str:
    """The domain writes refusals as "日本語 / English": the console shows the Japanese half."""
    head, sep, _ = message.partition(" / ")
    return head if sep and any(ord(ch) > 0x3000 for ch in head) else message


def notice_type(code: str) -> str:
    from activities.notices.types import NOTICE_TYPES  # a plain table of names

    return NOTICE_TYPES.get(code) or {"referral_pack": "諮問書（関係書類）"}.get(code, code)


def jst_time(value: Any) -> str:
    """The Japan time (HH:MM) of an ISO instant."""
    try:
        return clock_jst(datetime.fromisoformat(str(value))).strftime("%H:%M")
    except ValueError:
        return ""


def clock_jst(instant: datetime) -> datetime:
    from domain.clock import JST

    return instant.astimezone(JST)
