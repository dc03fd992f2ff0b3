"""Exports (records officer): the case list as CSV for the office's own spreadsheets.

An export carries no contact data (names, addresses, phones, emails stay in
Kaiji) and each one is an ``export`` audit entry with its filter and row count.
"""

import csv
import io
from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from api.auth import Principal
from api.authz import authorized
from api.deps import AppState, state
from store import audit, cases

router = APIRouter(prefix="/api/v1/exports", tags=["exports"])
COLUMNS = ("case_id", "kind", "status", "department", "received_on", "decision_due", "outcome", "overdue",
           "closed_reason", "requester_category", "subject")
MAX_ROWS = 100_000


@router.get("/requests.csv", summary="Requests as CSV (records officer; no personal data)", response_class=Response,
            responses={200: {"content": {"text/csv": {}}}})
async def requests_csv(status: str | None = None, department: str | None = None,
                       requester_category: str | None = Query(default=None, max_length=40),
                       principal: Principal = Depends(authorized), st: AppState = Depends(state)) -> Response:
    async with st.pool.acquire() as conn:
        rows = await cases.list_cases(conn, status=status, department=department,
                                      requester_category=requester_category, limit=MAX_ROWS)
        await audit.append(conn, audit.AuditEntry(principal.username, principal.role, "export", None, {
            "what": "requests.csv", "rows": len(rows),
            "filter": {"status": status, "department": department, "requester_category": requester_category}}))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for r in rows:
        # The subject of a request for one's own personal information describes that person: not exported.
        hidden = {"subject": "（本人情報の開示請求）"} if r["kind"] == "personal_info_disclosure" else {}
        writer.writerow([_cell(hidden.get(c, r[c])) for c in COLUMNS])
    # UTF-8 with BOM: Excel on Japanese Windows opens it without mojibake.
    return Response(("\ufeff" + out.getvalue()).encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="requests.csv"'})


def _cell(value: Any) -> str:
    text = "" if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value)
    # CSV injection (OWASP): a cell a spreadsheet would run as a formula is quoted as text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
