"""The review council's pages (審査会): referred appeals, the referral page for deliberation, sessions, the report (答申), NCND decisions to report (issue 13).

Rows for these pages go in ``PAGES`` below; they join ``access.PAGES`` when the console is installed.

What the council sees of people: the appellant's name, nothing else (no address, phone or e-mail of
the requester or anyone); third parties are numbered. The pages read the same use cases as the JSON
routes (``api.usecases.appeals``: ``referrals``, ``council_act``, ``referral_pack``); the quorum shown
before saving is the domain's rule (``domain.appeals.decide._session``: members present from the
appeal's snapshot of the council ≥ its quorum, a majority of the members, 行審法 / 条例の審査会規定),
computed on the server, live with htmx and on a confirm step without JavaScript.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from activities.referral_pack import EVENT_LABELS, vaughn_index
from api import presenters
from api.auth import Principal
from api.authz import CO, RO, may_see
from api.console import access, forms
from api.console import labels as L
from api.console.access import Page
from api.console.routes import render, see_other
from api.errors import ApiError
from api.schemas_appeals import COUNCIL_BODIES, NcndReportIn
from api.usecases import appeals
from api.usecases.actions import request_action
from domain import clock
from store import cases, events, scopes

router = APIRouter(include_in_schema=False)

BASE = "/console/council"
COUNCIL_PAGE = Page(frozenset({CO, RO}))
PAGES: dict[str, Page] = {
    f"GET {BASE}/referrals": COUNCIL_PAGE,
    f"GET {BASE}/referrals/{{appeal_id}}": COUNCIL_PAGE,
    f"GET {BASE}/referrals/{{appeal_id}}/quorum": COUNCIL_PAGE,
    f"POST {BASE}/referrals/{{appeal_id}}/record-session": COUNCIL_PAGE,
    f"POST {BASE}/referrals/{{appeal_id}}/adopt-report": Page(frozenset({CO})),
    f"GET {BASE}/referrals/{{appeal_id}}/packs/{{version}}.pdf": COUNCIL_PAGE,
    f"GET {BASE}/reports": COUNCIL_PAGE,
    f"POST {BASE}/reports/{{request_id}}/mark-reported": Page(frozenset({CO, RO}), case_param="request_id"),
}

CONCLUSIONS = {"uphold": "原処分は妥当である", "disclose_in_part": "一部を公開すべきである",
               "disclose_in_full": "全部を公開すべきである", "other": "その他"}
APPEAL_STATUS = {"referred": "諮問中", "reported": "答申済み", "closed": "終結"}


def _st(request: Request) -> Any:
    return request.app.state.kaiji


async def _referral(request: Request, principal: Principal, appeal_id: str) -> tuple[dict[str, Any], Any]:
    """The referral as the council sees it (appellant's name only), or the same 404 as a missing one."""
    st = _st(request)
    async with st.pool.acquire() as conn:
        scope = await scopes.of_appeal(conn, appeal_id)
        row = await cases.get_appeal(conn, appeal_id) if scope and may_see(principal, scope) else None
        if row is None or not row["state"].get("referred_on"):
            raise access.PageRefused(404, "その諮問事件は見つかりません。")
        appellant = await st.vault.get(conn, row["state"]["appellant_party_id"])
        item = presenters.referral(row, appellant, await cases.notices_of(conn, appeal_id))
        stream = await events.read(conn, appeal_id)
    item["timeline"] = [{"on": e.occurred_at, "what": EVENT_LABELS.get(e.type, e.type),
                         "role": L.ROLES.get(e.role, e.role)} for e in reversed(stream)]
    return item, row["state"]


def quorum_of(state: dict[str, Any], present: list[str], profile: Any) -> dict[str, Any]:
    """Members present (of the appeal's council snapshot) against its quorum — the domain's own count."""
    rules = state.get("rules") or {}
    members = list(rules.get("council_members") or [m.id for m in profile.council.members])
    names = {m.id: m.name for m in profile.council.members}
    here = sorted(set(present) & set(members))
    quorum = int(rules.get("quorum") or profile.quorum())
    return {"present": len(here), "members": len(members), "quorum": quorum, "quorate": len(here) >= quorum,
            "names": [names.get(m, m) for m in here]}


def _members(state: dict[str, Any], profile: Any) -> list[dict[str, str]]:
    ids = (state.get("rules") or {}).get("council_members") or [m.id for m in profile.council.members]
    names = {m.id: m.name for m in profile.council.members}
    return [{"id": i, "name": names.get(i, i)} for i in ids]


async def _page(request: Request, principal: Principal, appeal_id: str, *, status: int = 200,
                failed: str | None = None, message: str | None = None, values: dict[str, Any] | None = None,
                confirm: dict[str, Any] | None = None) -> HTMLResponse:
    st = _st(request)
    item, state = await _referral(request, principal, appeal_id)
    async with st.pool.acquire() as conn:
        pending = [r for r in await cases.council_reports(conn) if r["reported_on"] is None]
    values = {"held_on": clock.today().isoformat(), "adopted_on": clock.today().isoformat(), "closed": "1",
              "present": [], **(values or {})}  # the other form's fields keep their defaults
    return render(request, "council_referral.html", {
        "item": item, "state": state, "members": _members(state, st.profile),
        "withheld": vaughn_index(state.get("decision") or {}, "", st.profile),
        "exemption": st.profile.exemption, "pending": pending, "failed": failed, "message": message,
        "values": values, "confirm": confirm, "conclusions": CONCLUSIONS, "status_label": APPEAL_STATUS,
        "quorum": quorum_of(state, list(values.get("present") or []), st.profile),
        "council": st.profile.council.name,
    }, status)


@router.get(f"{BASE}/referrals", response_class=HTMLResponse)
async def referral_list(request: Request, principal: Principal = Depends(access.page_user)) -> Response:
    items = await appeals.referrals(_st(request))
    items.sort(key=lambda i: (i["status"] != "referred", i.get("report_due") or "", i["id"]))
    return render(request, "council_referrals.html", {"items": items, "status_label": APPEAL_STATUS})


@router.get(f"{BASE}/referrals/{{appeal_id}}", response_class=HTMLResponse)
async def referral_page(appeal_id: str, request: Request, principal: Principal = Depends(access.page_user)) -> Response:
    return await _page(request, principal, appeal_id)


@router.get(f"{BASE}/referrals/{{appeal_id}}/quorum", response_class=HTMLResponse)
async def quorum_fragment(appeal_id: str, request: Request, principal: Principal = Depends(access.page_user)) -> Response:
    """The quorum line for the members ticked so far (htmx swaps it in as the boxes change)."""
    _, state = await _referral(request, principal, appeal_id)
    q = quorum_of(state, request.query_params.getlist("present"), _st(request).profile)
    return render(request, "council_quorum.html", {"quorum": q})


def _session_values(form: Any) -> dict[str, Any]:
    return {"held_on": str(form.get("held_on", "")).strip(), "present": form.getlist("present"),
            "closed": "1" if form.get("closed") else "", "in_camera": "1" if form.get("in_camera") else "",
            "oral_statement": "1" if form.get("oral_statement") else "", "minutes": str(form.get("minutes", "")),
            "ncnd_reported": form.getlist("ncnd_reported")}


@router.post(f"{BASE}/referrals/{{appeal_id}}/record-session", response_class=HTMLResponse)
async def record_session(appeal_id: str, request: Request, principal: Principal = Depends(access.page_user)) -> Response:
    st = _st(request)
    _, state = await _referral(request, principal, appeal_id)
    form = await request.form()
    values = _session_values(form)
    try:
        body = COUNCIL_BODIES["record-session"].model_validate({
            "held_on": values["held_on"] or None, "present": values["present"], "closed": bool(values["closed"]),
            "in_camera": bool(values["in_camera"]), "oral_statement": bool(values["oral_statement"]),
            "minutes": values["minutes"], "ncnd_reported": values["ncnd_reported"]})
    except ValidationError as exc:
        message = "；".join(forms.errors_of(exc, {}).values())
        return await _page(request, principal, appeal_id, status=422, failed="record-session",
                           message=f"入力内容に誤りがあります。{message}", values=values)
    if form.get("step") != "save":  # the confirm step: the quorum, computed here, before anything is saved
        return await _page(request, principal, appeal_id, failed="record-session", values=values,
                           confirm=quorum_of(state, values["present"], st.profile))
    try:
        await appeals.council_act("record-session", appeal_id, body, principal, st)
    except ApiError as exc:
        return await _page(request, principal, appeal_id, status=exc.status if exc.status < 500 else 503,
                           failed="record-session", message=L.japanese_message(exc.message), values=values)
    return see_other(f"{BASE}/referrals/{appeal_id}?recorded=session#sessions")


@router.post(f"{BASE}/referrals/{{appeal_id}}/adopt-report", response_class=HTMLResponse)
async def adopt_report(appeal_id: str, request: Request, principal: Principal = Depends(access.page_user)) -> Response:
    st = _st(request)
    await _referral(request, principal, appeal_id)
    form = await request.form()
    values = {k: str(form.get(k, "")).strip() for k in ("adopted_on", "conclusion", "text", "votes_for", "votes_against")}
    try:
        body = COUNCIL_BODIES["adopt-report"].model_validate({
            "adopted_on": values["adopted_on"] or None, "conclusion": values["conclusion"], "text": values["text"],
            "votes_for": values["votes_for"] or 0, "votes_against": values["votes_against"] or 0})
    except ValidationError as exc:
        message = "；".join(forms.errors_of(exc, {}).values())
        return await _page(request, principal, appeal_id, status=422, failed="adopt-report",
                           message=f"入力内容に誤りがあります。{message}", values=values)
    try:
        await appeals.council_act("adopt-report", appeal_id, body, principal, st)
    except ApiError as exc:
        return await _page(request, principal, appeal_id, status=exc.status if exc.status < 500 else 503,
                           failed="adopt-report", message=L.japanese_message(exc.message), values=values)
    return see_other(f"{BASE}/referrals/{appeal_id}?recorded=report#report")


@router.get(f"{BASE}/referrals/{{appeal_id}}/packs/{{version}}.pdf")
async def pack_pdf(appeal_id: str, version: int, request: Request,
                   principal: Principal = Depends(access.page_user)) -> Response:
    await _referral(request, principal, appeal_id)
    try:
        body = await appeals.referral_pack(_st(request), principal, appeal_id, version)
    except ApiError:
        raise access.PageRefused(404, "その版の諮問書はありません。") from None
    return Response(body, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{appeal_id}-pack-{version}.pdf"'})


async def _reports_page(request: Request, *, status: int = 200, message: str | None = None,
                        failed: str | None = None) -> HTMLResponse:
    async with _st(request).pool.acquire() as conn:
        rows = await cases.council_reports(conn)
    pending = [r for r in rows if r["reported_on"] is None]
    done = [r for r in rows if r["reported_on"] is not None]
    return render(request, "council_reports.html", {
        "pending": pending, "done": done, "message": message, "failed": failed,
        "clause_label": lambda c: (e.label if (e := _st(request).profile.exemption(c)) else c),
        "reported": request.query_params.get("reported")}, status)


@router.get(f"{BASE}/reports", response_class=HTMLResponse)
async def reports(request: Request, principal: Principal = Depends(access.page_user)) -> Response:
    return await _reports_page(request)


@router.post(f"{BASE}/reports/{{request_id}}/mark-reported", response_class=HTMLResponse)
async def mark_reported(request_id: str, request: Request, principal: Principal = Depends(access.page_user)) -> Response:
    form = await request.form()
    try:
        body = NcndReportIn.model_validate({"reported_on": str(form.get("reported_on", "")).strip() or None,
                                            "session_ref": str(form.get("session_ref", "")).strip()})
    except ValidationError as exc:
        message = "；".join(forms.errors_of(exc, {}).values())
        return await _reports_page(request, status=422, failed=request_id, message=f"入力内容に誤りがあります。{message}")
    try:
        await request_action("record-ncnd-report", request_id, body, principal, _st(request))
    except ApiError as exc:
        return await _reports_page(request, status=exc.status if exc.status < 500 else 503, failed=request_id,
                                   message=L.japanese_message(exc.message))
    return see_other(f"{BASE}/reports?reported={request_id}")
