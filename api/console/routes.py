"""The staff console: server-rendered pages (Jinja2, htmx-boosted) over the same use cases as the JSON API.

Front desk (情報公開コーナー): today's counter work, registration (受付), the case page with its 受付票.
Reviewer (担当課): the department's inbox by work_due, the case page, the actions as forms, the draft.
Approver (決裁権者): the approval queue, 「決裁する」/「差し戻す」. Every page passes ``access.page_user``.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from api.auth import Principal
from api.authz import AP, FD, RO, RV, list_scope
from api.console import access, explain, forms
from api.console import labels as L
from api.deps import AppState
from api.errors import ApiError
from api.schemas import ACTION_BODIES, RequestIn
from api.schemas_appeals import FileAppealIn
from api.usecases import requesters
from api.usecases.actions import perform
from api.usecases.appeals import file_appeal
from api.usecases.cases import load_case, timeline
from api.usecases.registration import register
from api.usecases.sign_in import (
    SignInForm,
    clear_session_cookies,
    close_session,
    open_session,
    same_origin,
    set_session_cookies,
    sign_in,
)
from domain import clock
from domain.deadlines import reminder_on, third_party_earliest_disclosure
from store import closures, worklists

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.filters.update(
    wareki=L.wareki, iso=L.iso, status=L.status_label, jp=L.japanese_message, jst_time=L.jst_time,
    step=explain.step,
)
templates.env.globals.update(L=L, forms=forms)
router = APIRouter(include_in_schema=False)


def _st(request: Request) -> AppState:
    return request.app.state.kaiji


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    status: int = 200,
    principal: Principal | None = None,
) -> HTMLResponse:
    principal = principal or getattr(request.state, "principal", None)
    profile = _st(request).profile

    def dept_name(code: str | None) -> str:
        d = profile.department(code) if code else None
        return d.name if d else (code or "")

    ctx = {
        "user": principal,
        "csrf": access.csrf_for(request, principal) if principal else "",
        "today": clock.today(),
        "dept_name": dept_name,
        **context,
    }
    return templates.TemplateResponse(request, name, ctx, status_code=status)


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# --- sign-in, sign-out -------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> Response:
    principal = await access.session_principal(request)
    if principal is None:
        return render(request, "sign_in.html", {"next": "/", "error": None, "username": ""})
    request.state.principal = principal
    st = _st(request)
    today = clock.today()
    async with st.pool.acquire() as conn:
        if principal.role == FD:
            ctx = {
                "received": await worklists.received_on(conn, day=today),
                "corrections": await worklists.with_status(conn, status="awaiting_correction"),
                "disclosures": await worklists.disclosures_between(
                    conn, first=today, last=today + timedelta(days=1)
                ),
            }
            return _home(request, "home_front_desk.html", ctx, parts=("received",))
        if principal.role in (RV, AP, RO):
            department = list_scope(principal)
            calendar = st.profile.calendar(await closures.closure_dates(conn))
            lead = st.profile.reminder_lead_days

            def soon_on(work_due: date) -> bool:
                """Amber from the reminder day on: ``lead`` open days before work_due (domain.deadlines)."""
                return today >= reminder_on(work_due, lead, calendar)

            ctx = {
                "inbox": await worklists.inbox(conn, department=department),
                "counts": await worklists.status_counts(conn, department=department),
                "lead": lead,
                "soon_on": soon_on,
            }
            if principal.role in (AP, RO):
                queue = await worklists.with_status(conn, status="pending_approval", department=department)
                ctx["queue"] = [r for r in queue if r["drafted_by"] != principal.username]
                ctx["own_drafts"] = [r for r in queue if r["drafted_by"] == principal.username]
            return _home(request, "home_department.html", ctx, parts=("inbox",))
    if principal.role == "council":  # the council's work starts from what is referred to it
        return see_other("/console/council/referrals")
    if principal.role == "admin":  # the admin's world is staff accounts, never case content
        return see_other("/console/admin/users")
    return render(request, "home_other.html", {})


def _home(request: Request, name: str, ctx: dict[str, Any], *, parts: tuple[str, ...]) -> HTMLResponse:
    """The home page, or one of its lists alone (``?part=``) when htmx refreshes it."""
    part = request.query_params.get("part")
    if part in parts and request.headers.get("hx-request"):
        return render(request, f"part_{part}.html", ctx)
    return render(request, name, ctx)


@router.get("/console/sign-in", response_class=HTMLResponse)
async def sign_in_page(request: Request, next: str = "/") -> Response:
    message = "セッションの有効期限が切れました。もう一度ログインしてください。" if next != "/" else None
    return render(
        request,
        "sign_in.html",
        {"next": access.safe_next(next), "error": None, "notice": message, "username": ""},
    )


@router.post("/console/sign-in", response_class=HTMLResponse)
async def sign_in_submit(request: Request) -> Response:
    form = await request.form()
    next_url = access.safe_next(str(form.get("next", "/")))
    username, password = str(form.get("username", "")).strip(), str(form.get("password", ""))
    st = _st(request)

    def again(message: str, status: int) -> HTMLResponse:
        return render(
            request, "sign_in.html", {"next": next_url, "error": message, "username": username}, status
        )

    if not username or not password or len(username) > 200 or len(password) > 1024:
        return again("ユーザー名とパスワードを入力してください。", 422)
    try:
        same_origin(request, st)
        user = await sign_in(st, SignInForm(username=username, password=password), "session", request)
    except ApiError as exc:
        if exc.status == 429:
            return again(
                "ログインの失敗が続いたため、しばらくの間ログインできません。時間をおいてやり直してください。",
                429,
            )
        if exc.status == 403:
            return again("この画面から送信されたフォームではありません。もう一度ログインしてください。", 403)
        return again("ユーザー名又はパスワードが違います。", 401)
    session_id, csrf, _ = await open_session(st, request, user)
    response = see_other(next_url)
    set_session_cookies(response, request, session_id, csrf)
    return response


@router.post("/console/sign-out")
async def sign_out(request: Request, principal: Principal = Depends(access.page_user)) -> Response:
    await close_session(_st(request), principal)
    response = see_other("/console/sign-in?signed_out=1")
    clear_session_cookies(response, request)
    return response


# --- registration (受付) -----------------------------------------------------------------------------


def _registration_context(
    st: AppState, values: dict[str, str], errors: dict[str, str], message: str | None = None
) -> dict[str, Any]:
    return {
        "values": values,
        "errors": errors,
        "message": message,
        "profile": st.profile,
        "key": values.get("key") or uuid.uuid4().hex,
        "matches": None,
        "similar": [],
    }


@router.get("/console/requests/new", response_class=HTMLResponse)
async def registration_form(
    request: Request, party: str | None = None, principal: Principal = Depends(access.page_user)
) -> Response:
    values = {
        "received_on": clock.today().isoformat(),
        "channel": "counter",
        "kind": "public_records",
        "preferred_method": "viewing",
        "requester_type": "individual",
    }
    if party:  # 「この請求者の情報を使う」: an earlier requester's stored data fills the form
        known = await requesters.known_party(_st(request), principal, party[:40])
        if known is None:
            raise access.PageRefused(404, "その請求者は見つかりません。")
        values.update(known)
    return render(request, "register.html", _registration_context(_st(request), values, {}))


@router.get("/console/requesters", response_class=HTMLResponse)
async def requester_search(
    request: Request, name: str = "", principal: Principal = Depends(access.page_user)
) -> Response:
    """Earlier requesters by name: the matches alone for htmx, the registration form around them otherwise."""
    name = name.strip()[:200]
    matches = await requesters.find_known(_st(request), principal, name) if name else []
    ctx = {"matches": matches, "search_name": name}
    if request.headers.get("hx-request") and not request.headers.get("hx-boosted"):
        return render(request, "requester_matches.html", ctx)
    values = {"received_on": clock.today().isoformat(), "channel": "counter", "kind": "public_records",
              "preferred_method": "viewing", "requester_type": "individual", "name": name}
    return render(request, "register.html", {**_registration_context(_st(request), values, {}), **ctx})


@router.post("/console/requests", response_class=HTMLResponse)
async def registration_submit(request: Request, principal: Principal = Depends(access.page_user)) -> Response:
    st = _st(request)
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    try:
        body = RequestIn.model_validate(forms.registration_body(values))
    except ValidationError as exc:
        errors = forms.errors_of(exc, forms.registration_paths())
        return render(request, "register.html", _registration_context(st, values, errors), 422)
    if values.get("similar_ack") != "1":  # a warning the clerk has not seen yet: show it, register nothing
        similar = await requesters.similar_recent(st, body.requester.name, body.subject)
        if similar:
            return render(request, "register.html", {**_registration_context(st, values, {}), "similar": similar})
    try:
        # The form's own key: a second click on 「受付する」 answers the same case, never a second one.
        case, _ = await register(
            st,
            principal,
            body,
            idempotency_key=f"console:{values.get('key', '')}" if values.get("key") else None,
        )
    except ApiError as exc:
        field = exc.message.split(":", 1)[0] if ":" in exc.message else ""
        errors = {field: L.japanese_message(exc.message)} if field in forms.REGISTRATION_FIELDS else {}
        return render(
            request,
            "register.html",
            _registration_context(st, values, errors, None if errors else L.japanese_message(exc.message)),
            exc.status if exc.status < 500 else 503,
        )
    return see_other(f"/console/requests/{case['id']}?registered=1")


# --- the case page and its actions ------------------------------------------------------------------


def _as_of_day(value: str | None) -> datetime | None:
    """「この日の状態を表示する」: the end of a past day (Japan time); today, a future or a bad date: live."""
    try:
        day = date.fromisoformat(value) if value else None
    except ValueError:
        return None
    if day is None or day >= clock.today():
        return None
    return datetime.combine(day, time.max, tzinfo=clock.JST)


async def _case_page(
    request: Request,
    principal: Principal,
    case_id: str,
    *,
    status: int = 200,
    failed: str | None = None,
    message: str | None = None,
    errors: dict[str, str] | None = None,
    values: Any = None,
    parts: int = 1,
) -> HTMLResponse:
    st = _st(request)
    as_of = _as_of_day(request.query_params.get("as_of"))
    try:
        case = await load_case(st, principal, case_id, as_of)
        events = await timeline(st, principal, case_id)
    except ApiError as exc:
        if as_of and exc.status == 404:
            raise access.PageRefused(404, "その日にはまだ受け付けていない請求です。") from None
        raise access.PageRefused(exc.status, "その請求は見つかりません。") from None
    if as_of:  # the timeline as far as it had come
        events = [e for e in events if datetime.fromisoformat(e["occurred_at"]) <= as_of]
    objected = any(p.get("objects") for p in case.get("third_parties", []))
    proposed = third_party_earliest_disclosure(clock.today()) if objected else clock.today()
    actions = [a for a in case["allowed_actions"] if a in forms.CONSOLE_ACTIONS]
    if (
        principal.role == AP
        and case.get("draft")
        and (case["draft"] or {}).get("drafted_by") == principal.username
    ):
        actions = [a for a in actions if a != "approve-decision"]
    return render(
        request,
        "case.html",
        {
            "case": case,
            "events": list(reversed(events)),
            "actions": actions,
            "failed": failed,
            "message": message,
            "errors": errors or {},
            "values": values or {},
            "parts": parts,
            "proposed_disclosure": proposed,
            "as_of": as_of,
            "profile": st.profile,
            "registered": request.query_params.get("registered") == "1",
            "appealed": (request.query_params.get("appealed") or "")[:40],
            "takes_appeals": principal.role in (FD, RO)
            and not as_of
            and case.get("status") != "under_appeal"  # taken: the records officer has it now
            and bool(case.get("decisions") or case.get("overdue")),
        },
        status,
    )


@router.get("/console/requests/{case_id}", response_class=HTMLResponse)
async def case_page(
    case_id: str, request: Request, principal: Principal = Depends(access.page_user)
) -> Response:
    return await _case_page(request, principal, case_id)


@router.post("/console/requests/{case_id}/appeals", response_class=HTMLResponse)
async def take_appeal(
    case_id: str, request: Request, principal: Principal = Depends(access.page_user)
) -> Response:
    """審査請求の受付 at the counter (行政不服審査法19条: the written appeal handed in): the same use case as the
    API's ``POST /requests/{id}/appeals``; a refusal is shown beside the form with what was typed."""
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    try:
        body = FileAppealIn.model_validate(forms.appeal_body(form))
    except ValidationError as exc:
        errors = forms.errors_of(exc, {name: name for name in forms.APPEAL_FIELDS})
        return await _case_page(request, principal, case_id, status=422, failed="file-appeal", values=values,
                                errors=errors, message="入力内容に誤りがあります。")
    try:
        appeal_id = await file_appeal(_st(request), principal, case_id, body)
    except ApiError as exc:
        return await _case_page(request, principal, case_id, status=exc.status if exc.status < 500 else 503,
                                failed="file-appeal", values=values, message=L.japanese_message(exc.message))
    return see_other(f"/console/requests/{case_id}?appealed={appeal_id}")


