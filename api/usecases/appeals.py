"""Appeals (審査請求) and the council (審査会) as both faces use them: file, read, act, the council's referrals."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from api import personal_data, presenters
from api.auth import Principal
from api.authz import sees_contact
from api.deps import AppState
from api.errors import ApiError
from api.idempotency import body_hash
from api.schemas import Body
from api.schemas_appeals import FileAppealIn, NcndReportIn
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
from store import cases, closures, registry, timetravel
from workflows.appeal import AppealResult, AppealWorkflow


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


async def file_appeal(st: AppState, principal: Principal, request_id: str, body: FileAppealIn) -> str:
    """File an appeal against one of the request's decisions (default: the last); answers the ``A-`` id."""
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
    return appeal_id


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


async def referrals(st: AppState) -> list[dict[str, Any]]:
    """What the council has before it: appeals referred (諮問) and reported (答申), with the appellant's name."""
    async with st.pool.acquire() as conn:
        rows = await cases.list_appeals(conn, status="referred") + await cases.list_appeals(conn, status="reported")
        items = []
        for row in rows:
            appellant = await st.vault.get(conn, row["state"]["appellant_party_id"])
            items.append(presenters.referral(row, appellant, await cases.notices_of(conn, row["appeal_id"])))
    return items


async def referral_pack(st: AppState, principal: Principal, appeal_id: str, version: int) -> bytes:
    """Version ``version`` (1, 2 …) of the referral pack as PDF, for the council and the records officer.
    It names the appellant, so reading it is a personal-data read in the audit log like any notice."""
    async with st.pool.acquire() as conn:
        packs = presenters.referral_packs(appeal_id, await cases.notices_of(conn, appeal_id))
        if not 1 <= version <= len(packs):
            raise ApiError(404, "No such referral pack.")
        notice_id = packs[version - 1]["id"]
        n = await cases.notice(conn, notice_id, cipher=st.secrets.cipher)
        if n is None or n["pdf"] is None:
            raise ApiError(404, "No such referral pack.")
        await personal_data.record_read(conn, principal, appeal_id, [n["party_id"]], notice_id=notice_id)
    return bytes(n["pdf"])
