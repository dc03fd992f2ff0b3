"""Read one request as a role may see it: the case, its deadlines, parties, notices, and the timeline."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from api import personal_data, presenters
from api.auth import Principal
from api.authz import sees_contact
from api.deps import AppState
from api.errors import ApiError
from store import cases, events, timetravel


async def load_case(st: AppState, principal: Principal, case_id: str,
                    as_of: datetime | None = None) -> dict[str, Any]:
    """The case as ``principal`` may see it (parties filtered by role); a read of contact data is recorded.

    ``as_of``: the case exactly as it stood at that instant (its events recorded by then, folded like the
    projection; notices issued by then) — what the office knew, for an auditor or a council question.
    A past view offers no action."""
    async with st.pool.acquire() as conn:
        row = await cases.get_case(conn, case_id)
        if row is None:
            raise ApiError(404, "No such case.")
        past = await timetravel.request_as_of(conn, case_id, as_of) if as_of else None
        if as_of and past is None:
            raise ApiError(404, f"The case had not been registered by {as_of.isoformat()}.")
        if past:
            row = past["row"]
        requester = await st.vault.get(conn, row["requester_party_id"]) if row["requester_party_id"] else None
        third = {}
        for p in row["state"].get("third_parties", []):
            party = await st.vault.get(conn, p["party_id"])
            if party:
                third[p["party_id"]] = party
        recipients = {}  # 提供先 of correction decisions (APPI 第97条)
        for d in row["state"].get("decisions") or []:
            for pid in d.get("recipients") or []:
                party = await st.vault.get(conn, pid)
                if party:
                    recipients[pid] = party
        body = presenters.detail(
            row,
            principal,
            st.profile,
            requester=requester,
            third_parties=third,
            recipients=recipients,
            deadlines=past["deadlines"] if past else await cases.deadlines(conn, case_id),
            notices=past["notices"] if past else await cases.notices_of(conn, case_id),
        )
        if past:
            body = {**body, "as_of": as_of.isoformat(), "allowed_actions": []}
        if sees_contact(principal):
            await personal_data.record_read(conn, principal, case_id,
                                            [row["requester_party_id"], *third, *recipients])
    return body


async def timeline(st: AppState, principal: Principal, case_id: str) -> list[dict[str, Any]]:
    """Every event of the case in order, as ``principal`` may see it."""
    async with st.pool.acquire() as conn:
        row = await cases.get_case(conn, case_id)
        if row is None:
            raise ApiError(404, "No such case.")
        stream = await events.read(conn, case_id)
    return [presenters.event_view(e, principal) for e in stream]
