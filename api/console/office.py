"""The records officer's pages (総務課 情報公開係): all cases, appeals and suits with filters, the dashboard, the
council's agenda, referral/ruling/suit forms, audit status, exports (issue 13).

Rows for these pages go in ``PAGES`` below; they join ``access.PAGES`` when the console is installed. Every
page is the records officer's alone (the officer sees every department). Reads are in ``store.office``; acts go
through ``api.usecases.appeals`` / ``suits`` — the same layer as the JSON routes, so no rule is written twice.
"""

from __future__ import annotations

from datetime import date, timedelta
from math import ceil
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from api import presenters
from api.auth import Principal
from api.authz import RO
from api.console import access, charts, forms
from api.console import labels as L
from api.console.access import Page
from api.console.forms import Field as F
from api.console.routes import render, see_other
from api.errors import ApiError
from api.schemas_appeals import APPEAL_BODIES
from api.schemas_suits import SUIT_BODIES, FileSuitIn
from api.usecases import appeals as appeal_cases
from api.usecases import suits as suit_cases
from domain import clock
from domain.appeals.decide import TRANSITIONS as APPEAL_TRANSITIONS
from domain.era import fiscal_year, format_fiscal_year
from domain.litigation.decide import LEVEL_NAMES
from domain.litigation.decide import TRANSITIONS as SUIT_TRANSITIONS
from domain.requests.transitions import STATUS_LABELS
from kaiji import audit_checkpoint
from store import events
from store import office as q

router = APIRouter(include_in_schema=False)
OFFICER = Page(frozenset({RO}))
PER_PAGE = 50

PAGES: dict[str, Page] = {
    "GET /console/office/cases": OFFICER,
    "GET /console/office/appeals": OFFICER,
    "GET /console/office/appeals/{appeal_id}": OFFICER,
    "POST /console/office/appeals/{appeal_id}/{act}": OFFICER,
    "GET /console/office/suits": OFFICER,
    "POST /console/office/suits": OFFICER,
    "GET /console/office/suits/{suit_id}": OFFICER,
    "POST /console/office/suits/{suit_id}/{act}": OFFICER,
    "GET /console/office/dashboard": OFFICER,
    "GET /console/office/agenda": OFFICER,
    "GET /console/office/audit": OFFICER,
}

# --- Japanese words ----------------------------------------------------------------------------------------

APPEAL_STATUS = {"under_review": "審理中", "awaiting_correction": "補正待ち", "referred": "諮問中（答申待ち）",
                 "reported": "答申済み（裁決待ち）", "closed": "終結"}
APPEAL_KINDS = {"decision": "決定に対する審査請求", "inaction": "不作為に対する審査請求"}
RULINGS = {"dismissed": "却下", "rejected": "棄却", "granted": "認容", "partly_granted": "一部認容"}
CONCLUSIONS = {"uphold": "原処分は妥当", "disclose_in_part": "一部を公開すべき", "disclose_in_full": "全部を公開すべき",
               "other": "その他"}
SUIT_STATUS = {"pending": "係属中", "final": "確定"}
SUIT_OUTCOMES = {"upheld": "請求棄却（決定維持）", "revoked": "取消し", "partly_revoked": "一部取消し",
                 "withdrawn": "取下げ", "settled": "和解"}
FINAL_REASONS = {"no_appeal": "上訴期間の経過", "supreme_court": "最高裁判所の判決", "confirmed": "確定の記録",
                 "withdrawn": "取下げ", "settled": "和解"}