# declared after the appeal route: a route with a literal last segment must come before {action}
@router.post("/console/requests/{case_id}/{action}", response_class=HTMLResponse)
async def case_action(
    case_id: str, action: str, request: Request, principal: Principal = Depends(access.page_user)
) -> Response:
    if action not in forms.CONSOLE_ACTIONS:
        raise access.PageRefused(404, "そのような操作はありません。")
    form = await request.form()
    values = {k: (form.getlist(k) if k.endswith(".clause") else str(v)) for k, v in form.items()}
    if action == "draft-decision" and form.get("add_part"):
        return await _case_page(
            request,
            principal,
            case_id,
            failed=action,
            values=values,
            parts=min(forms.MAX_PARTS, forms.part_count(form) + 1),
        )
    parts = forms.part_count(form)
    try:
        body = ACTION_BODIES[action].model_validate(forms.action_body(action, form))
    except ValidationError as exc:
        return await _case_page(
            request,
            principal,
            case_id,
            status=422,
            failed=action,
            values=values,
            parts=parts,
            errors=forms.errors_of(exc, forms.action_paths(action)),
            message="入力内容に誤りがあります。",
        )
    try:
        await perform(action, case_id, body, principal, _st(request))
    except ApiError as exc:
        return await _case_page(
            request,
            principal,
            case_id,
            status=exc.status if exc.status < 500 else 503,
            failed=action,
            values=values,
            parts=parts,
            message=L.japanese_message(exc.message),
        )
    return see_other(f"/console/requests/{case_id}#timeline")


def page_refused(request: Request, exc: access.PageRefused) -> HTMLResponse:
    titles = {403: "この操作はできません", 404: "ページが見つかりません"}
    return render(
        request, "error.html", {"title": titles.get(exc.status, "エラー"), "message": exc.message}, exc.status
    )


def sign_in_required(request: Request, exc: access.SignInRequired) -> Response:
    url = access.sign_in_url(exc.next_url)
    if request.headers.get("hx-request"):  # htmx: a full navigation to the sign-in page
        return Response(status_code=200, headers={"HX-Redirect": url})
    return see_other(url)
