"""A staff action on a request: check what the profile knows (departments, clauses, bodies, fee table),
build the domain command and send it to the case workflow, whose transition table decides (409 if not now)."""

from __future__ import annotations

from dataclasses import fields as dc_fields
from typing import Any

from api.auth import Principal
from api.deps import AppState
from api.errors import ApiError
from api.schemas import Body
from api.updates import execute
from api.usecases.cases import load_case
from domain import self_information
from domain.errors import Refusal
from domain.requests import commands as c
from domain.requests.registration import RegisterRequest
from domain.requests.transfer import transfer_target
from domain.requests.transitions import CLOSED, TRANSITIONS
from kaiji.security import sealed
from store import cases
from workflows.request import ActionResult, RequestWorkflow


def command(action: str, body: Body, principal: Principal, extra: dict[str, Any]) -> c.Command:
    cls = c.COMMANDS[action]
    # Unset optional values fall back to the command's defaults (e.g. "today").
    data = {**body.model_dump(mode="json", exclude_none=True), **extra}
    if "exemptions" in data:
        data["exemptions"] = tuple(c.Exemption(**e) for e in data["exemptions"])
    if "documents" in data:
        data["documents"] = tuple(c.Document(**d) for d in data["documents"])
    if "recipients" in data:  # 提供先 (APPI 第97条): the party ids the API gave them (perform)
        data["recipients"] = tuple(data["recipients"])
    if "decisions" in data:
        data["parts"] = tuple(
            c.DecisionPart(
                **{
                    **p,
                    "exemptions": tuple(c.Exemption(**e) for e in p.get("exemptions", [])),
                    "documents": tuple(c.Document(**d) for d in p.get("documents", [])),
                    "recipients": tuple(p.get("recipients", ())),
                }
            )
            for p in data.pop("decisions")
        )
    names = {f.name for f in dc_fields(cls)}
    return cls(actor=principal.actor, **{k: v for k, v in data.items() if k in names})


async def perform(
    action: str, case_id: str, body: Body, principal: Principal, st: AppState
) -> dict[str, Any]:
    """Do ``action`` on the request and answer the case as it is afterwards."""
    async with st.pool.acquire() as conn:
        row = await cases.get_case(conn, case_id)
        if row is None:
            raise ApiError(404, "No such case.")
        if (
            action == "assign"
            and getattr(body, "department", None)
            and st.profile.department(body.department) is None
        ):
            raise ApiError(422, f"department: unknown department code {body.department!r}")
        if action == "draft-decision":
            unknown = [
                e.clause for p in body.parts() for e in p.exemptions if st.profile.exemption(e.clause) is None
            ]
            if unknown:
                raise ApiError(422, f"exemptions: unknown clause code(s) {', '.join(unknown)}")
        extra: dict[str, Any] = {}
        new_parties: list[str] = []
        if action == "reissue-notice":
            old = await cases.notice(conn, body.notice_id)
            if old is None or old["case_id"] != case_id:
                raise ApiError(422, f"notice_id: no notice {body.notice_id} on this case")
            extra["notice_type"] = old["notice_type"]
            # Names and addresses in a correction never enter the event store or the timeline in plaintext.
            extra["corrections"] = sealed.seal(
                st.secrets.cipher, body.corrections, case_id=case_id, notice_id=body.notice_id
            )
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
            new_party = await st.vault.add(
                conn,
                party_role="third_party",
                party_type=p.type,
                name=p.name,
                address=p.address,
                case_id=case_id,
            )
            new_parties.append(new_party)
            extra["party"] = c.ThirdPartyRef(party_id=new_party, type=p.type)
        if action == "draft-decision" and any(p.recipients for p in body.parts()):
            if row["kind"] != self_information.CORRECTION:  # refused before any party is stored
                raise ApiError(422, "recipients: 提供先は保有個人情報訂正請求の訂正決定にのみ指定します"
                                    "（個人情報保護法第97条）。 / recipients apply only to a correction request.")
            extra.update(await _recipients(st, conn, case_id, body, new_parties))
    try:
        await request_action(action, case_id, body, principal, st, extra=extra, status=row["status"])
    except ApiError:
        if new_parties:  # a refused consultation or draft leaves no party behind
            async with st.pool.acquire() as conn:
                for party_id in new_parties:
                    await st.vault.discard(conn, party_id)
        raise
    return await load_case(st, principal, case_id)


async def _recipients(st: AppState, conn: Any, case_id: str, body: Any, stored: list[str]) -> dict[str, Any]:
    """提供先 of a correction decision (APPI 第97条) into the parties table (name and address encrypted, role
    ``recipient``); the command carries their party ids only, so no name enters the event store."""

    async def ids(recipients: list[Any] | None) -> list[str]:
        out = []
        for r in recipients or []:
            party_id = await st.vault.add(conn, party_role="recipient", party_type=r.type, name=r.name,
                                          address=r.address, case_id=case_id)
            stored.append(party_id)
            out.append(party_id)
        return out

    if body.decisions is None:
        return {"recipients": await ids(body.recipients)}
    parts = []
    for part in body.decisions:
        dumped = part.model_dump(mode="json", exclude_none=True)
        dumped["recipients"] = await ids(part.recipients)
        parts.append(dumped)
    return {"decisions": parts}


async def request_action(
    action: str,
    case_id: str,
    body: Body,
    principal: Principal,
    st: AppState,
    *,
    extra: dict[str, Any] | None = None,
    status: str | None = None,
) -> None:
    """Send one staff action to a request. A closed request (final) is resumed from its events for the
    few actions the transition table allows after closure, such as recording an NCND report."""
    if status is None:
        async with st.pool.acquire() as conn:
            row = await cases.get_case(conn, case_id)
        if row is None:
            raise ApiError(404, "No such case.")
        status = row["status"]
    cmd = command(action, body, principal, extra or {})
    resume = status == CLOSED and CLOSED in TRANSITIONS[action].states
    await execute(
        st.temporal,
        st.pool,
        principal,
        case_id,
        action,
        cmd,
        ActionResult,
        audit_name=f"request.{action}",
        bound=st.settings.action_timeout_seconds,
        resume=RequestWorkflow.run if resume else None,
        resume_arg=RegisterRequest(case_id=case_id, resume=True),
        task_queue=st.settings.task_queue,
    )
