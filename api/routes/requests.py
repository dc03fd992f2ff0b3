"""Requests (情報公開請求 / 開示請求): register, list, read, timeline, staff actions."""

import hashlib
import json
from dataclasses import fields as dc_fields
from typing import Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from api import idempotency, personal_data, presenters, self_information
from api.auth import Principal
from api.authz import authorized, list_scope, sees_contact
from api.deps import AppState, state
from api.errors import ApiError
from api.idempotency import IdempotencyKey
from api.ratelimit import registration_limit
from api.schemas import ACTION_BODIES, Body, IsoDate, RequestIn
from api.updates import execute, start_case
from domain import clock
from domain.clock import jst_date
from domain.era import fiscal_year
from domain.errors import Refusal
from domain.requests import commands as c
from domain.requests.categories import requester_category
from domain.requests.registration import RegisterRequest
from domain.requests.transfer import transfer_target
from domain.requests.transitions import CLOSED, TRANSITIONS
from kaiji.security import sealed
from kaiji.temporal import input_from_json, input_to_json
from store import cases, closures, events, registry
from workflows.request import ActionResult, RequestWorkflow

router = APIRouter(prefix="/api/v1", tags=["requests"])


async def load_case(st: AppState, principal: Principal, case_id: str) -> dict[str, Any]:
    async with st.pool.acquire() as conn:
        row = await cases.get_case(conn, case_id)
        if row is None:
            raise ApiError(404, "No such case.")
        requester = await st.vault.get(conn, row["requester_party_id"]) if row["requester_party_id"] else None
        third = {}
        for p in row["state"].get("third_parties", []):
            party = await st.vault.get(conn, p["party_id"])
            if party:
                third[p["party_id"]] = party
        body = presenters.detail(
            row, principal, st.profile, requester=requester, third_parties=third,
            deadlines=await cases.deadlines(conn, case_id), notices=await cases.notices_of(conn, case_id),
        )
        if sees_contact(principal):
            await personal_data.record_read(conn, principal, case_id, [row["requester_party_id"], *third])
    return body


