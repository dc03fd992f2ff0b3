"""Appeals (審査請求) and the review council (審査会): file, list, read, act; the council's referrals."""

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Request, Response

from api import idempotency, personal_data, presenters
from api.as_of import AsOf, cut_off
from api.auth import Principal
from api.authz import authorized, list_scope, sees_contact
from api.deps import AppState, state
from api.errors import ApiError
from api.idempotency import IdempotencyKey, body_hash
from api.ratelimit import registration_limit
from api.schemas import Body, IsoDateTime
from api.schemas_appeals import APPEAL_BODIES, COUNCIL_BODIES, FileAppealIn, NcndReportIn
from api.updates import STATUS_OF_REFUSAL, execute, start_case
from api.usecases.actions import request_action
from domain import clock
from domain.appeals import commands as c
from domain.appeals.decide import file as file_rules
from domain.clock import jst_date
from domain.era import fiscal_year
from domain.errors import Refusal
from domain.requests.challenges import challenged_decision
from kaiji.temporal import input_to_json
from store import cases, closures, events, registry, timetravel
from workflows.appeal import AppealResult, AppealWorkflow

router = APIRouter(prefix="/api/v1", tags=["appeals", "council"])


async def load_appeal(st: AppState, principal: Principal, appeal_id: str,
                      as_of: datetime | None = None) -> dict[str, Any]:
    """The appeal as ``principal`` may see it; ``as_of``: as it stood at that instant (no action offered)."""
    async with st.pool.acquire() as conn:
        row = await cases.get_appeal(conn, appeal_id)
        if row is None:
            raise ApiError(404, "No such appeal.")
        past = await timetravel.appeal_as_of(conn, appeal_id, as_of) if as_of else None
        if as_of and past is None:
            raise ApiError(404, f"The appeal had not been filed by {as_of.isoformat()}.")
        if past:
            row = past["row"]
        appellant = await st.vault.get(conn, row["state"]["appellant_party_id"])
        notices = past["notices"] if past else await cases.notices_of(conn, appeal_id)
        if appellant and sees_contact(principal):
            await personal_data.record_read(conn, principal, appeal_id, [appellant.party_id])
    body = presenters.appeal_detail(row, principal, appellant=appellant, notices=notices)
    return {**body, "as_of": as_of.isoformat(), "allowed_actions": []} if past else body


@router.post("/requests/{request_id}/appeals", status_code=201, summary="File an appeal (審査請求) against a request",
             dependencies=[Depends(registration_limit)])
async def file_appeal(request_id: str, body: FileAppealIn, response: Response,
                      principal: Principal = Depends(authorized),
                      st: AppState = Depends(state)) -> dict[str, Any]:
    now = clock.now()
    filed_on = body.filed_on or jst_date(now)
    async with st.pool.acquire() as conn:
        row = await cases.get_case(conn, request_id)
        added_closures = await closures.closure_dates(conn)  # the window rolls over closures added at run time
    if row is None:
        raise ApiError(404, "No such case.")
    req = row["state"]
    try:  # a request may have several decisions: the appeal names one (default: the last)
        decision = challenged_decision(req, body.decision_id)
    except Refusal as exc:
        raise ApiError(STATUS_OF_REFUSAL[exc.code], exc.message) from None
    objecting = tuple(p["party_id"] for p in req.get("third_parties", []) if p.get("objects"))

    def filing(appeal_id: str, appellant: str) -> c.FileAppeal:
        return c.FileAppeal(
            appeal_id=appeal_id, request_id=request_id, kind=body.kind, filed_on=filed_on.isoformat(),
            learned_on=(body.learned_on.isoformat() if body.learned_on
                        else decision.get("notice_delivered_on", req.get("notice_delivered_on"))),
            appellant_party_id=appellant, grounds=body.grounds, department=req["department"],
            decided_on=decision.get("decided_on"),
            decision={k: decision.get(k) for k in ("outcome", "documents", "exemptions", "reason_text",
                                                   "non_disclosure_ground", "decided_on", "decision_id")},
            third_party_objection=bool(objecting), third_parties=objecting,
            requester_party_id=req["requester_party_id"], actor=principal.actor, rules=st.profile.appeal_rules(added_closures),
            entered_at=now,
        )

    try:  # refuse before a number is taken, so the A- series has no gaps
        file_rules(filing("A-check", req["requester_party_id"]))
    except Refusal as exc:
        raise ApiError(STATUS_OF_REFUSAL[exc.code], exc.message) from None
    async with st.pool.acquire() as conn:
        async with conn.transaction():
            appeal_id = await registry.next_case_id(conn, "A", fiscal_year(filed_on))
            if body.appellant_party is None:
                appellant = req["requester_party_id"]
            else:
                p = body.appellant_party
                appellant = await st.vault.add(conn, party_role="appellant", party_type=p.type, name=p.name,
                                               address=p.address, case_id=appeal_id)
            inp = filing(appeal_id, appellant)
            await registry.save_registration(conn, f"auto:{appeal_id}", appeal_id, body_hash(body), kind="appeal",
                                             input=input_to_json(inp))
    await start_case(st.temporal, st.settings.task_queue, AppealWorkflow.run, inp, appeal_id,
                     AppealWorkflow.registered, AppealResult, noun="Appeal",
                     bound=st.settings.action_timeout_seconds)
    async with st.pool.acquire() as conn:
        await registry.mark_started(conn, appeal_id)
    response.headers["Location"] = f"/api/v1/appeals/{appeal_id}"
    return await load_appeal(st, principal, appeal_id)


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
    return await load_appeal(st, principal, appeal_id, cut_off(as_of))


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


