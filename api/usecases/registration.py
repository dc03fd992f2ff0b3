"""受付: register a request — check it against the profile, reserve its id, seal the requester's data,
start its case workflow and answer the case. An ``Idempotency-Key`` makes a repeat answer the same case."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from api import self_information
from api.auth import Principal
from api.deps import AppState
from api.errors import ApiError
from api.schemas import RequestIn
from api.updates import start_case
from api.usecases.cases import load_case
from domain import clock
from domain.clock import jst_date
from domain.era import fiscal_year
from domain.errors import Refusal
from domain.requests.categories import requester_category
from domain.requests.registration import RegisterRequest
from kaiji.temporal import input_from_json, input_to_json
from store import closures, registry
from workflows.request import ActionResult, RequestWorkflow


def request_hash(body: RequestIn) -> str:
    return hashlib.sha256(json.dumps(body.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()


async def register(
    st: AppState, principal: Principal, body: RequestIn, idempotency_key: str | None = None
) -> tuple[dict[str, Any], bool]:
    """(the case, created): ``created`` is False when the key had already registered it."""
    if st.profile.department(body.department) is None:
        raise ApiError(422, f"department: unknown department code {body.department!r}")
    try:
        category = requester_category(
            st.profile, body.requester_category, body.requester.address, body.requester.type
        )
    except Refusal as exc:
        raise ApiError(422, exc.message) from None
    now = clock.now()
    received_on = body.received_on or jst_date(now)
    if received_on > jst_date(now):
        raise ApiError(422, "received_on: cannot be in the future")
    digest = request_hash(body)
    self_info: dict[str, Any] = {}  # a self-information request's own facts (APPI 76/90/98), from the intake

    def registration(case_id: str, party_id: str, added_closures: tuple) -> RegisterRequest:
        return RegisterRequest(
            **self_info,
            case_id=case_id,
            kind=body.kind,
            received_on=received_on.isoformat(),
            channel=body.channel,
            subject=body.subject,
            department=body.department,
            preferred_method=body.preferred_method,
            requester_party_id=party_id,
            requester_type=body.requester.type,
            actor=principal.actor,
            rules=st.profile.case_rules(body.kind, added_closures),
            entered_at=now,
            requester_category=category,
        )

    async with st.pool.acquire() as conn:
        added_closures = await closures.closure_dates(
            conn
        )  # 臨時閉庁日 added at run time (POST /calendar/closures)
        identity, self_info = await self_information.intake(
            conn, body, received_on, st.profile.case_rules(body.kind, added_closures)
        )
        existing = await registry.find_registration(conn, idempotency_key) if idempotency_key else None
        if existing is not None:
            if existing["request_hash"] != digest:
                raise ApiError(409, "This Idempotency-Key was already used for a different request.")
            if existing["started"]:
                return await load_case(st, principal, existing["case_id"]), False
            case_id = existing["case_id"]
            if existing["input"] is not None:  # the first attempt's input (its entry time) starts the case
                inp = input_from_json(existing["input"], RegisterRequest)
            else:
                inp = registration(case_id, await st.vault.requester_of(conn, case_id), added_closures)
        else:
            async with conn.transaction():
                case_id = await registry.next_case_id(conn, "R", fiscal_year(received_on))
                r = body.requester
                party_id = await st.vault.add(
                    conn,
                    party_role="requester",
                    party_type=r.type,
                    name=r.name,
                    address=r.address,
                    phone=r.phone,
                    email=r.email,
                    case_id=case_id,
                    identity=identity,
                )
                inp = registration(case_id, party_id, added_closures)
                await registry.save_registration(
                    conn, idempotency_key or f"auto:{case_id}", case_id, digest, input=input_to_json(inp)
                )
    await start_case(
        st.temporal,
        st.settings.task_queue,
        RequestWorkflow.run,
        inp,
        case_id,
        RequestWorkflow.registered,
        ActionResult,
        noun="Case",
        bound=st.settings.action_timeout_seconds,
        retry_hint=" Repeating the request with the same Idempotency-Key answers its state.",
    )
    async with st.pool.acquire() as conn:
        await registry.mark_started(conn, case_id)
    return await load_case(st, principal, case_id), True
