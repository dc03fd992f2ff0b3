"""GET /metrics: Prometheus exposition of this API process (HTTP traffic) and the shared caseload.

Public like /healthz, for the scraper inside the cluster: counts only, no case content. The reverse
proxy does not forward it from outside (deploy/nginx/kaiji.conf)."""

from fastapi import APIRouter, Request
from starlette.responses import Response

from api.deps import AppState

router = APIRouter(tags=["system"])


@router.get(
    "/metrics",
    summary="Prometheus metrics (text exposition format)",
    response_class=Response,
    responses={
        200: {"content": {"text/plain": {}}, "description": "Prometheus text format 0.0.4"},
        503: {"description": "PostgreSQL unreachable: the caseload cannot be read"},
    },
)
async def metrics(request: Request) -> Response:
    st: AppState = request.app.state.kaiji
    registry = request.app.state.metrics
    try:
        async with st.pool.acquire(timeout=5) as conn:
            await registry.refresh_caseload(conn)
    except Exception:
        return Response(
            "caseload unavailable: database unreachable\n", status_code=503, media_type="text/plain"
        )
    return registry.exposition()
