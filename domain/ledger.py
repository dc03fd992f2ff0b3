"""The old ledger (公開請求処理簿) a city keeps before Kaiji: rows read as requests and their decisions.

One row per decision; rows sharing a 受付番号 are several decisions of one request. Values as the office
writes them: dates ISO or 和暦 (令和5年4月3日, 平成31年4月30日, 令和元年5月1日); 請求者区分, 担当課 and
実施機関 as the profile's Japanese labels or codes; 決定区分 one of 公開, 部分公開, 非公開, 不存在,
存否応答拒否, 却下, 取下げ (取下げ: withdrawn, no decision); 適用条項 the profile's clause codes or labels,
several separated by 、 or ,. Pure: the caller reads the file; every problem is reported with its row and
column, and nothing is imported while any row is wrong.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from domain.actors import Actor
from domain.events import EventDraft, draft
from domain.profile import Profile
from domain.requests.registration import RegisterRequest, receive

# Column → its English alias; the Japanese header is what municipalities keep.
COLUMNS = {
    "受付番号": "ledger_number", "受付日": "received_on", "請求者区分": "requester_category", "件名": "subject",
    "担当課": "department", "実施機関": "body", "決定日": "decided_on", "決定区分": "outcome",
    "適用条項": "clauses", "延長": "extended", "備考": "note",
}
# English aliases (lower case) → the Japanese column.
ALIASES = {english: japanese for japanese, english in COLUMNS.items()} | {
    "case_id": "受付番号", "number": "受付番号", "category": "請求者区分", "implementing_body": "実施機関",
    "decision": "決定区分", "exemptions": "適用条項", "remarks": "備考"}
REQUIRED = ("受付番号", "受付日", "件名", "担当課", "決定区分")
OUTCOMES = {  # 決定区分 → (outcome, non_disclosure_ground)
    "公開": ("full", None), "全部公開": ("full", None), "部分公開": ("partial", None), "一部公開": ("partial", None),
    "非公開": ("non_disclosure", "exempt"), "不存在": ("non_disclosure", "not_held"),
    "存否応答拒否": ("neither_confirm_nor_deny", None), "却下": ("dismissed", None), "取下げ": ("withdrawn", None),
    "取下": ("withdrawn", None), "取り下げ": ("withdrawn", None),
}
_ERA_START = {"令和": 2018, "平成": 1988}  # era year 1 = this + 1
_ERA_DATE = re.compile(r"^(令和|平成)(元|\d{1,2})年(\d{1,2})月(\d{1,2})日$")
_YES = {"有", "あり", "済", "延長", "yes", "true", "1", "○"}
_LARGE = {"特例", "特例延長"}
_NO = {"", "無", "なし", "no", "false", "0", "-", "－"}


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based row in the file, the header being row 1
    column: str
    reason: str


@dataclass(frozen=True)
class LedgerDecision:
    row: int
    outcome: str
    non_disclosure_ground: str | None
    decided_on: str
    clauses: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class LedgerRequest:
    ledger_number: str
    rows: tuple[int, ...]
    received_on: str
    requester_category: str | None
    subject: str
    department: str
    body: str
    extended: str  # "" | "extended" | "large_volume"
    withdrawn_on: str | None
    decisions: tuple[LedgerDecision, ...]
    note: str = ""


@dataclass
class ParseResult:
    requests: list[LedgerRequest] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def parse_date(value: str) -> date:
    """ISO (2023-04-03, 2023/4/3) or 和暦 (令和5年4月3日, 令和元年5月1日)."""
    text = unicodedata.normalize("NFKC", value).strip()
    m = _ERA_DATE.match(text)
    if m:
        era, year, month, day = m.groups()
        return date(_ERA_START[era] + (1 if year == "元" else int(year)), int(month), int(day))
    parts = re.split(r"[-/.]", text)
    if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[0]) == 4:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    raise ValueError(f"日付として読めません（{value}）。YYYY-MM-DD か 令和5年4月3日 の形で書いてください。")


def _header_map(header: list[str]) -> dict[str, str]:
    """File header → canonical Japanese column name; English aliases accepted."""
    out = {}
    for h in header:
        name = unicodedata.normalize("NFKC", str(h or "")).strip()
        if name in COLUMNS:
            out[h] = name
        elif name.lower() in ALIASES:
            out[h] = ALIASES[name.lower()]
    return out


def _lookup(value: str, pairs: list[tuple[str, str]]) -> str | None:
    """A profile code from its code or its Japanese label."""
    text = unicodedata.normalize("NFKC", value).strip()
    for code, label in pairs:
        if text in (code, unicodedata.normalize("NFKC", label)):
            return code
    return None


def parse(header: list[str], rows: list[list[Any]], profile: Profile) -> ParseResult:
    result = ParseResult()
    columns = _header_map(header)
    missing = [c for c in REQUIRED if c not in columns.values()]
    if missing:
        result.errors += [RowError(1, c, "必須の列がありません。 / required column missing") for c in missing]
        return result
    index = {name: header.index(h) for h, name in columns.items()}
    departments = [(d.code, d.name) for d in profile.departments]
    bodies = [(b.code, b.name) for b in profile.implementing_bodies]
    categories = [(c.code, c.label) for c in getattr(profile, "requester_categories", ())]
    clauses = [(e.code, e.label) for e in profile.exemptions] + [(e.code, e.article) for e in profile.exemptions]
    grouped: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for n, raw in enumerate(rows, start=2):
        cells = {name: ("" if i >= len(raw) or raw[i] is None else _cell(raw[i])) for name, i in index.items()}
        if not any(cells.values()):
            continue  # blank line
        errors = _check_row(n, cells, departments, bodies, categories, clauses)
        result.errors += errors
        if not errors:
            grouped.setdefault(cells["受付番号"], []).append((n, cells))
    for number, group in grouped.items():
        request = _request(number, group, profile, departments, bodies, categories, clauses, result.errors)
        if request is not None:
            result.requests.append(request)
    return result


def _cell(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()[:10]
    return unicodedata.normalize("NFKC", str(value)).strip()


def _check_row(n: int, cells: dict[str, str], departments, bodies, categories, clauses) -> list[RowError]:
    errors = [RowError(n, c, "必須です。 / required") for c in REQUIRED if not cells.get(c)]
    for column in ("受付日", "決定日"):
        if cells.get(column):
            try:
                parse_date(cells[column])
            except ValueError as exc:
                errors.append(RowError(n, column, str(exc)))
    if cells.get("担当課") and _lookup(cells["担当課"], departments) is None:
        errors.append(RowError(n, "担当課", f"プロファイルにない課です（{cells['担当課']}）。"))
    if cells.get("実施機関") and _lookup(cells["実施機関"], bodies) is None:
        errors.append(RowError(n, "実施機関", f"プロファイルにない実施機関です（{cells['実施機関']}）。"))
    if cells.get("請求者区分") and _lookup(cells["請求者区分"], categories) is None:
        errors.append(RowError(n, "請求者区分", f"プロファイルにない請求者の区分です（{cells['請求者区分']}）。"))
    outcome = OUTCOMES.get(cells.get("決定区分", ""))
    if cells.get("決定区分") and outcome is None:
        errors.append(RowError(n, "決定区分", f"決定区分が読めません（{cells['決定区分']}）: "
                                             + "、".join(k for k in OUTCOMES if len(k) <= 6)))
    if outcome and outcome[0] != "withdrawn" and not cells.get("決定日"):
        errors.append(RowError(n, "決定日", "決定の行には決定日が必要です。 / a decision needs its date"))
    for clause in _split(cells.get("適用条項", "")):
        if _lookup(clause, clauses) is None:
            errors.append(RowError(n, "適用条項", f"プロファイルにない条項です（{clause}）。"))
    if outcome and outcome[0] in ("partial", "neither_confirm_nor_deny") and not _split(cells.get("適用条項", "")):
        errors.append(RowError(n, "適用条項", "部分公開・存否応答拒否には適用条項が必要です。"))
    if outcome and outcome == ("non_disclosure", "exempt") and not _split(cells.get("適用条項", "")):
        errors.append(RowError(n, "適用条項", "非公開には適用条項が必要です（不存在は「不存在」と書いてください）。"))
    extended = cells.get("延長", "").lower()
    if extended not in _YES | _NO | _LARGE:
        errors.append(RowError(n, "延長", f"延長は 有・無・特例 のいずれかです（{cells['延長']}）。"))
    if cells.get("受付日") and cells.get("決定日") and not errors:
        if parse_date(cells["決定日"]) < parse_date(cells["受付日"]):
            errors.append(RowError(n, "決定日", "決定日が受付日より前です。"))
    return errors


def _same_date(a: str, b: str) -> bool:
    return parse_date(a) == parse_date(b)


def _split(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[、,，]", text or "") if p.strip()]


def _request(number: str, group: list[tuple[int, dict[str, str]]], profile: Profile, departments, bodies,
             categories, clauses, errors: list[RowError]) -> LedgerRequest | None:
    first_row, first = group[0]
    for n, cells in group[1:]:  # the request's own columns must agree across its decisions
        for column, same in (("受付日", _same_date), ("件名", str.__eq__),
                             ("担当課", lambda a, b: _lookup(a, departments) == _lookup(b, departments))):
            if not same(cells[column], first[column]):
                errors.append(RowError(n, column, f"同じ受付番号 {number} の行と値が違います（{first_row}行目）。"))
                return None
    department = _lookup(first["担当課"], departments) or ""
    dept_body = profile.department(department).body if profile.department(department) else ""
    body = _lookup(first.get("実施機関", ""), bodies) if first.get("実施機関") else dept_body
    if body != dept_body:
        errors.append(RowError(first_row, "実施機関", f"担当課 {first['担当課']} の実施機関と違います。"))
        return None
    decisions, withdrawn_on = [], None
    for n, cells in group:
        outcome, ground = OUTCOMES[cells["決定区分"]]
        if outcome == "withdrawn":
            withdrawn_on = parse_date(cells["決定日"]).isoformat() if cells.get("決定日") else None
            continue
        decisions.append(LedgerDecision(
            row=n, outcome=outcome, non_disclosure_ground=ground,
            decided_on=parse_date(cells["決定日"]).isoformat(),
            clauses=tuple(_lookup(c, clauses) or c for c in _split(cells.get("適用条項", ""))),
            note=cells.get("備考", "")))
    if withdrawn_on is None and any(OUTCOMES[c["決定区分"]][0] == "withdrawn" for _, c in group):
        withdrawn_on = parse_date(first["受付日"]).isoformat()
    extended = {cells.get("延長", "").lower() for _, cells in group}
    return LedgerRequest(
        ledger_number=number,
        rows=tuple(n for n, _ in group),
        received_on=parse_date(first["受付日"]).isoformat(),
        requester_category=_lookup(first["請求者区分"], categories) if first.get("請求者区分") else None,
        subject=first["件名"],
        department=department,
        body=body,
        extended="large_volume" if extended & _LARGE else "extended" if extended & _YES else "",
        withdrawn_on=withdrawn_on,
        decisions=tuple(sorted(decisions, key=lambda d: (d.decided_on, d.row))),
        note="・".join(dict.fromkeys(c.get("備考", "") for _, c in group if c.get("備考"))),
    )


IMPORT_ACTOR = Actor(username="ledger-import", role="system")


def import_events(request: LedgerRequest, case_id: str, profile: Profile, now: datetime,
                  source: str) -> list[EventDraft]:
    """The events of one imported request: its receipt, its decisions, its closure — each saying it was
    imported from the ledger (row numbers and file), none issuing a notice or starting a timer (the case is
    closed: these are past facts, not acts done in Kaiji)."""
    imported = {"source": source, "rows": list(request.rows), "ledger_number": request.ledger_number,
                "extended": request.extended or None, "note": request.note}
    inp = RegisterRequest(
        case_id=case_id, kind="public_records", received_on=request.received_on, channel="counter",
        subject=request.subject, department=request.department, preferred_method="viewing",
        requester_party_id="", requester_type="", actor=IMPORT_ACTOR,
        rules=profile.case_rules("public_records"), entered_at=now,
        requester_category=request.requester_category,
    )
    received = receive(inp)[0]
    events = [dataclasses.replace(received, data={**received.data, "imported": imported})]
    by_day: dict[str, list[LedgerDecision]] = {}
    for d in request.decisions:
        by_day.setdefault(d.decided_on, []).append(d)
    n = 0
    for day, parts in sorted(by_day.items()):  # decisions of one day were approved together
        drafted = [{"outcome": p.outcome, "non_disclosure_ground": p.non_disclosure_ground,
                    "exemptions": [{"clause": c, "reason": "（旧台帳から移行）"} for c in p.clauses],
                    "documents": [], "reason_text": p.note, "disclosure_on": None} for p in parts]
        ids = []
        for _ in parts:
            n += 1
            ids.append({"decision_id": f"{case_id}-D{n}"})
        events.append(draft("DecisionDrafted", IMPORT_ACTOR, now, parts=drafted, drafted_by=IMPORT_ACTOR.username,
                            outcome=drafted[0]["outcome"], imported=imported))
        events.append(draft("DecisionApproved", IMPORT_ACTOR, now, decided_on=day, approved_by=IMPORT_ACTOR.username,
                            parts=ids, outcome=drafted[0]["outcome"], imported=imported))
    if request.withdrawn_on and not request.decisions:
        events.append(draft("RequestWithdrawn", IMPORT_ACTOR, now, withdrawn_on=request.withdrawn_on,
                            reason="（旧台帳から移行）", imported=imported))
    else:
        events.append(draft("CaseClosed", IMPORT_ACTOR, now, reason="final", imported=imported))
    return events
