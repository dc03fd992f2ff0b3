"""Revocation suits (取消訴訟) against a decision or a ruling: record, follow through the courts, list pending."""

from typing import Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import Field

from api import idempotency, presenters
from api.auth import Principal
from api.authz import authorized
from api.deps import AppState, state
from api.errors import ApiError
from api.idempotency import IdempotencyKey, body_hash
from api.schemas import Body, IsoDate
from api.updates import STATUS_OF_REFUSAL, execute, start_case
from domain import clock
from domain.clock import jst_date
from domain.era import fiscal_year
from domain.errors import Refusal
from domain.litigation import commands as c
from domain.litigation.decide import file as file_rules
from domain.requests.challenges import challenged_decision
from kaiji.temporal import input_to_json
from store import cases, events, registry
from workflows.litigation import SuitResult, SuitWorkflow

router = APIRouter(prefix="/api/v1", tags=["suits"])


class FileSuitIn(Body):
    filed_on: IsoDate | None = None
    learned_on: IsoDate | None = None
    court: str = Field(min_length=1, max_length=200)
    case_number: str = Field(min_length=1, max_length=200)
    decision_id: str | None = Field(default=None, min_length=1, max_length=40,
                                    description="the decision challenged (default: the request's last decision)")


class ScopeIn(Body):
    title: str = Field(min_length=1, max_length=400)
    disclosure: Literal["full", "partial", "withheld"]


class RecordJudgmentIn(Body):
    court_level: Literal["district", "high", "supreme"]
    judged_on: IsoDate | None = None
    served_on: IsoDate | None = None
    outcome: Literal["upheld", "revoked", "partly_revoked"]
    scope: list[ScopeIn] = Field(default_factory=list, max_length=200)
    text: str = Field(default="", max_length=8000)


class RecordSuitAppealIn(Body):
    filed_on: IsoDate | None = None
    court: str = Field(min_length=1, max_length=200)
    case_number: str = Field(default="", max_length=200)
    by: Literal["", "plaintiff", "defendant"] = ""


class RecordFinalIn(Body):
    final_on: IsoDate | None = None
    outcome: Literal["", "withdrawn", "settled"] = ""
    reason: str = Field(default="", max_length=4000)


SUIT_BODIES: dict[str, type[Body]] = {
    "record-judgment": RecordJudgmentIn, "record-appeal": RecordSuitAppealIn, "record-final": RecordFinalIn,
}


async def _file(st: AppState, principal: Principal, body: FileSuitIn, *, request_id: str,
                appeal_id: str | None) -> dict[str, Any]:
    now = clock.now()
    filed_on = body.filed_on or jst_date(now)
    async with st.pool.acquire() as conn:
        request = await cases.get_case(conn, request_id)
        appeal = await cases.get_appeal(conn, appeal_id) if appeal_id else None
    if request is None or (appeal_id and appeal is None):
        raise ApiError(404, "No such case.")
    if appeal is not None:  # against the ruling: learned of it when ruled; its scope is what stands
        ruling = appeal["state"].get("ruling") or {}
        decided_on = ruling.get("ruled_on")
        documents = ruling.get("scope") or appeal["state"]["decision"].get("documents") or []
        decision_id = appeal["state"]["decision"].get("decision_id") or ""
    else:
        try:  # a request may have several decisions: the suit names one (default: the last)
            decision = challenged_decision(request["state"], body.decision_id)
        except Refusal as exc:
            raise ApiError(STATUS_OF_REFUSAL[exc.code], exc.message) from None
        decided_on = decision.get("decided_on")
        documents = decision.get("documents") or []
        decision_id = decision.get("decision_id") or ""

    def filing(suit_id: str) -> c.FileSuit:
        return c.FileSuit(
            suit_id=suit_id, request_id=request_id, appeal_id=appeal_id,
            target="ruling" if appeal_id else "decision", filed_on=filed_on.isoformat(),
            learned_on=body.learned_on.isoformat() if body.learned_on else None, court=body.court,
            case_number=body.case_number, decided_on=decided_on, department=request["department"],
            documents=tuple(c.ScopeItem(d["title"], d.get("disclosure", "withheld")) for d in documents),
            decision_id=decision_id,
            actor=principal.actor, rules=c.SuitRules(extra_closures=tuple(
                d.isoformat() for d in st.profile.extra_closures)), entered_at=now,
        )

    try:
        file_rules(filing("L-check"))
    except Refusal as exc:
        raise ApiError(STATUS_OF_REFUSAL[exc.code], exc.message) from None
    async with st.pool.acquire() as conn:
        async with conn.transaction():
            suit_id = await registry.next_case_id(conn, "L", fiscal_year(filed_on))
            await registry.save_registration(conn, f"auto:{suit_id}", suit_id, body_hash(body), kind="suit",
                                             input=input_to_json(filing(suit_id)))
    await start_case(st.temporal, st.settings.task_queue, SuitWorkflow.run, filing(suit_id), suit_id,
                     SuitWorkflow.registered, SuitResult, noun="Suit",
                     bound=st.settings.action_timeout_seconds)
    async with st.pool.acquire() as conn:
        await registry.mark_started(conn, suit_id)
    return await _load(st, suit_id)