EVENT_LABELS = {
    "AppealFiled": "審査請求の受付", "AppealCorrectionOrdered": "補正命令", "AppealCorrected": "補正の受付",
    "AppealCorrectionLapsed": "補正期限の経過", "ExplanationFiled": "弁明書の提出", "ExplanationOverdue": "弁明書の提出期限の経過",
    "LateReasonRecorded": "正当な理由の記録", "ReferredToCouncil": "審査会への諮問", "CouncilSessionRecorded": "審査会の開催",
    "CouncilReportReminder": "答申期限前の通知", "CouncilReportOverdue": "答申の目標期限の経過",
    "CouncilReportAdopted": "答申", "RulingIssued": "裁決", "AppealWithdrawn": "取下げ", "NoticeFailed": "通知書の作成失敗",
    "SuitFiled": "提訴の記録", "JudgmentEntered": "判決", "SuitAppealed": "上訴（控訴・上告）",
    "SuitAppealWindowLapsed": "上訴期間の経過", "SuitFinal": "確定", "CalendarChanged": "休日表の変更による期限の再計算",
}
# The notices of a referral (諮問): the pack for the council is built by another change (issue 13, 「諮問書と
# 関係書類」); the appeal page lists every notice of these types in its own, marked block.
REFERRAL_PACK_TYPES = ("referral_pack", "referral_document", "referral_notice")
DISCLOSURE_CHOICES = {"full": "公開", "partial": "一部公開", "withheld": "非公開"}

APPEAL_FORMS: dict[str, list[F]] = {
    "refer-to-council": [F("referred_on", "諮問日", "date", hint="空欄なら今日")],
    "record-ruling": [
        F("ruling", "裁決の内容", "select", True, RULINGS),
        F("ruled_on", "裁決日", "date", hint="空欄なら今日"),
        F("scope", "裁決後の公開範囲", "scope", hint="認容・一部認容のとき、文書ごとの公開区分"),
        F("text", "裁決の理由", "textarea"),
    ],
    "order-correction": [F("respond_by", "補正の期限", "date"), F("what", "補正を命じる内容", "textarea", True)],
    "record-correction": [F("received_on", "補正の受付日", "date")],
    "record-explanation": [F("filed_on", "弁明書の提出日", "date"), F("text", "弁明書の内容", "textarea", True)],
    "record-opinion": [F("filed_on", "反論書・意見書の受付日", "date", hint="空欄なら今日"),
                       F("text", "反論書・意見書の内容", "textarea", True)],
    "record-late-reason": [F("reason", "期間経過の正当な理由", "textarea", True)],
    "grant-without-referral": [
        F("ruled_on", "裁決日", "date", hint="空欄なら今日"),
        F("scope", "裁決後の公開範囲", "scope", hint="諮問を経ない認容は全部公開に限ります"),
        F("text", "裁決の理由", "textarea"),
    ],
    "dismiss": [F("ruled_on", "裁決日", "date", hint="空欄なら今日"), F("reason", "却下の理由", "textarea", True)],
    "withdraw": [F("withdrawn_on", "取下げ日", "date"), F("reason", "取下げの理由", "textarea")],
}
APPEAL_BUTTONS = {
    "refer-to-council": "審査会に諮問する", "record-ruling": "裁決を記録する", "order-correction": "補正を命じる",
    "record-correction": "補正を受け付ける", "record-explanation": "弁明書を記録する",
    "record-opinion": "反論書・意見書を記録する",
    "record-late-reason": "正当な理由を記録する", "grant-without-referral": "諮問を経ずに認容する",
    "dismiss": "却下する", "withdraw": "取下げを記録する",
}
SUIT_FORM = [
    F("court", "裁判所", required=True, hint="例：東京地方裁判所"),
    F("case_number", "事件番号", required=True, hint="例：令和8年（行ウ）第123号"),
    F("filed_on", "提訴日", "date", hint="空欄なら今日"),
    F("learned_on", "決定（裁決）を知った日", "date", hint="空欄なら決定（裁決）の日"),
]
SUIT_FORMS: dict[str, list[F]] = {
    "record-judgment": [
        F("court_level", "審級", "select", True, LEVEL_NAMES),
        F("outcome", "判決の内容", "select", True, {k: SUIT_OUTCOMES[k] for k in ("upheld", "revoked", "partly_revoked")}),
        F("judged_on", "判決日", "date", hint="空欄なら今日"),
        F("served_on", "判決書の送達日", "date", hint="上訴期間（2週間）はこの日から数えます"),
        F("scope", "判決後の公開範囲", "scope", hint="一部取消しのとき、文書ごとの公開区分"),
        F("text", "判決の要旨", "textarea"),
    ],
    "record-appeal": [
        F("court", "上訴先の裁判所", required=True, hint="例：東京高等裁判所"),
        F("case_number", "上訴審の事件番号"),
        F("by", "上訴した当事者", "select", options={"plaintiff": "原告", "defendant": "被告（市）"}),
        F("filed_on", "上訴日", "date"),
    ],
    "record-final": [
        F("final_on", "確定日", "date"),
        F("outcome", "判決によらない終了", "select", options={"withdrawn": "取下げ", "settled": "和解"}),
        F("reason", "理由・備考", "textarea"),
    ],
}
SUIT_BUTTONS = {"record-judgment": "判決を記録する", "record-appeal": "上訴を記録する", "record-final": "確定を記録する"}

