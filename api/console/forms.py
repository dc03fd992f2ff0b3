"""HTML forms ↔ the API's bodies. A form is read into the same pydantic body the JSON route takes
(api/schemas.py), so the console checks nothing the API does not and the API nothing the console does not;
a validation error becomes a Japanese message for its field (and the error summary)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from api.console import labels as L

MAX_PARTS = 10
DOC_ROWS = 3


@dataclass(frozen=True)
class Field:
    name: str  # dotted for nested bodies: "party.name"
    label: str
    kind: str = "text"  # text | textarea | date | int | bool | select | department | body | third_party
    required: bool = False
    options: dict[str, str] | None = None
    hint: str = ""


F = Field
ACTION_FORMS: dict[str, list[Field]] = {
    "request-correction": [
        F("requested_on", "補正依頼日", "date"),
        F("respond_by", "補正の期限", "date", True),
        F("what", "補正を求める内容", "textarea", True),
    ],
    "record-correction": [
        F("received_on", "補正の受付日", "date"),
        F("note", "補正の内容（メモ）", "textarea"),
    ],
    "assign": [F("department", "割り当てる担当課", "department"), F("reviewer", "担当者のユーザー名")],
    "extend": [
        F("new_due", "延長後の決定期限", "date"),
        F("reason", "延長の理由", "textarea", True),
        F("large_volume", "特例延長（著しく大量）", "bool"),
        F("partial_due", "相当の部分の決定期限", "date"),
        F("remainder_due", "残りの部分の決定期限", "date"),
    ],
    "consult-third-party": [
        F("party.name", "第三者の氏名又は名称", required=True),
        F("party.type", "第三者の区分", "select", options=L.REQUESTER_TYPES),
        F("party.address", "第三者の住所"),
        F("respond_by", "意見書の提出期限", "date"),
        F("mandatory", "必要的意見聴取", "bool"),
    ],
    "record-third-party-opinion": [
        F("party_id", "意見書を出した第三者", "third_party", True),
        F("received_on", "意見書の受付日", "date"),
        F("objects", "公開に反対している", "bool"),
        F("summary", "意見の要旨", "textarea"),
    ],
    "return-draft": [F("comment", "差戻しの理由", "textarea", True)],
    "approve-decision": [
        F("decided_on", "決定日", "date", hint="空欄なら今日"),
        F("comment", "決裁のコメント", "textarea"),
    ],
    "record-notice-delivery": [F("delivered_on", "通知の到達日", "date", True)],
    "record-disclosure": [
        F("executed_on", "公開の実施日", "date"),
        F("method", "実施した公開の方法", "select", True, L.METHODS),
        F("pages", "写しの枚数", "int"),
        F("colour_pages", "うちカラーの枚数", "int"),
        F("fee_yen", "費用負担額（円）", "int", hint="空欄なら料金表で計算した額"),
        F("reduction_reason", "減額の理由", "textarea"),
    ],
    "withdraw": [F("withdrawn_on", "取下げ日", "date"), F("reason", "取下げの理由", "textarea")],
    "transfer": [
        F("to_body", "移送先の実施機関", "body"),
        F("to_body_other", "移送先（市以外の機関）"),
        F("transferred_on", "移送日", "date"),
        F("reason", "移送の理由", "textarea"),
    ],
}
BUTTONS = {
    "request-correction": "補正を依頼する",
    "record-correction": "補正を受け付ける",
    "assign": "割り当てる",
    "extend": "期限を延長する",
    "consult-third-party": "意見を照会する",
    "record-third-party-opinion": "意見書を受け付ける",
    "draft-decision": "決定案を起案する",
    "return-draft": "差し戻す",
    "approve-decision": "決裁する",
    "record-notice-delivery": "到達を記録する",
    "record-disclosure": "公開の実施を記録する",
    "withdraw": "取下げを記録する",
    "transfer": "移送する",
}
CONSOLE_ACTIONS = frozenset(BUTTONS)  # reissue-notice and the council's NCND report are not on these screens

REGISTRATION_FIELDS = {  # form name -> (label, body path)
    "kind": ("請求の種類", "kind"),
    "received_on": ("受付日", "received_on"),
    "channel": ("受付方法", "channel"),
    "requester_category": ("請求者の区分", "requester_category"),
    "requester_type": ("個人・法人の別", "requester.type"),
    "name": ("氏名又は名称", "requester.name"),
    "address": ("住所", "requester.address"),
    "phone": ("電話番号", "requester.phone"),
    "email": ("メールアドレス", "requester.email"),
    "subject": ("公文書の件名又は内容", "subject"),
    "department": ("担当課", "department"),
    "preferred_method": ("公開の方法", "preferred_method"),
}


def _message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind in ("missing", "string_too_short"):
        return "入力してください。"
    if kind == "literal_error":
        return "選択肢から選んでください。"
    if kind in ("iso_format", "date_from_datetime_parsing", "date_parsing", "date_type", "date_range"):
        return "日付を正しく入力してください（例: 2026-12-02）。"
    if kind == "string_too_long":
        return f"{error.get('ctx', {}).get('max_length', '')}文字以内で入力してください。"
    if kind in ("int_parsing", "int_type", "greater_than_equal", "less_than_equal"):
        return "0以上の整数で入力してください。"
    if kind in ("control_character", "bidi_control", "invisible_text"):
        return "使えない文字が含まれています。"
    return "入力内容を確認してください。"


def errors_of(exc: ValidationError, fields: dict[str, str]) -> dict[str, str]:
    """Field name (as in the form) -> Japanese message; ``fields`` maps body paths to form names. A draft's
    parts (``decisions.N.…``) map to the form's ``pN.…`` names."""
    out: dict[str, str] = {}
    for e in exc.errors():
        loc = [p for p in e["loc"] if p not in ("function-after[_plausible(), date]",)]
        if len(loc) >= 3 and loc[0] == "decisions" and isinstance(loc[1], int):
            name = f"p{loc[1]}.{loc[2]}"
        else:
            path = ".".join(str(p) for p in loc)
            name = fields.get(path) or fields.get(str(loc[0]) if loc else "") or "_form"
        out.setdefault(name, _message(e))
    return out


