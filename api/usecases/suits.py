"""Revocation suits (取消訴訟) as both faces use them: file against a decision or a ruling, read, record acts."""

from __future__ import annotations

from typing import Any

from api import presenters
from api.auth import Principal
from api.deps import AppState
from api.errors import ApiError
from api.idempotency import body_hash
from api.schemas import Body
from api.schemas_suits import FileSuitIn
from api.updates import STATUS_OF_REFUSAL, execute, start_case
from domain import clock
from domain.clock import jst_date
from domain.era import fiscal_year
from domain.errors import Refusal
from domain.litigation import commands as c
from domain.litigation.decide import file as file_rules
from domain.requests.challenges import challenged_decision
from kaiji.temporal import input_to_json
from store import cases, registry
from workflows.litigation import SuitResult, SuitWorkflow


async def file_suit(st: AppState, principal: Principal, body: FileSuitIn, *, request_id: str,
                appeal_id: str | None) -> dict[str, Any]:
    """Record a suit against the request's decision (``appeal_id`` None) or the appeal's ruling; the ``L-`` id
    is taken only after the domain has accepted the filing, so the series has no gaps."""
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
    return await load_suit(st, suit_id)


async def load_suit(st: AppState, suit_id: str) -> dict[str, Any]:
    """One suit with its judgments (404 when there is none)."""
    async with st.pool.acquire() as conn:
        row = await cases.get_suit(conn, suit_id)
    if row is None:
        raise ApiError(404, "No such suit.")
    return presenters.suit_detail(row)


async def perform_suit(action: str, suit_id: str, body: Body, principal: Principal, st: AppState) -> dict[str, Any]:
    """Record a court's act on the suit (judgment, appeal to the next instance, finality)."""
    await load_suit(st, suit_id)
    data = body.model_dump(mode="json", exclude_none=True)
    if "scope" in data:
        data["scope"] = tuple(c.ScopeItem(**i) for i in data["scope"])
    cmd = c.SUIT_COMMANDS[action](actor=principal.actor, **data)
    await execute(st.temporal, st.pool, principal, suit_id, action, cmd, SuitResult,
                  audit_name=f"suit.{action}", bound=st.settings.action_timeout_seconds)
    return await load_suit(st, suit_id)
