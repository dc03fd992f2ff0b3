"""Appeals (審査請求) and the review council (審査会): file, list, read, act; the council's referrals.

The use cases live in ``api.usecases.appeals`` (the console calls them too); these are the JSON routes."""

from typing import Any

from fastapi import APIRouter, Depends, Request, Response

from api import idempotency, presenters
from api.as_of import AsOf, cut_off
from api.auth import Principal
from api.authz import authorized, list_scope
from api.deps import AppState, state
from api.idempotency import IdempotencyKey
from api.ratelimit import registration_limit
from api.schemas import Body, IsoDateTime
from api.schemas_appeals import APPEAL_BODIES, COUNCIL_BODIES, FileAppealIn, NcndReportIn
from api.usecases import appeals
from api.usecases.actions import request_action
from store import cases, events

router = APIRouter(prefix="/api/v1", tags=["appeals", "council"])


@router.post("/requests/{request_id}/appeals", status_code=201, summary="File an appeal (審査請求) against a request",
             dependencies=[Depends(registration_limit)])
async def file_appeal(request_id: str, body: FileAppealIn, response: Response,
                      principal: Principal = Depends(authorized),
                      st: AppState = Depends(state)) -> dict[str, Any]:
    appeal_id = await appeals.file_appeal(st, principal, request_id, body)
    response.headers["Location"] = f"/api/v1/appeals/{appeal_id}"
    return await appeals.load_appeal(st, principal, appeal_id)


@router.get("/appeals", summary="List appeals")
async def list_appeals(status: str | None = None, principal: Principal = Depends(authorized),
                       st: AppState = Depends(state)) -> dict[str, Any]:
    scope = list_scope(principal)
    async with st.pool.acquire() as conn:
        rows = await cases.list_appeals(conn, status=status, department=scope)
    return {"items": [presenters.appeal_summary(r) for r in rows]}


@router.get("/appeals/{appeal_id}", summary="One appeal with its decision, sessions, report and ruling")
async def get_appeal(appeal_id: str, as_of: IsoDateTime | None = AsOf, principal: Principal = Depends(authorized),
                     st: AppState = Depends(state)) -> dict[str, Any]:
    return await appeals.load_appeal(st, principal, appeal_id, cut_off(as_of))


@router.get("/appeals/{appeal_id}/events", summary="The appeal's timeline")
async def appeal_events(appeal_id: str, principal: Principal = Depends(authorized),
                        st: AppState = Depends(state)) -> dict[str, Any]:
    async with st.pool.acquire() as conn:  # the gate has checked the appeal exists and may be seen
        stream = await events.read(conn, appeal_id)
    return {"id": appeal_id, "events": [presenters.event_view(e, principal) for e in stream]}


@router.get("/appeals/{appeal_id}/notices", summary="Notices issued on an appeal")
async def appeal_notices(appeal_id: str, principal: Principal = Depends(authorized),
                         st: AppState = Depends(state)) -> dict[str, Any]:
    async with st.pool.acquire() as conn:
        return {"items": [presenters.notice_meta(n) for n in await cases.notices_of(conn, appeal_id)]}


def _appeal_route(action: str, model: type[Body]) -> None:
    async def handler(appeal_id: str, body: model, request: Request, response: Response,  # type: ignore[valid-type]
                      idempotency_key: IdempotencyKey = None, principal: Principal = Depends(authorized),
                      st: AppState = Depends(state)) -> dict[str, Any]:
        return await idempotency.once(st, principal, request, response, idempotency_key, body, appeal_id,
                                      lambda: appeals.perform_appeal(action, appeal_id, body, principal, st),
                                      lambda: appeals.load_appeal(st, principal, appeal_id))

    handler.__name__ = "appeal_" + action.replace("-", "_")
    router.post(f"/appeals/{{appeal_id}}/{action}", summary=f"Appeal action: {action}", name=handler.__name__)(handler)


for _action, _model in APPEAL_BODIES.items():
    _appeal_route(_action, _model)


@router.get("/council/referrals", summary="What the council has before it (referred appeals)")
async def referrals(principal: Principal = Depends(authorized), st: AppState = Depends(state)) -> dict:
    return {"items": await appeals.referrals(st)}


@router.get("/council/referrals/{appeal_id}/packs/{version}.pdf", response_class=Response,
            summary="One version of the referral pack (諮問書と関係書類) as PDF")
async def referral_pack_pdf(appeal_id: str, version: int, principal: Principal = Depends(authorized),
                            st: AppState = Depends(state)) -> Response:
    body = await appeals.referral_pack(st, principal, appeal_id, version)
    return Response(body, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{appeal_id}-pack-{version}.pdf"'})


def _council_route(action: str, model: type[Body]) -> None:
    async def handler(appeal_id: str, body: model, request: Request, response: Response,  # type: ignore[valid-type]
                      idempotency_key: IdempotencyKey = None, principal: Principal = Depends(authorized),
                      st: AppState = Depends(state)) -> dict[str, Any]:
        return await idempotency.once(st, principal, request, response, idempotency_key, body, appeal_id,
                                      lambda: appeals.council_act(action, appeal_id, body, principal, st),
                                      lambda: appeals.load_appeal(st, principal, appeal_id))

    handler.__name__ = "council_" + action.replace("-", "_")
    router.post(f"/council/referrals/{{appeal_id}}/{action}", summary=f"Council: {action}",
                name=handler.__name__)(handler)


for _action, _model in COUNCIL_BODIES.items():
    _council_route(_action, _model)


@router.post("/council/reports/{request_id}/mark-reported",
             summary="Record that the council heard a neither-confirm-nor-deny decision")
async def mark_reported(request_id: str, body: NcndReportIn, request: Request, response: Response,
                        idempotency_key: IdempotencyKey = None, principal: Principal = Depends(authorized),
                        st: AppState = Depends(state)) -> dict[str, Any]:
    async def report() -> dict[str, Any]:
        async with st.pool.acquire() as conn:
            row = await cases.council_report(conn, request_id)
        return {"case_id": request_id,
                "reported_on": row["reported_on"].isoformat() if row and row["reported_on"] else None}

    async def act() -> dict[str, Any]:
        await request_action("record-ncnd-report", request_id, body, principal, st)
        return await report()

    return await idempotency.once(st, principal, request, response, idempotency_key, body, request_id, act, report)

