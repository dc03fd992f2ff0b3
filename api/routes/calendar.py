"""The office calendar: the effective calendar, and closure days that reach open cases."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Query
from pydantic import Field

from api.auth import Principal
from api.authz import authorized
from api.deps import AppState, state
from api.errors import ApiError
from api.schemas import Body, IsoDate
from domain import clock
from domain.calendar_change import CalendarChange, reaches_open_cases
from domain.calendar_view import MAX_DAYS, effective_days
from kaiji.calendar_delivery import deliver
from store import closures

router = APIRouter(prefix="/api/v1", tags=["calendar"])


class ClosureIn(Body):
    date: IsoDate
    reason: str = Field(min_length=1, max_length=200, description="e.g. 台風第10号による臨時閉庁")


@router.get("/calendar", summary="The effective calendar: every day, closed days with their reason")
async def get_calendar(
    from_: IsoDate | None = Query(default=None, alias="from"), to: IsoDate | None = None,
    principal: Principal = Depends(authorized), st: AppState = Depends(state),
) -> dict[str, Any]:
    start = from_ or clock.today()
    end = to or start + timedelta(days=30)
    if end < start:
        raise ApiError(422, f"to ({end}) must not be before from ({start}).")
    if (end - start).days >= MAX_DAYS:
        raise ApiError(422, f"At most {MAX_DAYS} days at a time (from {start} to {end} is longer).")
    async with st.pool.acquire() as conn:
        added = {c.closed_on: c.reason for c in await closures.all_closures(conn)}
    return {"from": start.isoformat(), "to": end.isoformat(),
            "days": effective_days(start, end, st.profile.extra_closures, added)}


@router.post("/calendar/closures", status_code=201,
             summary="Add a closure day (臨時閉庁日) or a newly announced holiday; open cases recompute")
async def add_closure(body: ClosureIn, principal: Principal = Depends(authorized),
                      st: AppState = Depends(state)) -> dict[str, Any]:
    day: date = body.date
    async with st.pool.acquire() as conn:
        already = await closures.get(conn, day)
        if already is not None:
            raise ApiError(409, f"{day} は既に臨時閉庁日です（{already.reason}）。 / {day} is already a closure day.")
        reason = st.profile.calendar().closed_reason(day)
        if reason is not None:
            raise ApiError(409, f"{day} は既に閉庁日です（{reason}）。 / {day} is already closed ({reason}).")
        try:
            await closures.add(conn, closures.Closure(day, body.reason, principal.username), role=principal.role)
        except closures.DuplicateClosure:
            raise ApiError(409, f"{day} は既に臨時閉庁日です。 / {day} is already a closure day.") from None
        in_force = st.profile.closures_with(await closures.closure_dates(conn))
        open_ids = await closures.open_request_ids(conn) if reaches_open_cases(day, clock.today()) else []
    change = CalendarChange(actor=principal.actor, closures=tuple(d.isoformat() for d in in_force),
                            closure_on=day.isoformat(), reason=body.reason)
    delivery = await deliver(st.temporal, change, open_ids)
    return {
        "closure": {"date": day.isoformat(), "reason": body.reason},
        "affected": [{"id": o.case_id, "before": o.before, "after": o.after} for o in delivery.affected],
        "unreached": delivery.unreached,
    }