for _table in (APPEAL_FORMS, SUIT_FORMS):  # every form names an act the domain knows
    assert set(_table) <= set(APPEAL_TRANSITIONS) | set(SUIT_TRANSITIONS)


def _labels() -> dict[str, Any]:
    return {"APPEAL_STATUS": APPEAL_STATUS, "APPEAL_KINDS": APPEAL_KINDS, "RULINGS": RULINGS,
            "CONCLUSIONS": CONCLUSIONS, "SUIT_STATUS": SUIT_STATUS, "SUIT_OUTCOMES": SUIT_OUTCOMES,
            "LEVELS": LEVEL_NAMES, "FINAL_REASONS": FINAL_REASONS, "DISCLOSURES": DISCLOSURE_CHOICES}


# --- reading a form -------------------------------------------------------------------------------------------


def _clean(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def form_body(fields: list[F], form: Any) -> dict[str, Any]:
    """A body from a form: blank optional values left out; ``scope`` from the rows ``scope.N.title`` and
    ``scope.N.disclosure`` (a row whose disclosure is left blank is not part of the scope)."""
    body: dict[str, Any] = {}
    for f in fields:
        if f.kind == "scope":
            rows = []
            for i in range(200):
                title = _clean(form.get(f"scope.{i}.title"))
                if not title:
                    break
                disclosure = _clean(form.get(f"scope.{i}.disclosure"))
                if disclosure:
                    rows.append({"title": title, "disclosure": disclosure})
            if rows:
                body["scope"] = rows
            continue
        raw = _clean(form.get(f.name))
        if f.kind == "bool":
            body[f.name] = raw in ("1", "on", "true")
        elif raw:
            body[f.name] = raw
    return body


def _form_values(form: Any) -> dict[str, str]:
    return {k: str(v) for k, v in form.items() if k != "csrf_token"}


def _errors(exc: ValidationError, fields: list[F]) -> dict[str, str]:
    return forms.errors_of(exc, {f.name: f.name for f in fields})


# --- lists ------------------------------------------------------------------------------------------------------


class Query:
    """The list pages' GET filters: each read once, a bad value becomes a message beside its field."""

    def __init__(self, request: Request) -> None:
        self.params = request.query_params
        self.errors: dict[str, str] = {}
        self.values: dict[str, str] = {k: v for k, v in self.params.items() if k != "page"}

    def text(self, name: str, limit: int = 200) -> str | None:
        value = _clean(self.params.get(name))[:limit]
        return value or None

    def choice(self, name: str, options: Any) -> str | None:
        value = self.text(name)
        if value and value not in options:
            self.errors[name] = "選択肢から選んでください。"
            return None
        return value

    def day(self, name: str) -> date | None:
        value = self.text(name, 20)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.errors[name] = "日付を正しく入力してください（例: 2026-12-02）。"
            return None

    def flag(self, name: str) -> bool | None:
        value = self.text(name)
        return {"yes": True, "no": False}.get(value or "")

    def number(self, name: str, default: int, low: int, high: int) -> int:
        try:
            return max(low, min(high, int(self.params.get(name) or default)))
        except ValueError:
            return default


def _paging(path: str, values: dict[str, str], page: int, per_page: int, total: int) -> dict[str, Any]:
    pages = max(1, ceil(total / per_page))
    kept = {k: v for k, v in values.items() if v}

    def url(n: int) -> str:
        return f"{path}?{urlencode({**kept, 'page': n})}"

    return {"page": page, "pages": pages, "total": total, "first": (page - 1) * per_page + 1 if total else 0,
            "last": min(total, page * per_page),
            "prev": url(page - 1) if page > 1 else None, "next": url(page + 1) if page < pages else None}


def _departments(request: Request) -> dict[str, str]:
    return {d.code: d.name for d in request.app.state.kaiji.profile.departments}


@router.get("/console/office/cases", response_class=HTMLResponse)
async def case_list(request: Request, principal: Principal = Depends(access.page_user)) -> Response:
    """All requests (全件): status, department, kind, requester category, overdue, received between two days,
    the subject or id, and the requester's name — the name through the vault's blind index (名寄せ用の
    HMAC, ``parties.name_hash``): only the full name matches (spaces and width folded), never part of it."""
    st = request.app.state.kaiji
    qp = Query(request)
    categories = {c.code: c.label for c in st.profile.requester_categories}
    name = qp.text("name")
    name_hash = None
    if name:
        try:
            name_hash = st.vault.name_hash(name)
        except ValueError:
            qp.errors["name"] = "氏名を入力してください。"
    f = q.CaseFilter(
        status=qp.choice("status", STATUS_LABELS), department=qp.choice("department", _departments(request)),
        kind=qp.choice("kind", L.KINDS), requester_category=qp.choice("requester_category", categories),
        overdue=qp.flag("overdue"), received_from=qp.day("received_from"), received_to=qp.day("received_to"),
        q=qp.text("q"), name_hash=name_hash,
    )
    per_page = qp.number("per_page", PER_PAGE, 1, 200)
    page = qp.number("page", 1, 1, 100_000)
    qp.values["per_page"] = str(per_page)
    sizes = {str(n): f"{n}件" for n in sorted({20, 50, 100, per_page})}
    rows, total = [], 0
    if not qp.errors:
        async with st.pool.acquire() as conn:
            rows, total = await q.search_cases(conn, f, page=page, per_page=per_page)
    return render(request, "office_cases.html", {
        "rows": rows, "values": qp.values, "errors": qp.errors, "categories": categories, "sizes": sizes,
        "departments": _departments(request), "statuses": STATUS_LABELS, "lead": st.profile.reminder_lead_days,
        "paging": _paging("/console/office/cases", qp.values, page, per_page, total),
        "export": "/api/v1/exports/requests.csv?" + urlencode(
            {k: v for k, v in {"status": f.status, "department": f.department,
                               "requester_category": f.requester_category}.items() if v}),
    }, 422 if qp.errors else 200)


@router.get("/console/office/appeals", response_class=HTMLResponse)
async def appeal_list(request: Request, principal: Principal = Depends(access.page_user)) -> Response:
    st = request.app.state.kaiji
    qp = Query(request)
    f = q.AppealFilter(status=qp.choice("status", APPEAL_STATUS),
                       department=qp.choice("department", _departments(request)),
                       overdue=qp.flag("overdue"), q=qp.text("q", 40))
    per_page, page = qp.number("per_page", PER_PAGE, 1, 200), qp.number("page", 1, 1, 100_000)
    rows, total = [], 0
    if not qp.errors:
        async with st.pool.acquire() as conn:
            rows, total = await q.search_appeals(conn, f, page=page, per_page=per_page)
    return render(request, "office_appeals.html", {
        "rows": rows, "values": qp.values, "errors": qp.errors, "departments": _departments(request),
        "O": _labels(), "paging": _paging("/console/office/appeals", qp.values, page, per_page, total),
    }, 422 if qp.errors else 200)


async def _suit_list_page(request: Request, *, status: int = 200, failed: dict[str, Any] | None = None) -> Response:
    st = request.app.state.kaiji
    qp = Query(request)
    f = q.SuitFilter(status=qp.choice("status", SUIT_STATUS), level=qp.choice("level", LEVEL_NAMES),
                     q=qp.text("q", 200))
    per_page, page = qp.number("per_page", PER_PAGE, 1, 200), qp.number("page", 1, 1, 100_000)
    rows, total = [], 0
    if not qp.errors:
        async with st.pool.acquire() as conn:
            rows, total = await q.search_suits(conn, f, page=page, per_page=per_page)
    return render(request, "office_suits.html", {
        "rows": rows, "values": qp.values, "errors": qp.errors, "O": _labels(), "suit_form": SUIT_FORM,
        "failed": failed or {}, "paging": _paging("/console/office/suits", qp.values, page, per_page, total),
    }, 422 if qp.errors and status == 200 else status)


@router.get("/console/office/suits", response_class=HTMLResponse)
async def suit_list(request: Request, principal: Principal = Depends(access.page_user)) -> Response:
    return await _suit_list_page(request)


# --- the appeal page --------------------------------------------------------------------------------------------


def appeal_actions(appeal: dict[str, Any]) -> list[str]:
    """The officer's acts allowed in this status (the domain's table), in the order of the office's work —
    without those the domain would refuse outright (a late-filing reason for an appeal filed in time, a
    second explanation)."""
    status = appeal["status"]
    acts = [a for a in APPEAL_FORMS if status in APPEAL_TRANSITIONS[a][0] and RO in APPEAL_TRANSITIONS[a][1]]
    if not appeal.get("late") or appeal.get("late_reason"):
        acts = [a for a in acts if a != "record-late-reason"]
    if appeal.get("explanation_filed_on"):
        acts = [a for a in acts if a != "record-explanation"]
    return acts


async def _appeal_page(request: Request, principal: Principal, appeal_id: str, *, status: int = 200,
                       failed: str | None = None, message: str | None = None,
                       errors: dict[str, str] | None = None, values: dict[str, str] | None = None) -> HTMLResponse:
    st = request.app.state.kaiji
    try:
        appeal = await appeal_cases.load_appeal(st, principal, appeal_id)
    except ApiError:
        raise access.PageRefused(404, "その審査請求は見つかりません。") from None
    async with st.pool.acquire() as conn:
        stream = await events.read(conn, appeal_id)
        suits = await q.suits_of_appeal(conn, appeal_id)
    timeline = [presenters.event_view(e, principal) for e in stream]
    pack = [n for n in appeal["notices"] if n["type"] in REFERRAL_PACK_TYPES]
    ruled = appeal["status"] == "closed" and appeal.get("ruling") and appeal.get("closed_reason") != "withdrawn"
    return render(request, "office_appeal.html", {
        "appeal": appeal, "events": list(reversed(timeline)), "actions": appeal_actions(appeal),
        "forms_of": APPEAL_FORMS, "buttons": APPEAL_BUTTONS,
        "titles": {a: t[2] for a, t in APPEAL_TRANSITIONS.items()}, "suit_form": SUIT_FORM, "suits": suits,
        "may_sue": bool(ruled), "pack": pack, "failed": failed, "message": message, "errors": errors or {},
        "values": values or {}, "O": _labels(), "event_labels": EVENT_LABELS,
        "documents": (appeal.get("decision") or {}).get("documents") or [],
    }, status)


@router.get("/console/office/appeals/{appeal_id}", response_class=HTMLResponse)
async def appeal_page(appeal_id: str, request: Request, principal: Principal = Depends(access.page_user)) -> Response:
    return await _appeal_page(request, principal, appeal_id)


@router.post("/console/office/appeals/{appeal_id}/{act}", response_class=HTMLResponse)
async def appeal_action(appeal_id: str, act: str, request: Request,
                        principal: Principal = Depends(access.page_user)) -> Response:
    """諮問 (条例: the council is asked before a ruling), 裁決 and the other acts of the appeal, as forms."""
    action = act  # not "action": access.page_user reads that path parameter as a request's act
    if action not in APPEAL_FORMS:
        raise access.PageRefused(404, "そのような操作はありません。")
    form = await request.form()
    values, fields = _form_values(form), APPEAL_FORMS[action]
    try:
        body = APPEAL_BODIES[action].model_validate(form_body(fields, form))
    except ValidationError as exc:
        return await _appeal_page(request, principal, appeal_id, status=422, failed=action, values=values,
                                  errors=_errors(exc, fields), message="入力内容に誤りがあります。")
    try:
        await appeal_cases.perform_appeal(action, appeal_id, body, principal, request.app.state.kaiji)
    except ApiError as exc:
        if exc.status == 404:
            raise access.PageRefused(404, "その審査請求は見つかりません。") from None
        return await _appeal_page(request, principal, appeal_id, status=exc.status if exc.status < 500 else 503,
                                  failed=action, values=values, message=L.japanese_message(exc.message))
    return see_other(f"/console/office/appeals/{appeal_id}#timeline")


# --- suits ------------------------------------------------------------------------------------------------------


@router.post("/console/office/suits", response_class=HTMLResponse)
async def file_suit(request: Request, principal: Principal = Depends(access.page_user)) -> Response:
    """Record a revocation suit (取消訴訟, 行政事件訴訟法14条) against a request's decision or an appeal's ruling.
    From the appeal page the appeal is given (against its ruling); from the suit list, the request's id."""
    st = request.app.state.kaiji
    form = await request.form()
    values = _form_values(form)
    appeal_id, request_id = _clean(form.get("appeal_id")) or None, _clean(form.get("request_id"))

    async def again(status: int, message: str, errors: dict[str, str] | None = None) -> Response:
        failed = {"message": message, "errors": errors or {}, "values": values}
        if appeal_id:
            return await _appeal_page(request, principal, appeal_id, status=status, failed="file-suit",
                                      message=message, errors=errors, values=values)
        return await _suit_list_page(request, status=status, failed=failed)

    try:
        body = FileSuitIn.model_validate(form_body(SUIT_FORM, form))
    except ValidationError as exc:
        return await again(422, "入力内容に誤りがあります。", _errors(exc, SUIT_FORM))
    if appeal_id:
        async with st.pool.acquire() as conn:
            row = await q.appeal_request(conn, appeal_id)
        if row is None:
            raise access.PageRefused(404, "その審査請求は見つかりません。")
        request_id = row
    elif not request_id:
        return await again(422, "入力内容に誤りがあります。", {"request_id": "入力してください。"})
    try:
        suit = await suit_cases.file_suit(st, principal, body, request_id=request_id, appeal_id=appeal_id)
    except ApiError as exc:
        if exc.status == 404:
            return await again(404, "その請求（審査請求）は見つかりません。整理番号を確かめてください。")
        return await again(exc.status if exc.status < 500 else 503, L.japanese_message(exc.message))
    return see_other(f"/console/office/suits/{suit['id']}")


async def _suit_page(request: Request, suit_id: str, *, status: int = 200, failed: str | None = None,
                     message: str | None = None, errors: dict[str, str] | None = None,
                     values: dict[str, str] | None = None) -> HTMLResponse:
    st = request.app.state.kaiji
    principal: Principal = request.state.principal
    try:
        suit = await suit_cases.load_suit(st, suit_id)
    except ApiError:
        raise access.PageRefused(404, "その訴訟は見つかりません。") from None
    async with st.pool.acquire() as conn:
        row = await q.suit_state(conn, suit_id)
        stream = await events.read(conn, suit_id)
    state = row or {}
    timeline = [presenters.event_view(e, principal) for e in stream]
    actions = [a for a in SUIT_FORMS if suit["status"] in SUIT_TRANSITIONS[a][0]]
    judged = any(j.get("court_level") == state.get("level") for j in state.get("judgments", []))
    # offered as the domain would accept them: a judgment once per instance, an appeal after one
    actions = [a for a in actions if not (a == "record-judgment" and judged) and not (a == "record-appeal"
                                                                                      and not judged)]
    return render(request, "office_suit.html", {
        "suit": suit, "state": state, "events": list(reversed(timeline)), "actions": actions,
        "forms_of": SUIT_FORMS, "buttons": SUIT_BUTTONS,
        "titles": {a: t[2] for a, t in SUIT_TRANSITIONS.items()}, "failed": failed, "message": message,
        "errors": errors or {}, "values": values or {}, "O": _labels(), "event_labels": EVENT_LABELS,
        "documents": state.get("scope") or state.get("documents") or [],
    }, status)


@router.get("/console/office/suits/{suit_id}", response_class=HTMLResponse)
async def suit_page(suit_id: str, request: Request, principal: Principal = Depends(access.page_user)) -> Response:
    return await _suit_page(request, suit_id)


@router.post("/console/office/suits/{suit_id}/{act}", response_class=HTMLResponse)
async def suit_action(suit_id: str, act: str, request: Request,
                      principal: Principal = Depends(access.page_user)) -> Response:
    """判決, 上訴 (控訴・上告, 民訴法285条・313条: 2 weeks from service) and 確定, as the courts decide."""
    action = act
    if action not in SUIT_FORMS:
        raise access.PageRefused(404, "そのような操作はありません。")
    form = await request.form()
    values, fields = _form_values(form), SUIT_FORMS[action]
    try:
        body = SUIT_BODIES[action].model_validate(form_body(fields, form))
    except ValidationError as exc:
        return await _suit_page(request, suit_id, status=422, failed=action, values=values,
                                errors=_errors(exc, fields), message="入力内容に誤りがあります。")
    try:
        await suit_cases.perform_suit(action, suit_id, body, principal, request.app.state.kaiji)
    except ApiError as exc:
        if exc.status == 404:
            raise access.PageRefused(404, "その訴訟は見つかりません。") from None
        return await _suit_page(request, suit_id, status=exc.status if exc.status < 500 else 503, failed=action,
                                values=values, message=L.japanese_message(exc.message))
    return see_other(f"/console/office/suits/{suit_id}#timeline")


# --- dashboard, agenda, audit ------------------------------------------------------------------------------------


@router.get("/console/office/dashboard", response_class=HTMLResponse)
async def dashboard(request: Request, principal: Principal = Depends(access.page_user)) -> Response:
    """Open requests by department and status, overdue and due within the reminder window, and the decisions
    of this fiscal year (年度: April to March) by outcome — SVG drawn here, and the same numbers as tables."""
    st = request.app.state.kaiji
    today, lead = clock.today(), st.profile.reminder_lead_days
    fy = fiscal_year(today)
    async with st.pool.acquire() as conn:
        open_rows = await q.open_by_department_and_status(conn)
        due = await q.due_counts(conn, today=today, lead_days=lead)
        decided = await q.decisions_by_outcome(conn, first=date(fy, 4, 1), last=today)
    departments = _departments(request)
    statuses = [s for s in STATUS_LABELS if s != "closed" and any(r["status"] == s for r in open_rows)]
    by_dept: dict[str, dict[str, int]] = {}
    for r in open_rows:
        by_dept.setdefault(r["department"], {})[r["status"]] = r["n"]
    dept_order = [d for d in departments if d in by_dept] + [d for d in by_dept if d not in departments]
    open_chart = charts.stacked_bars(
        [(departments.get(d, d), [by_dept[d].get(s, 0) for s in statuses]) for d in dept_order],
        [STATUS_LABELS[s] for s in statuses], title="部署別・状態別の処理中の請求",
    )
    due_chart = charts.bars([("期限超過", due["overdue"], "overdue"), (f"期限間近（{lead}日以内）", due["soon"], "soon")],
                            title="期限超過と期限間近の請求")
    outcome_chart = charts.bars([(L.OUTCOMES.get(r["outcome"], r["outcome"]), r["n"], "c" + str(i % 6))
                                 for i, r in enumerate(decided)], title=f"{format_fiscal_year(fy)}の決定（区分別）")
    return render(request, "office_dashboard.html", {
        "open_chart": open_chart, "due_chart": due_chart, "outcome_chart": outcome_chart,
        "statuses": statuses, "by_dept": by_dept, "dept_order": dept_order, "departments": departments,
        "due": due, "lead": lead, "decided": decided, "fy_label": format_fiscal_year(fy),
        "open_total": sum(r["n"] for r in open_rows), "decided_total": sum(r["n"] for r in decided),
    })


@router.get("/console/office/agenda", response_class=HTMLResponse)
async def agenda(request: Request, principal: Principal = Depends(access.page_user)) -> Response:
    """The council's agenda as the office prepares it: appeals to refer (諮問), referrals waiting for the report
    (答申), 存否応答拒否 decisions to report (条例: reported to the council), breach incidents to report."""
    st = request.app.state.kaiji
    async with st.pool.acquire() as conn:
        to_refer, _ = await q.search_appeals(conn, q.AppealFilter(status="under_review"), per_page=500)
        waiting, _ = await q.search_appeals(conn, q.AppealFilter(status="referred"), per_page=500)
        reported, _ = await q.search_appeals(conn, q.AppealFilter(status="reported"), per_page=500)
        ncnd = await q.unreported_ncnd(conn)
        breaches = await q.breaches_for_council(conn)
    return render(request, "office_agenda.html", {
        "to_refer": sorted(to_refer, key=lambda r: r["appeal_id"]),
        "waiting": sorted(waiting, key=lambda r: (r["report_due"] or date.max, r["appeal_id"])),
        "reported": reported, "ncnd": ncnd, "breaches": breaches, "O": _labels(),
    })


@router.get("/console/office/audit", response_class=HTMLResponse)
async def audit_status(request: Request, principal: Principal = Depends(access.page_user)) -> Response:
    """The audit chain recomputed now (the use case of GET /api/v1/audit/verify), its head, and the age of the
    last signed checkpoint (なし while there is none); the CSV exports and the annual report."""
    st = request.app.state.kaiji
    async with st.pool.acquire() as conn:  # the chain and the newest signed checkpoint (kaiji/audit_checkpoint.py)
        result = await audit_checkpoint.verify(conn, st.settings)
    now = clock.now()
    checkpoint = result.checkpoint_view()
    age = timedelta(seconds=result.age_seconds) if result.age_seconds is not None else None
    fy = fiscal_year(clock.today())
    return render(request, "office_audit.html", {
        "result": result, "verified_at": now.isoformat(), "checkpoint": checkpoint, "age": _age(age),
        "checkpoint_problem": None if result.ok or not result.chain_ok else result.reason,
        "years": [(y, format_fiscal_year(y)) for y in (fy, fy - 1)],
    })


def _age(delta: Any) -> str | None:
    if delta is None:
        return None
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{max(0, minutes)}分前"
    if minutes < 48 * 60:
        return f"{minutes // 60}時間前"
    return f"{minutes // (24 * 60)}日前"
