"""The review council's standing lists."""

from typing import Any

from fastapi import APIRouter, Depends

from api.auth import Principal
from api.authz import authorized
from api.deps import AppState, state
from store import cases

router = APIRouter(prefix="/api/v1/council", tags=["council"])


@router.get("/reports", summary="Neither-confirm-nor-deny decisions to report to the council (存否応答拒否)")
async def council_reports(
    principal: Principal = Depends(authorized), st: AppState = Depends(state)
) -> dict[str, Any]:
    async with st.pool.acquire() as conn:
        rows = await cases.council_reports(conn)
    return {
        "items": [
            {"case_id": r["case_id"], "decided_on": r["decided_on"].isoformat(), "department": r["department"],
             "clauses": r["clauses"], "reported": r["reported_on"] is not None,
             "reported_on": r["reported_on"].isoformat() if r["reported_on"] else None}
            for r in rows
        ]
    }
