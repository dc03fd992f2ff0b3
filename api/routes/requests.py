"""Requests (情報公開請求 / 開示請求): register, list, read, timeline, staff actions.

The handlers parse and authorise; what they do lives in api/usecases (shared with the staff console)."""

from typing import Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from api import idempotency, presenters
from api.as_of import AsOf, cut_off
from api.auth import Principal
from api.authz import authorized, list_scope
from api.deps import AppState, state
from api.errors import ApiError
from api.idempotency import IdempotencyKey
from api.ratelimit import registration_limit
from api.schemas import ACTION_BODIES, Body, IsoDate, IsoDateTime, RequestIn
from api.usecases.actions import perform
from api.usecases.cases import load_case, timeline
from api.usecases.registration import register
from store import cases

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["requests"])


@router.post(
    "/requests",
    status_code=201,
    summary="Register a request (受付)",
    dependencies=[Depends(registration_limit)],
    responses={
        200: {
            "description": "Already registered with this Idempotency-Key: the case as it is now",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
async def create_request(
    body: RequestIn,
    response: Response,
    principal: Principal = Depends(authorized),
    st: AppState = Depends(state),
    idempotency_key: str | None = Header(default=None, max_length=200),
) -> dict[str, Any]:
    case, created = await register(st, principal, body, idempotency_key)
    if created:
        response.headers["Location"] = f"/api/v1/requests/{case['id']}"
    else:
        response.status_code = 200
    return case


@router.get("/requests", summary="List requests (from the case_view projection)")
async def list_requests(
    request: Request,
    status: str | None = None,
    department: str | None = None,
    overdue: bool | None = None,
    due_before: IsoDate | None = None,
    q: str | None = Query(default=None, max_length=200),
    limit: int = Query(default=50, ge=1, le=200),
    cursor: str | None = Query(default=None, max_length=40),
    requester_category: str | None = Query(default=None, max_length=40),
    principal: Principal = Depends(authorized),
    st: AppState = Depends(state),
) -> dict[str, Any]:
    if requester_category is not None and st.profile.requester_category(requester_category) is None:
        raise ApiError(422, f"requester_category: unknown requester category {requester_category!r}")
    scope = list_scope(principal)
    if scope is not None and department not in (None, scope):
        return {"items": [], "next_cursor": None}
    name_hash = None
    if q:
        try:
            name_hash = st.vault.name_hash(q)
        except ValueError:
            name_hash = None
    async with st.pool.acquire() as conn:
        rows = await cases.list_cases(
            conn,
            status=status,
            department=scope or department,
            overdue=overdue,
            due_before=due_before,
            q=q,
            name_hash=name_hash,
            limit=limit + 1,
            cursor=cursor,
            requester_category=requester_category,
        )
    items = [presenters.summary(r, st.profile) for r in rows[:limit]]
    return {"items": items, "next_cursor": items[-1]["id"] if len(rows) > limit else None}


@router.get("/requests/{case_id}", summary="One request with deadlines, parties, decision and notices")
async def get_request(
    case_id: str, as_of: IsoDateTime | None = AsOf, principal: Principal = Depends(authorized),
    st: AppState = Depends(state),
) -> dict:
    return await load_case(st, principal, case_id, cut_off(as_of))


@router.get("/requests/{case_id}/events", summary="The case timeline (event stream in order)")
async def get_events(
    case_id: str, principal: Principal = Depends(authorized), st: AppState = Depends(state)
) -> dict:
    return {"id": case_id, "events": await timeline(st, principal, case_id)}


def _action_route(action: str, model: type[Body]) -> None:
    async def handler(
        case_id: str,
        body: model,
        request: Request,
        response: Response,  # type: ignore[valid-type]
        idempotency_key: IdempotencyKey = None,
        principal: Principal = Depends(authorized),
        st: AppState = Depends(state),
    ) -> dict[str, Any]:
        return await idempotency.once(
            st,
            principal,
            request,
            response,
            idempotency_key,
            body,
            case_id,
            lambda: perform(action, case_id, body, principal, st),
            lambda: load_case(st, principal, case_id),
        )

    handler.__name__ = "request_" + action.replace("-", "_")
    router.post(f"/requests/{{case_id}}/{action}", summary=f"Staff action: {action}", name=handler.__name__)(
        handler
    )


for _action, _model in ACTION_BODIES.items():
    _action_route(_action, _model)
