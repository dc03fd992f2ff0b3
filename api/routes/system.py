"""Health, readiness, sign-in and the active municipality profile."""

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse
from temporalio.api.enums.v1 import TaskQueueKind, TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest

from api.auth import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    SESSION_TTL,
    Principal,
    csrf_token_for,
    issue_token,
)
from api.authz import authorized
from api.deps import AppState, state
from api.errors import ApiError, error_body
from kaiji.security.passwords import DUMMY_HASH, PasswordHasher
from store import audit, sessions, users

router = APIRouter(tags=["system"])
hasher = PasswordHasher()
LOCK_AFTER = 5
LOCK_FOR = timedelta(minutes=15)
log = structlog.get_logger("kaiji.auth")


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


@dataclass
class SignInForm:
    """The OAuth2 password form (``username``, ``password``), bounded: an empty name is refused up front and
    a megabyte "password" never reaches argon2 (ASVS V2.1.2 allows 64–128+ characters; 1024 is plenty)."""

    username: Annotated[str, Form(min_length=1, max_length=200)]
    password: Annotated[str, Form(min_length=1, max_length=1024)]


async def _sign_in(st: AppState, form: SignInForm, via: str) -> users.User:
    """Check the password (same lockout for tokens and sessions); audit the outcome.

    The lockout counts failures per attempted username, existing or not, so a 429 does not reveal
    which usernames are accounts; the 401 message is the same for a wrong name and a wrong password."""
    now = datetime.now(UTC)
    async with st.pool.acquire() as conn:
        user = await users.get(conn, form.username)
        locked = await users.claim_attempt(conn, form.username, allowed=LOCK_AFTER, lock_for=LOCK_FOR)
        if locked:
            retry = max(1, int((locked - now).total_seconds()))
            log.warning("auth.locked_out", via=via, retry_after=retry)
            await audit.append(conn, audit.AuditEntry(user.username if user else "anonymous",
                                                      user.role if user else "none", "auth.locked_out",
                                                      detail={"via": via, "username_known": user is not None}))
            raise ApiError(429, "Too many failed sign-ins; try again later.", headers={"Retry-After": str(retry)})
        # argon2id costs ~19 MiB and tens of ms: off the event loop (and spent for unknown names too).
        ok = await asyncio.to_thread(hasher.verify, user.password_hash if user else DUMMY_HASH, form.password)
        ok = ok and user is not None
        if not ok or not user.active:
            await audit.append(conn, audit.AuditEntry("anonymous", "none", "auth.login_failed",
                                                      detail={"username_known": user is not None, "via": via}))
            raise ApiError(401, "Wrong username or password.", headers={"WWW-Authenticate": "Bearer"})
        await users.clear_attempts(conn, user.username)
        if hasher.needs_rehash(user.password_hash):
            await users.set_password_hash(conn, user.username, await asyncio.to_thread(hasher.hash, form.password))
        await audit.append(conn, audit.AuditEntry(user.username, user.role, "auth.login", detail={"via": via}))
    return user


@router.post("/api/v1/auth/token", summary="Sign in: username + password → bearer token")
async def token(form: Annotated[SignInForm, Depends()], st: AppState = Depends(state)) -> dict[str, Any]:
    user = await _sign_in(st, form, "token")
    principal = Principal(user.username, user.role, user.department, generation=user.generation)
    ttl = st.settings.token_ttl_seconds
    return {"access_token": issue_token(st.secrets.token_key, principal, ttl), "token_type": "bearer",
            "expires_in": ttl}


def _same_origin(request: Request, st: AppState) -> None:
    """Login CSRF: a browser that says where the form came from must say it came from us (or the Temporal UI).

    Browsers send ``Origin`` on every cross-site POST; API clients without it are not browsers and
    carry no ambient credentials, so a missing header is accepted (OWASP CSRF cheat sheet, "Login CSRF")."""
    origin = request.headers.get("origin")
    if origin is None:
        return
    host = request.headers.get("host", "")  # not X-Forwarded-Host: any client can send that one
    own = {f"{scheme}://{host}" for scheme in ("http", "https")}
    if origin not in own | set(st.settings.temporal_ui_origins):
        raise ApiError(403, "Sign in from the Kaiji console itself: this form was posted from another site.")


def _is_https(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


@router.post("/api/v1/auth/session", summary="Sign in (browser): sets the session and CSRF cookies")
async def session(request: Request, form: Annotated[SignInForm, Depends()],
                  st: AppState = Depends(state)) -> JSONResponse:
    _same_origin(request, st)
    user = await _sign_in(st, form, "session")
    async with st.pool.acquire() as conn:
        old = request.cookies.get(SESSION_COOKIE)
        if old:  # never keep a pre-login id (session fixation)
            await sessions.delete(conn, old)
        session_id, expires_at = await sessions.create(conn, user.username, SESSION_TTL, user.generation)
    csrf = csrf_token_for(st.secrets.token_key, session_id)
    response = JSONResponse({"username": user.username, "role": user.role, "department": user.department,
                             "expires_at": expires_at.isoformat(), "csrf_token": csrf})
    common = {"max_age": int(SESSION_TTL.total_seconds()), "secure": _is_https(request), "samesite": "lax",
              "path": "/"}
    response.set_cookie(SESSION_COOKIE, session_id, httponly=True, **common)
    response.set_cookie(CSRF_COOKIE, csrf, httponly=False, **common)
    return response


@router.post("/api/v1/auth/logout", summary="Sign out: ends the session or revokes the bearer token")
async def logout(request: Request, principal: Principal = Depends(authorized),
                 st: AppState = Depends(state)) -> JSONResponse:
    async with st.pool.acquire() as conn:
        if principal.via == "session":
            await sessions.delete(conn, principal.credential_id or "")
        else:
            expires = principal.expires_at or datetime.now(UTC) + timedelta(seconds=st.settings.token_ttl_seconds)
            await sessions.revoke_token(conn, principal.credential_id or "", principal.username, expires)
        await audit.append(conn, audit.AuditEntry(principal.username, principal.role, "auth.logout",
                                                  detail={"via": principal.via}))
    response = JSONResponse({"signed_out": True})
    if principal.via == "session":
        response.delete_cookie(SESSION_COOKIE, path="/", secure=_is_https(request), httponly=True, samesite="lax")
        response.delete_cookie(CSRF_COOKIE, path="/", secure=_is_https(request), samesite="lax")
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