def _clean(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def registration_body(form: dict[str, str]) -> dict[str, Any]:
    def opt(name: str) -> str | None:
        return _clean(form.get(name)) or None

    return {
        "kind": _clean(form.get("kind")),
        "received_on": opt("received_on"),
        "channel": _clean(form.get("channel")),
        "requester_category": opt("requester_category"),
        "requester": {
            "name": _clean(form.get("name")),
            "type": _clean(form.get("requester_type")) or "individual",
            "address": _clean(form.get("address")),
            "phone": opt("phone"),
            "email": opt("email"),
        },
        "subject": _clean(form.get("subject")),
        "department": _clean(form.get("department")),
        "preferred_method": _clean(form.get("preferred_method")) or "viewing",
    }


def registration_paths() -> dict[str, str]:
    return {path: name for name, (_, path) in REGISTRATION_FIELDS.items()}


def action_body(action: str, form: Any) -> dict[str, Any]:
    """The body of ``action`` from its form (dotted names nest; blank optional values are left out)."""
    if action == "draft-decision":
        return draft_body(form)
    body: dict[str, Any] = {}
    for f in ACTION_FORMS.get(action, []):
        raw = _clean(form.get(f.name))
        if f.kind == "bool":
            value: Any = raw in ("1", "on", "true")
        elif raw == "":
            continue
        elif f.kind == "int":
            value = raw
        else:
            value = raw
        target = body
        *outer, last = f.name.split(".")
        for part in outer:
            target = target.setdefault(part, {})
        target[last] = value
    return body


def part_count(form: Any) -> int:
    try:
        n = int(_clean(form.get("parts")) or 1)
    except ValueError:
        n = 1
    return max(1, min(MAX_PARTS, n))


def draft_body(form: Any) -> dict[str, Any]:
    parts = []
    for i in range(part_count(form)):
        p = f"p{i}."
        clauses = form.getlist(p + "clause") if hasattr(form, "getlist") else []
        part: dict[str, Any] = {
            "outcome": _clean(form.get(p + "outcome")),
            "exemptions": [{"clause": c, "reason": _clean(form.get(f"{p}reason.{c}"))} for c in clauses],
            "documents": [
                {
                    "title": _clean(form.get(f"{p}doc{j}.title")),
                    "disclosure": _clean(form.get(f"{p}doc{j}.disclosure")),
                }
                for j in range(DOC_ROWS)
                if _clean(form.get(f"{p}doc{j}.title"))
            ],
            "reason_text": _clean(form.get(p + "reason_text")),
        }
        if _clean(form.get(p + "non_disclosure_ground")):
            part["non_disclosure_ground"] = _clean(form.get(p + "non_disclosure_ground"))
        if _clean(form.get(p + "disclosure_on")) and part["outcome"] in ("full", "partial"):
            part["disclosure_on"] = _clean(form.get(p + "disclosure_on"))
        parts.append(part)
    return {"decisions": parts}


def action_paths(action: str) -> dict[str, str]:
    return {f.name: f.name for f in ACTION_FORMS.get(action, [])}


# 審査請求の受付 (at the counter, on the request's page): form names are the body's own.
APPEAL_FIELDS = {"kind": "審査請求の種類", "filed_on": "審査請求日", "learned_on": "決定を知った日",
                 "decision_id": "対象の決定", "grounds": "審査請求の趣旨及び理由"}
APPEAL_KINDS = {"decision": "決定に対する審査請求", "inaction": "不作為についての審査請求"}


def appeal_body(form: Any) -> dict[str, Any]:
    """The body of ``POST /requests/{id}/appeals`` from the counter's form (blank optional dates left out)."""
    body = {name: _clean(form.get(name)) for name in APPEAL_FIELDS}
    return {k: v for k, v in body.items() if v or k in ("grounds",)}