def _request_hash(body: RequestIn) -> str:
    return hashlib.sha256(json.dumps(body.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()


@router.post("/requests", status_code=201, summary="Register a request (受付)",
             dependencies=[Depends(registration_limit)],
             responses={200: {"description": "Already registered with this Idempotency-Key: the case as it is now",
                              "content": {"application/json": {"schema": {"type": "object"}}}}})
async def create_request(
    body: RequestIn, response: Response, principal: Principal = Depends(authorized),
    st: AppState = Depends(state),
    idempotency_key: str | None = Header(default=None, max_length=200),
) -> dict[str, Any]:
    if st.profile.department(body.department) is None:
        raise ApiError(422, f"department: unknown department code {body.department!r}")
    try:
        category = requester_category(st.profile, body.requester_category, body.requester.address,
                                      body.requester.type)
    except Refusal as exc:
        raise ApiError(422, exc.message) from None
    now = clock.now()
    received_on = body.received_on or jst_date(now)
    if received_on > jst_date(now):
        raise ApiError(422, "received_on: cannot be in the future")
    digest = _request_hash(body)

    self_info: dict[str, Any] = {}

    def registration(case_id: str, party_id: str, added_closures: tuple) -> RegisterRequest:
        return RegisterRequest(**self_info,
            case_id=case_id, kind=body.kind, received_on=received_on.isoformat(), channel=body.channel,
            subject=body.subject, department=body.department, preferred_method=body.preferred_method,
            requester_party_id=party_id, requester_type=body.requester.type, actor=principal.actor,
            rules=st.profile.case_rules(body.kind, added_closures), entered_at=now, requester_category=category,
        )

    async with st.pool.acquire() as conn:
        added_closures = await closures.closure_dates(conn)  # 臨時閉庁日 added at run time (POST /calendar/closures)
        identity, self_info = await self_information.intake(conn, body, received_on,
                                                            st.profile.case_rules(body.kind, added_closures))
        existing = await registry.find_registration(conn, idempotency_key) if idempotency_key else None
        if existing is not None:
            if existing["request_hash"] != digest:
                raise ApiError(409, "This Idempotency-Key was already used for a different request.")
            if existing["started"]:
                response.status_code = 200
                return await load_case(st, principal, existing["case_id"])
            case_id = existing["case_id"]
            if existing["input"] is not None:  # the first attempt's input (its entry time) starts the case
                inp = input_from_json(existing["input"], RegisterRequest)
            else:
                inp = registration(case_id, await st.vault.requester_of(conn, case_id), added_closures)
        else:
            async with conn.transaction():
                case_id = await registry.next_case_id(conn, "R", fiscal_year(received_on))
                r = body.requester
                party_id = await st.vault.add(conn, party_role="requester", party_type=r.type, name=r.name,
                                              address=r.address, phone=r.phone, email=r.email, case_id=case_id,
                                              identity=identity)
                inp = registration(case_id, party_id, added_closures)
                await registry.save_registration(conn, idempotency_key or f"auto:{case_id}", case_id, digest,
                                                 input=input_to_json(inp))
    await start_case(st.temporal, st.settings.task_queue, RequestWorkflow.run, inp, case_id,
                     RequestWorkflow.registered, ActionResult, noun="Case",
                     bound=st.settings.action_timeout_seconds,
                     retry_hint=" Repeating the request with the same Idempotency-Key answers its state.")
    async with st.pool.acquire() as conn:
        await registry.mark_started(conn, case_id)
    response.headers["Location"] = f"/api/v1/requests/{case_id}"
    return await load_case(st, principal, case_id)


@router.get("/requests", summary="List requests (from the case_view projection)")
async def list_requests(
    request: Request,
    status: str | None = None, department: str | None = None, overdue: bool | None = None,
    due_before: IsoDate | None = None, q: str | None = Query(default=None, max_length=200),
    limit: int = Query(default=50, ge=1, le=200), cursor: str | None = Query(default=None, max_length=40),
    requester_category: str | None = Query(default=None, max_length=40),
    principal: Principal = Depends(authorized), st: AppState = Depends(state),
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
        rows = await cases.list_cases(conn, status=status, department=scope or department, overdue=overdue,
                                      due_before=due_before, q=q, name_hash=name_hash, limit=limit + 1,
                                      cursor=cursor, requester_category=requester_category)
    items = [presenters.summary(r, st.profile) for r in rows[:limit]]
    return {"items": items, "next_cursor": items[-1]["id"] if len(rows) > limit else None}


@router.get("/requests/{case_id}", summary="One request with deadlines, parties, decision and notices")
async def get_request(case_id: str, principal: Principal = Depends(authorized), st: AppState = Depends(state)) -> dict:
    return await load_case(st, principal, case_id)


@router.get("/requests/{case_id}/events", summary="The case timeline (event stream in order)")
async def get_events(case_id: str, principal: Principal = Depends(authorized), st: AppState = Depends(state)) -> dict:
    async with st.pool.acquire() as conn:
        row = await cases.get_case(conn, case_id)
        if row is None:
            raise ApiError(404, "No such case.")
        stream = await events.read(conn, case_id)
    return {"id": case_id, "events": [presenters.event_view(e, principal) for e in stream]}


def _command(action: str, body: Body, principal: Principal, extra: dict[str, Any]) -> c.Command:
    cls = c.COMMANDS[action]
    # Unset optional values fall back to the command's defaults (e.g. "today").
    data = {**body.model_dump(mode="json", exclude_none=True), **extra}
    if "exemptions" in data:
        data["exemptions"] = tuple(c.Exemption(**e) for e in data["exemptions"])
    if "documents" in data:
        data["documents"] = tuple(c.Document(**d) for d in data["documents"])
    if "decisions" in data:
        data["parts"] = tuple(
            c.DecisionPart(**{**p, "exemptions": tuple(c.Exemption(**e) for e in p.get("exemptions", [])),
                              "documents": tuple(c.Document(**d) for d in p.get("documents", []))})
            for p in data.pop("decisions"))
    names = {f.name for f in dc_fields(cls)}
    return cls(actor=principal.actor, **{k: v for k, v in data.items() if k in names})


async def perform(action: str, case_id: str, body: Body, principal: Principal, st: AppState) -> dict[str, Any]:
    async with st.pool.acquire() as conn:
        row = await cases.get_case(conn, case_id)
        if row is None:
            raise ApiError(404, "No such case.")
        if action == "assign" and getattr(body, "department", None) and st.profile.department(body.department) is None:
            raise ApiError(422, f"department: unknown department code {body.department!r}")
        if action == "draft-decision":
            unknown = [e.clause for p in body.parts() for e in p.exemptions if st.profile.exemption(e.clause) is None]
            if unknown:
                raise ApiError(422, f"exemptions: unknown clause code(s) {', '.join(unknown)}")
        extra: dict[str, Any] = {}
        new_party = None
        if action == "reissue-notice":
            old = await cases.notice(conn, body.notice_id)
            if old is None or old["case_id"] != case_id:
                raise ApiError(422, f"notice_id: no notice {body.notice_id} on this case")
            extra["notice_type"] = old["notice_type"]
            # Names and addresses in a correction never enter the event store or the timeline in plaintext.
            extra["corrections"] = sealed.seal(st.secrets.cipher, body.corrections, case_id=case_id,
                                               notice_id=body.notice_id)
        if action == "record-disclosure":  # the fee table in force on the day of the disclosure
            extra["fee_table"] = st.profile.fees.table()
        if action == "transfer":
            try:
                target = transfer_target(st.profile, row["department"], body.to_body, body.to_body_other)
            except Refusal as exc:
                raise ApiError(422, exc.message) from None
            extra.update(to_body=target.code or "", to_body_name=target.name)
        if action == "consult-third-party":
            p = body.party
            new_party = await st.vault.add(conn, party_role="third_party", party_type=p.type, name=p.name,
                                           address=p.address, case_id=case_id)
            extra["party"] = c.ThirdPartyRef(party_id=new_party, type=p.type)
    try:
        await request_action(action, case_id, body, principal, st, extra=extra, status=row["status"])
    except ApiError:
        if new_party:  # a refused consultation leaves no party behind
            async with st.pool.acquire() as conn:
                await st.vault.discard(conn, new_party)
        raise
    return await load_case(st, principal, case_id)


async def request_action(action: str, case_id: str, body: Body, principal: Principal, st: AppState, *,
                         extra: dict[str, Any] | None = None, status: str | None = None) -> None:
    """Send one staff action to a request. A closed request (final) is resumed from its events for the
    few actions the transition table allows after closure, such as recording an NCND report."""
    if status is None:
        async with st.pool.acquire() as conn:
            row = await cases.get_case(conn, case_id)
        if row is None:
            raise ApiError(404, "No such case.")
        status = row["status"]
    cmd = _command(action, body, principal, extra or {})
    resume = status == CLOSED and CLOSED in TRANSITIONS[action].states
    await execute(st.temporal, st.pool, principal, case_id, action, cmd, ActionResult,
                  audit_name=f"request.{action}", bound=st.settings.action_timeout_seconds,
                  resume=RequestWorkflow.run if resume else None,
                  resume_arg=RegisterRequest(case_id=case_id, resume=True), task_queue=st.settings.task_queue)


def _action_route(action: str, model: type[Body]) -> None:
    async def handler(case_id: str, body: model, request: Request, response: Response,  # type: ignore[valid-type]
                      idempotency_key: IdempotencyKey = None, principal: Principal = Depends(authorized),
                      st: AppState = Depends(state)) -> dict[str, Any]:
        return await idempotency.once(st, principal, request, response, idempotency_key, body, case_id,
                                      lambda: perform(action, case_id, body, principal, st),
                                      lambda: load_case(st, principal, case_id))

    handler.__name__ = "request_" + action.replace("-", "_")
    router.post(f"/requests/{{case_id}}/{action}", summary=f"Staff action: {action}",
                name=handler.__name__)(handler)


for _action, _model in ACTION_BODIES.items():
    _action_route(_action, _model)