async def perform_appeal(action: str, appeal_id: str, body: Body, principal: Principal, st: AppState) -> dict:
    data = body.model_dump(mode="json", exclude_none=True)
    data.pop("ncnd_reported", None)
    if "scope" in data:
        data["scope"] = tuple(c.ScopeItem(**i) for i in data["scope"])
    if "present" in data:
        data["present"] = tuple(data["present"])
    cmd = c.APPEAL_COMMANDS[action](actor=principal.actor, **data)
    await execute(st.temporal, st.pool, principal, appeal_id, action, cmd, AppealResult,
                  audit_name=f"appeal.{action}", bound=st.settings.action_timeout_seconds)
    return await load_appeal(st, principal, appeal_id)


def _appeal_route(action: str, model: type[Body]) -> None:
    async def handler(appeal_id: str, body: model, request: Request, response: Response,  # type: ignore[valid-type]
                      idempotency_key: IdempotencyKey = None, principal: Principal = Depends(authorized),
                      st: AppState = Depends(state)) -> dict[str, Any]:
        return await idempotency.once(st, principal, request, response, idempotency_key, body, appeal_id,
                                      lambda: perform_appeal(action, appeal_id, body, principal, st),
                                      lambda: load_appeal(st, principal, appeal_id))

    handler.__name__ = "appeal_" + action.replace("-", "_")
    router.post(f"/appeals/{{appeal_id}}/{action}", summary=f"Appeal action: {action}", name=handler.__name__)(handler)


for _action, _model in APPEAL_BODIES.items():
    _appeal_route(_action, _model)


@router.get("/council/referrals", summary="What the council has before it (referred appeals)")
async def referrals(principal: Principal = Depends(authorized), st: AppState = Depends(state)) -> dict:
    async with st.pool.acquire() as conn:
        rows = await cases.list_appeals(conn, status="referred") + await cases.list_appeals(conn, status="reported")
        items = []
        for row in rows:
            appellant = await st.vault.get(conn, row["state"]["appellant_party_id"])
            items.append(presenters.referral(row, appellant))
    return {"items": items}


def _council_route(action: str, model: type[Body]) -> None:
    async def handler(appeal_id: str, body: model, request: Request, response: Response,  # type: ignore[valid-type]
                      idempotency_key: IdempotencyKey = None, principal: Principal = Depends(authorized),
                      st: AppState = Depends(state)) -> dict[str, Any]:
        return await idempotency.once(st, principal, request, response, idempotency_key, body, appeal_id,
                                      lambda: council_act(action, appeal_id, body, principal, st),
                                      lambda: load_appeal(st, principal, appeal_id))

    handler.__name__ = "council_" + action.replace("-", "_")
    router.post(f"/council/referrals/{{appeal_id}}/{action}", summary=f"Council: {action}",
                name=handler.__name__)(handler)


async def council_act(action: str, appeal_id: str, body: Body, principal: Principal, st: AppState) -> dict:
    """A council act, then the neither-confirm-nor-deny reports it heard (each its own update)."""
    reported = getattr(body, "ncnd_reported", [])
    async with st.pool.acquire() as conn:  # all checked before anything is recorded
        for request_id in reported:
            report = await cases.council_report(conn, request_id)
            if report is None or report["reported_on"] is not None:
                raise ApiError(422, f"ncnd_reported: {request_id} is not a neither-confirm-nor-deny decision "
                                    "waiting to be reported to the council (see GET /api/v1/council/reports)")
    result = await perform_appeal(action, appeal_id, body, principal, st)
    for request_id in reported:
        session = f"{appeal_id} {action} {getattr(body, 'held_on', None) or ''}".strip()
        await request_action("record-ncnd-report", request_id,
                             NcndReportIn(reported_on=getattr(body, "held_on", None), session_ref=session),
                             principal, st)
    return result


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

