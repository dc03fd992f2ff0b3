"""Revocation suits (取消訴訟) against a decision or a ruling: record, follow through the courts, list pending.

The use cases live in ``api.usecases.suits`` (the console calls them too); these are the JSON routes."""

from typing import Any, Literal

from fastapi import APIRouter, Depends, Request, Response

from api import idempotency, presenters
from api.auth import Principal
from api.authz import authorized
from api.deps import AppState, state
from api.errors import ApiError
from api.idempotency import IdempotencyKey
from api.schemas import Body
from api.schemas_suits import SUIT_BODIES, FileSuitIn
from api.usecases import suits
from store import cases, events

router = APIRouter(prefix="/api/v1", tags=["suits"])




@router.post("/requests/{request_id}/suits", status_code=201, summary="Record a revocation suit against a decision")
async def suit_against_decision(request_id: str, body: FileSuitIn, response: Response,
                                principal: Principal = Depends(authorized), st: AppState = Depends(state)) -> dict:
    suit = await suits.file_suit(st, principal, body, request_id=request_id, appeal_id=None)
    response.headers["Location"] = f"/api/v1/suits/{suit['id']}"
    return suit


@router.post("/appeals/{appeal_id}/suits", status_code=201, summary="Record a revocation suit against a ruling")
async def suit_against_ruling(appeal_id: str, body: FileSuitIn, response: Response,
                              principal: Principal = Depends(authorized), st: AppState = Depends(state)) -> dict:
    async with st.pool.acquire() as conn:
        appeal = await cases.get_appeal(conn, appeal_id)
    if appeal is None:
        raise ApiError(404, "No such appeal.")
    suit = await suits.file_suit(st, principal, body, request_id=appeal["request_id"], appeal_id=appeal_id)
    response.headers["Location"] = f"/api/v1/suits/{suit['id']}"
    return suit


@router.get("/suits", summary="Suits; status=pending lists those still before a court (係争中)")
async def list_suits(status: Literal["pending", "final"] | None = None, principal: Principal = Depends(authorized),
                     st: AppState = Depends(state)) -> dict[str, Any]:
    async with st.pool.acquire() as conn:
        rows = await cases.list_suits(conn, status=status)
    return {"items": [presenters.suit_summary(r) for r in rows]}


@router.get("/suits/{suit_id}", summary="One suit with its judgments")
async def get_suit(suit_id: str, principal: Principal = Depends(authorized), st: AppState = Depends(state)) -> dict:
    return await suits.load_suit(st, suit_id)


@router.get("/suits/{suit_id}/events", summary="The suit's timeline")
async def suit_events(suit_id: str, principal: Principal = Depends(authorized), st: AppState = Depends(state)) -> dict:
    await suits.load_suit(st, suit_id)
    async with st.pool.acquire() as conn:
        stream = await events.read(conn, suit_id)
    return {"id": suit_id, "events": [presenters.event_view(e, principal) for e in stream]}


def _suit_route(action: str, model: type[Body]) -> None:
    async def handler(suit_id: str, body: model, request: Request, response: Response,  # type: ignore[valid-type]
                      idempotency_key: IdempotencyKey = None, principal: Principal = Depends(authorized),
                      st: AppState = Depends(state)) -> dict[str, Any]:
        async def act() -> dict[str, Any]:
            return await suits.perform_suit(action, suit_id, body, principal, st)

        return await idempotency.once(st, principal, request, response, idempotency_key, body, suit_id, act,
                                      lambda: suits.load_suit(st, suit_id))

    handler.__name__ = "suit_" + action.replace("-", "_")
    router.post(f"/suits/{{suit_id}}/{action}", summary=f"Suit action: {action}", name=handler.__name__)(handler)


for _action, _model in SUIT_BODIES.items():
    _suit_route(_action, _model)
