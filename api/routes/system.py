"""Health, readiness, sign-in and the active municipality profile."""

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from temporalio.api.enums.v1 import TaskQueueKind, TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest

from api.auth import (
    Principal,
    issue_token,
)
from api.authz import authorized
from api.deps import AppState, state
from api.errors import error_body
from api.usecases.sign_in import (
    SignInForm,
    clear_session_cookies,
    close_session,
    hasher,
    open_session,
    same_origin,
    set_session_cookies,
    sign_in,
)

__all__ = ["router", "hasher"]  # tests reach the password hasher here
router = APIRouter(tags=["system"])


@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


async def _worker_check(st: AppState) -> str:
    """Is a worker polling the task queue? Temporal lists the pollers it saw with their last access; a
    live worker re-polls at least every long-poll interval (about a minute), a dead one stops."""
    try:
        response = await st.temporal.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(namespace=st.settings.temporal_namespace,
                                     task_queue=TaskQueue(name=st.settings.task_queue, kind=TaskQueueKind.TASK_QUEUE_KIND_NORMAL),
                                     task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW),
            timeout=timedelta(seconds=2))
    except Exception:
        return "unreachable"
    fresh = datetime.now(UTC) - timedelta(seconds=st.settings.worker_stale_seconds)
    if any(p.last_access_time.ToDatetime(tzinfo=UTC) >= fresh for p in response.pollers):
        return "ok"
    return "no worker polling"


@router.get("/readyz", summary="PostgreSQL, Temporal and a worker on the task queue are there")
async def readyz(request: Request) -> JSONResponse:
    st: AppState = request.app.state.kaiji
    checks: dict[str, str] = {}
    try:
        async with st.pool.acquire(timeout=2) as conn:
            await conn.fetchval("select 1")
        checks["database"] = "ok"
    except Exception:  # readiness reports, it does not raise
        checks["database"] = "unreachable"
    try:
        await st.temporal.service_client.check_health(timeout=timedelta(seconds=2))
        checks["temporal"] = "ok"
    except Exception:
        checks["temporal"] = "unreachable"
    checks["worker"] = await _worker_check(st)
    ok = all(v == "ok" for v in checks.values())
    if ok:
        return JSONResponse({"status": "ready", "checks": checks})
    return JSONResponse(error_body("unavailable", "Not ready", checks), 503)


@router.post("/api/v1/auth/token", summary="Sign in: username + password → bearer token")
async def token(request: Request, form: Annotated[SignInForm, Depends()],
                st: AppState = Depends(state)) -> dict[str, Any]:
    user = await sign_in(st, form, "token", request)
    principal = Principal(user.username, user.role, user.department, generation=user.generation)
    ttl = st.settings.token_ttl_seconds
    return {"access_token": issue_token(st.secrets.token_key, principal, ttl), "token_type": "bearer",
            "expires_in": ttl}


@router.post("/api/v1/auth/session", summary="Sign in (browser): sets the session and CSRF cookies")
async def session(request: Request, form: Annotated[SignInForm, Depends()],
                  st: AppState = Depends(state)) -> JSONResponse:
    same_origin(request, st)
    user = await sign_in(st, form, "session", request)
    session_id, csrf, expires_at = await open_session(st, request, user)
    response = JSONResponse({"username": user.username, "role": user.role, "department": user.department,
                             "expires_at": expires_at.isoformat(), "csrf_token": csrf})
    set_session_cookies(response, request, session_id, csrf)
    return response


@router.post("/api/v1/auth/logout", summary="Sign out: ends the session or revokes the bearer token")
async def logout(request: Request, principal: Principal = Depends(authorized),
                 st: AppState = Depends(state)) -> JSONResponse:
    await close_session(st, principal)
    response = JSONResponse({"signed_out": True})
    if principal.via == "session":
        clear_session_cookies(response, request)
    return response


@router.get("/api/v1/profile", summary="The active municipality profile")
async def profile(principal: Principal = Depends(authorized), st: AppState = Depends(state)) -> dict:
    p = st.profile.model_dump(mode="json")
    return {
        "name": p["name"],
        "municipality": p.get("municipality"),
        "implementing_bodies": p.get("implementing_bodies"),
        "departments": p.get("departments"),
        "request_kinds": p.get("request_kinds"),
        "exemptions": p.get("exemptions"),
        "requester_categories": p.get("requester_categories"),
        "council_members": (p.get("council") or {}).get("members"),
        "unconfirmed": list(st.profile.confirm_items()),
    }