async def _load(st: AppState, suit_id: str) -> dict[str, Any]:
    async with st.pool.acquire() as conn:
        row = await cases.get_suit(conn, suit_id)
    if row is None:
        raise ApiError(404, "No such suit.")
    return presenters.suit_detail(row)


@router.post("/requests/{request_id}/suits", status_code=201, summary="Record a revocation suit against a decision")
async def suit_against_decision(request_id: str, body: FileSuitIn, response: Response,
                                principal: Principal = Depends(authorized), st: AppState = Depends(state)) -> dict:
    suit = await _file(st, principal, body, request_id=request_id, appeal_id=None)
    response.headers["Location"] = f"/api/v1/suits/{suit['id']}"
    return suit


@router.post("/appeals/{appeal_id}/suits", status_code=201, summary="Record a revocation suit against a ruling")
async def suit_against_ruling(appeal_id: str, body: FileSuitIn, response: Response,
                              principal: Principal = Depends(authorized), st: AppState = Depends(state)) -> dict:
    async with st.pool.acquire() as conn:
        appeal = await cases.get_appeal(conn, appeal_id)
    if appeal is None:
        raise ApiError(404, "No such appeal.")
    suit = await _file(st, principal, body, request_id=appeal["request_id"], appeal_id=appeal_id)
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
    return await _load(st, suit_id)


@router.get("/suits/{suit_id}/events", summary="The suit's timeline")
async def suit_events(suit_id: str, principal: Principal = Depends(authorized), st: AppState = Depends(state)) -> dict:
    await _load(st, suit_id)
    async with st.pool.acquire() as conn:
        stream = await events.read(conn, suit_id)
    return {"id": suit_id, "events": [presenters.event_view(e, principal) for e in stream]}


def _suit_route(action: str, model: type[Body]) -> None:
    async def handler(suit_id: str, body: model, request: Request, response: Response,  # type: ignore[valid-type]
                      idempotency_key: IdempotencyKey = None, principal: Principal = Depends(authorized),
                      st: AppState = Depends(state)) -> dict[str, Any]:
        async def act() -> dict[str, Any]:
            await _load(st, suit_id)
            data = body.model_dump(mode="json", exclude_none=True)
            if "scope" in data:
                data["scope"] = tuple(c.ScopeItem(**i) for i in data["scope"])
            cmd = c.SUIT_COMMANDS[action](actor=principal.actor, **data)
            await execute(st.temporal, st.pool, principal, suit_id, action, cmd, SuitResult,
                          audit_name=f"suit.{action}", bound=st.settings.action_timeout_seconds)
            return await _load(st, suit_id)

        return await idempotency.once(st, principal, request, response, idempotency_key, body, suit_id, act,
                                      lambda: _load(st, suit_id))

    handler.__name__ = "suit_" + action.replace("-", "_")
    router.post(f"/suits/{{suit_id}}/{action}", summary=f"Suit action: {action}", name=handler.__name__)(handler)


for _action, _model in SUIT_BODIES.items():
    _suit_route(_action, _model)
