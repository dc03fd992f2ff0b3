"""The annual operation-status report (運用状況) for the assembly and the council (records officer).

Any cut-off: ``as_of`` folds the events recorded by that instant, so the same cut-off always gives the same
bytes. Each download is an ``export`` audit entry; publishing freezes the report (``report.publish``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from api.as_of import AsOf, cut_off
from api.auth import Principal
from api.authz import authorized
from api.deps import AppState, state
from api.files import attachment, binary_responses
from api.reports import formats, service
from api.reports.tables import tables
from api.schemas import Body, IsoDateTime
from domain import clock
from domain.era import fiscal_year as fy_of
from domain.era import format_fiscal_year
from store import audit

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])
FiscalYear = Query(default=None, ge=2000, le=2098, description="e.g. 2025 for 令和7年度 (default: this year)")


async def _report(st: AppState, principal: Principal, fiscal_year: int | None, as_of: datetime | None,
                  what: str) -> dict[str, Any]:
    fy = fiscal_year or fy_of(clock.today())
    async with st.pool.acquire() as conn:
        report, inputs_hash = await service.build(conn, st.profile, fy, cut_off(as_of))
        report = await service.with_publication(conn, report, inputs_hash)
        await audit.append(conn, audit.AuditEntry(principal.username, principal.role, "export", f"annual:{fy}",
                                                  {"what": what, "as_of": report["as_of"]}))
    return report


class PublishBody(Body):
    """What a publication freezes: the report as it stood at ``as_of`` (default: now)."""

    as_of: IsoDateTime | None = None


@router.get("/annual", summary="The annual report as JSON (records officer)",
            responses={200: {"content": {"application/json": {"schema": {"type": "object"}}}}})
async def annual(fiscal_year: int | None = FiscalYear, as_of: IsoDateTime | None = AsOf,
                 principal: Principal = Depends(authorized), st: AppState = Depends(state)) -> Response:
    report = await _report(st, principal, fiscal_year, as_of, "annual.json")
    return Response(service.canonical(report), media_type="application/json")


@router.get("/annual.csv", summary="The annual report as CSV", response_class=Response,
            responses=binary_responses(formats.CSV_TYPE))
async def annual_csv(fiscal_year: int | None = FiscalYear, as_of: IsoDateTime | None = AsOf,
                     principal: Principal = Depends(authorized), st: AppState = Depends(state)) -> Response:
    report = await _report(st, principal, fiscal_year, as_of, "annual.csv")
    return attachment(formats.to_csv(tables(report, st.profile)), formats.CSV_TYPE,
                      f"annual-{report['fiscal_year']}.csv")


@router.get("/annual.xlsx", summary="The annual report as Excel (one sheet per table)", response_class=Response,
            responses=binary_responses(formats.XLSX_TYPE))
async def annual_xlsx(fiscal_year: int | None = FiscalYear, as_of: IsoDateTime | None = AsOf,
                      principal: Principal = Depends(authorized), st: AppState = Depends(state)) -> Response:
    report = await _report(st, principal, fiscal_year, as_of, "annual.xlsx")
    body = formats.to_xlsx(tables(report, st.profile), title=_title(st, report), as_of=report["as_of"])
    return attachment(body, formats.XLSX_TYPE, f"annual-{report['fiscal_year']}.xlsx")


@router.get("/annual.pdf", summary="The annual report as PDF", response_class=Response,
            responses=binary_responses(formats.PDF_TYPE))
async def annual_pdf(fiscal_year: int | None = FiscalYear, as_of: IsoDateTime | None = AsOf,
                     principal: Principal = Depends(authorized), st: AppState = Depends(state)) -> Response:
    report = await _report(st, principal, fiscal_year, as_of, "annual.pdf")
    body = formats.to_pdf(tables(report, st.profile), title=_title(st, report), municipality=st.profile.municipality,
                          as_of=report["as_of"])
    return attachment(body, formats.PDF_TYPE, f"annual-{report['fiscal_year']}.pdf")


@router.post("/annual/{fiscal_year}/publish", summary="Freeze the annual report as published (公表)")
async def publish(body: PublishBody | None = None, fiscal_year: int = Path(ge=2000, le=2098),
                  principal: Principal = Depends(authorized), st: AppState = Depends(state)) -> dict[str, Any]:
    async with st.pool.acquire() as conn:
        return await service.publish(conn, st.profile, fiscal_year, actor=principal.username, role=principal.role,
                                     as_of=cut_off(body.as_of if body else None))


def _title(st: AppState, report: dict[str, Any]) -> str:
    return f"{format_fiscal_year(report['fiscal_year'])} {st.profile.municipality}情報公開制度等の運用状況"
