"""Breach incidents (漏えい等事案): recorded by the department or the records officer, followed on the legal
clock (速報・確報), closed when the law's steps are on record; the council reads a summary without personal
data (``/council/breaches``)."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import AliasChoices, Field, StrictBool, StrictInt

from api import breach_views, idempotency, presenters
from api.auth import Principal
from api.authz import RO, authorized, list_scope
from api.deps import AppState, state
from api.errors import ApiError
from api.idempotency import IdempotencyKey, body_hash
from api.personal_data import record_read
from api.schemas import Body, IsoDate, IsoDateTime
from api.updates import STATUS_OF_REFUSAL, execute, start_case
from domain import clock
from domain.breaches import commands as c
from domain.breaches.decide import MAX_PERSONS
from domain.breaches.decide import record as record_rules
from domain.clock import jst_date
from domain.era import fiscal_year
from domain.errors import Refusal
from kaiji.security.sealed import seal_breach_text
from kaiji.temporal import input_to_json
from store import breaches, events, registry
from workflows.breach import BreachResult, BreachWorkflow

router = APIRouter(prefix="/api/v1", tags=["breaches"])
Item = Annotated[str, Field(min_length=1, max_length=100)]
Persons = Annotated[StrictInt, Field(ge=0, le=MAX_PERSONS)]  # strict: the schema promises JSON types
PDF = "application/pdf"


class RecordBreachIn(Body):
    department: str | None = Field(
        default=None,
        min_length=1,
        max_length=40,
        description="required for the records officer; department staff record their own",
    )
    aware_on: IsoDate | None = Field(
        default=None, description="the day the department became aware (default today)"
    )
    aware_at: IsoDateTime | None = Field(
        default=None, description="the instant the department became aware (contract name; its Japan date counts)"
    )
    title: str = Field(
        min_length=1,
        max_length=200,
        validation_alias=AliasChoices("title", "summary"),
        description="a heading without personal data (the council sees it); `summary` is accepted too",
    )
    kind: Literal["leak", "loss", "damage"] = "leak"
    description: str = Field(min_length=1, max_length=8000, description="what happened (stored encrypted)")
    persons: Persons
    items: list[Item] = Field(default_factory=list, max_length=50)
    sensitive: StrictBool = False
    financial_harm: StrictBool = False
    malicious: StrictBool = False
    contractor: str = Field(default="", max_length=200)
    encrypted: StrictBool = False


class ReviseFactsIn(Body):
    aware_on: IsoDate | None = None
    persons: Persons | None = None
    items: list[Item] | None = Field(default=None, max_length=50)
    sensitive: StrictBool | None = None
    financial_harm: StrictBool | None = None
    malicious: StrictBool | None = None
    encrypted: StrictBool | None = None
    contractor: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, min_length=1, max_length=8000)
    reason: str = Field(default="", max_length=4000)


class RecordReportIn(Body):
    submitted_on: IsoDate | None = Field(default=None, validation_alias=AliasChoices("submitted_on", "reported_on"),
                                         description="the day it was filed (`reported_on` is accepted too)")
    reference: str = Field(min_length=1, max_length=200, description="the Commission's receipt number")


class RecordNoticeIn(Body):
    method: Literal["", "mail", "email", "phone", "in_person", "other"] = ""
    notified_on: IsoDate | None = None
    count: Persons = 0
    impossible_reason: str = Field(default="", max_length=4000)
    announcement: str = Field(default="", max_length=4000)
    announced_on: IsoDate | None = None


class RecordMeasuresIn(Body):
    measures: str = Field(min_length=1, max_length=8000)
    decided_on: IsoDate | None = None


class PlaceOnAgendaIn(Body):
    meeting_on: IsoDate


class CloseIn(Body):
    closed_on: IsoDate | None = None
    note: str = Field(default="", max_length=4000)


BREACH_BODIES: dict[str, type[Body]] = {
    "revise-facts": ReviseFactsIn,
    "record-preliminary-report": RecordReportIn,
    "record-final-report": RecordReportIn,
    "record-notification": RecordNoticeIn,
    "record-measures": RecordMeasuresIn,
    "report-to-council": PlaceOnAgendaIn,
    "close": CloseIn,
}


async def _row(st: AppState, breach_id: str) -> Any:
    async with st.pool.acquire() as conn:
        row = await breaches.get(conn, breach_id)
    if row is None:
        raise ApiError(404, "No such breach.")
    return row


async def _detail(st: AppState, principal: Principal, breach_id: str) -> dict[str, Any]:
    row = await _row(st, breach_id)
    view = breach_views.detail(row, st.secrets.cipher, principal.role)
    async with st.pool.acquire() as conn:
        await record_read(conn, principal, breach_id, [], field="description")
    return view


def _department(st: AppState, principal: Principal, body: RecordBreachIn) -> str:
    if principal.role != RO:
        if body.department and body.department != principal.department:
            raise ApiError(
                403, "他の課の漏えい等事案は記録できません。 / You record your own department's breaches."
            )
        return principal.department or ""
    if not body.department:
        raise ApiError(422, "department: required (the department whose data was involved)")
    if st.profile.department(body.department) is None:
        raise ApiError(422, f"department: unknown department code {body.department!r}")
    return body.department


def _aware_on(body: RecordBreachIn) -> str:
    """The day awareness began (the clocks count from it): ``aware_on``, or the Japan date of ``aware_at``."""
    if body.aware_on and body.aware_at and jst_date(body.aware_at) != body.aware_on:
        raise ApiError(422, "aware_at and aware_on name different days")
    if body.aware_at:
        return jst_date(body.aware_at).isoformat()
    return body.aware_on.isoformat() if body.aware_on else ""


@router.post(
    "/breaches", status_code=201, summary="Record a breach incident (漏えい等事案); the clocks start"
)
async def record_breach(
    body: RecordBreachIn,
    response: Response,
    principal: Principal = Depends(authorized),
    st: AppState = Depends(state),
) -> dict[str, Any]:
    now = clock.now()
    department = _department(st, principal, body)

    def recording(breach_id: str, description: str) -> c.RecordBreach:
        return c.RecordBreach(
            breach_id=breach_id,
            department=department,
            aware_on=_aware_on(body),
            title=body.title,
            kind=body.kind,
            description=description,
            persons=body.persons,
            items=tuple(body.items),
            sensitive=body.sensitive,
            financial_harm=body.financial_harm,
            malicious=body.malicious,
            contractor=body.contractor,
            encrypted=body.encrypted,
            actor=principal.actor,
            rules=st.profile.breach_rules(),
            entered_at=now,
        )

    try:
        record_rules(recording("B-check", "sealed"))
    except Refusal as exc:
        raise ApiError(STATUS_OF_REFUSAL[exc.code], exc.message) from None
    async with st.pool.acquire() as conn:
        async with conn.transaction():
            breach_id = await registry.next_case_id(conn, "B", fiscal_year(clock.jst_date(now)))
            inp = recording(
                breach_id, seal_breach_text(st.secrets.cipher, body.description, breach_id=breach_id)
            )
            await registry.save_registration(
                conn, f"auto:{breach_id}", breach_id, body_hash(body), kind="breach", input=input_to_json(inp)
            )
    await start_case(
        st.temporal,
        st.settings.task_queue,
        BreachWorkflow.run,
        inp,
        breach_id,
        BreachWorkflow.registered,
        BreachResult,
        noun="Breach",
        bound=st.settings.action_timeout_seconds,
    )
    async with st.pool.acquire() as conn:
        await registry.mark_started(conn, breach_id)
    response.headers["Location"] = f"/api/v1/breaches/{breach_id}"
    return await _detail(st, principal, breach_id)


@router.get("/breaches", summary="Breach incidents (the department's own; the records officer's all)")
async def list_breaches(
    status: Literal["open", "closed"] | None = None,
    overdue: bool | None = None,
    principal: Principal = Depends(authorized),
    st: AppState = Depends(state),
) -> dict[str, Any]:
    async with st.pool.acquire() as conn:
        rows = await breaches.list_(conn, department=list_scope(principal), status=status, overdue=overdue)
    return {"items": [breach_views.summary(r) for r in rows]}


@router.get("/breaches/{breach_id}", summary="One breach incident with its report duty and clocks explained")
async def get_breach(
    breach_id: str, principal: Principal = Depends(authorized), st: AppState = Depends(state)
) -> dict[str, Any]:
    return await _detail(st, principal, breach_id)


@router.get("/breaches/{breach_id}/events", summary="The breach's timeline (the description stays sealed)")
async def breach_events(
    breach_id: str, principal: Principal = Depends(authorized), st: AppState = Depends(state)
) -> dict[str, Any]:
    await _row(st, breach_id)
    async with st.pool.acquire() as conn:
        stream = await events.read(conn, breach_id)
    return {"id": breach_id, "events": [presenters.event_view(e, principal) for e in stream]}


def _command(action: str, body: Body, principal: Principal, st: AppState, breach_id: str) -> c.BreachCommand:
    data = body.model_dump(mode="json", exclude_none=True)
    if "items" in data:
        data["items"] = tuple(data["items"])
    if (
        "description" in data
    ):  # what happened never enters a command, the event store or the timeline in clear
        data["description"] = seal_breach_text(st.secrets.cipher, data["description"], breach_id=breach_id)
    return c.BREACH_COMMANDS[action](actor=principal.actor, **data)


def _breach_route(action: str, model: type[Body]) -> None:
    async def handler(
        breach_id: str,
        body: model,
        request: Request,
        response: Response,  # type: ignore[valid-type]
        idempotency_key: IdempotencyKey = None,
        principal: Principal = Depends(authorized),
        st: AppState = Depends(state),
    ) -> dict[str, Any]:
        async def act() -> dict[str, Any]:
            await _row(st, breach_id)
            cmd = _command(action, body, principal, st, breach_id)
            await execute(
                st.temporal,
                st.pool,
                principal,
                breach_id,
                action,
                cmd,
                BreachResult,
                audit_name=f"breach.{action}",
                bound=st.settings.action_timeout_seconds,
            )
            return await _detail(st, principal, breach_id)

        return await idempotency.once(
            st,
            principal,
            request,
            response,
            idempotency_key,
            body,
            breach_id,
            act,
            lambda: _detail(st, principal, breach_id),
        )

    handler.__name__ = "breach_" + action.replace("-", "_")
    router.post(
        f"/breaches/{{breach_id}}/{action}", summary=f"Breach action: {action}", name=handler.__name__
    )(handler)


for _action, _model in BREACH_BODIES.items():
    _breach_route(_action, _model)


# The council: agenda items, summaries without personal data.


@router.get(
    "/council/breaches", summary="Breach incidents on the council's agenda (summaries, no personal data)"
)
async def council_breaches(
    principal: Principal = Depends(authorized), st: AppState = Depends(state)
) -> dict[str, Any]:
    async with st.pool.acquire() as conn:
        rows = await breaches.list_(conn, on_agenda=True)
    return {"items": [breach_views.council_summary(r, st.profile) for r in rows]}


# Declared before /council/breaches/{breach_id}: that path would also match "….pdf".
@router.get(
    "/council/breaches/{breach_id}.pdf",
    summary="A breach incident's summary for the council, as PDF",
    response_class=Response,
    responses={200: {"content": {PDF: {"schema": {"type": "string", "format": "binary"}}}}},
)
async def council_breach_pdf(
    breach_id: str, principal: Principal = Depends(authorized), st: AppState = Depends(state)
) -> Response:
    item = breach_views.council_summary(await _row(st, breach_id), st.profile)
    body = breach_views.council_summary_pdf(item, st.profile, clock.today())
    return Response(
        body,
        media_type=PDF,
        headers={"Content-Disposition": f'attachment; filename="{breach_id}-summary.pdf"'},
    )


@router.get("/council/breaches/{breach_id}", summary="A breach incident's summary for the council")
async def council_breach(
    breach_id: str, principal: Principal = Depends(authorized), st: AppState = Depends(state)
) -> dict[str, Any]:
    return breach_views.council_summary(await _row(st, breach_id), st.profile)
