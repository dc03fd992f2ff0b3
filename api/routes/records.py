"""Notices and the audit log."""

from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, Response

from api import personal_data, presenters
from api.auth import Principal
from api.authz import authorized
from api.deps import AppState, state
from api.errors import ApiError
from api.schemas import IsoDateTime
from kaiji import audit_checkpoint
from store import audit, cases

router = APIRouter(prefix="/api/v1", tags=["notices", "audit"])


@router.get("/requests/{case_id}/notices", summary="Notices issued on a request")
async def request_notices(case_id: str, principal: Principal = Depends(authorized), st: AppState = Depends(state)) -> dict:
    async with st.pool.acquire() as conn:
        notices = await cases.notices_of(conn, case_id)
    return {"items": [presenters.notice_meta(n) for n in notices]}


async def _notice(st: AppState, principal: Principal, notice_id: str, *, content: bool) -> Any:
    """A notice's row. Its content (PDF/HTML) names and addresses a person: reading it is a
    ``personal_data.read`` audit entry, like reading a case's contact data (ASVS V7.1.3 / V8.3.5)."""
    async with st.pool.acquire() as conn:
        n = await cases.notice(conn, notice_id, cipher=st.secrets.cipher if content else None)
        if n is None:
            raise ApiError(404, "No such notice.")
        if content:
            await personal_data.record_read(conn, principal, n["case_id"], [n["party_id"]], notice_id=notice_id)
    return n


@router.get("/notices/{notice_id}.pdf", summary="The notice as PDF", response_class=Response)
async def notice_pdf(notice_id: str, principal: Principal = Depends(authorized), st: AppState = Depends(state)) -> Response:
    n = await _notice(st, principal, notice_id, content=True)
    if n["pdf"] is None:
        raise ApiError(404, "This notice has no PDF rendering.")
    return Response(bytes(n["pdf"]), media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{notice_id}.pdf"'})


@router.get("/notices/{notice_id}.html", summary="The notice as HTML", response_class=HTMLResponse)
async def notice_html(notice_id: str, principal: Principal = Depends(authorized), st: AppState = Depends(state)) -> HTMLResponse:
    n = await _notice(st, principal, notice_id, content=True)
    return HTMLResponse(n["html"])


@router.get("/notices/{notice_id}", summary="Notice metadata (type, number, issued_on, sha256)")
async def notice_meta(notice_id: str, principal: Principal = Depends(authorized), st: AppState = Depends(state)) -> dict:
    n = await _notice(st, principal, notice_id, content=False)
    return {**presenters.notice_meta(n), "case_id": n["case_id"]}


@router.get("/audit", summary="Audit entries (records officer)")
async def audit_entries(
    entity_id: str | None = Query(default=None, max_length=40), actor: str | None = Query(default=None, max_length=80),
    since: IsoDateTime | None = None, limit: int = Query(default=100, ge=1, le=1000),
    principal: Principal = Depends(authorized), st: AppState = Depends(state),
) -> dict:
    async with st.pool.acquire() as conn:
        rows = await audit.entries(conn, entity_id=entity_id, actor=actor, since=since, limit=limit)
    return {"items": [
        {"seq": r["seq"], "at": r["at"].isoformat(), "actor": r["actor"], "role": r["role"], "action": r["action"],
         "entity_id": r["entity_id"], "detail": r["detail"], "hash": r["hash"]} for r in rows]}


@router.get("/audit/verify", summary="Recompute the audit chain and check the newest signed checkpoint")
async def audit_verify(principal: Principal = Depends(authorized), st: AppState = Depends(state)) -> dict:
    """``checkpoint`` (null until the first one): the newest signed head's seq, when it was signed, its age in
    seconds and whether it is valid and the chain still matches it (kaiji/audit_checkpoint.py); ``ok`` is
    false when it is not."""
    async with st.pool.acquire() as conn:
        result = await audit_checkpoint.verify(conn, st.settings)
    return {"ok": result.ok, "entries": result.entries, "head": result.head, "broken_seq": result.broken_seq,
            "reason": result.reason if not result.ok else None, "checkpoint": result.checkpoint_view()}
