"""Health, readiness, sign-in and the active municipality profile."""

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordRequestForm

from api.auth import Principal, current_principal, issue_token
from api.deps import AppState, state
from api.errors import ApiError, error_body
from kaiji.security.passwords import DUMMY_HASH, PasswordHasher
from store import audit, users

router = APIRouter(tags=["system"])
hasher = PasswordHasher()
LOCK_AFTER = 5
LOCK_FOR = timedelta(minutes=15)


@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="PostgreSQL and Temporal are reachable")
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
    ok = all(v == "ok" for v in checks.values())
    if ok:
        return JSONResponse({"status": "ready", "checks": checks})
    return JSONResponse(error_body("unavailable", "Not ready", checks), 503)


@router.post("/api/v1/auth/token", summary="Sign in: username + password → bearer token")
async def token(form: OAuth2PasswordRequestForm = Depends(), st: AppState = Depends(state)) -> dict[str, Any]:
    now = datetime.now(UTC)
    async with st.pool.acquire() as conn:
        user = await users.get(conn, form.username)
        if user and user.locked_until and user.locked_until > now:
            await audit.append(conn, audit.AuditEntry(form.username, user.role, "auth.locked_out"))
            raise ApiError(429, "Too many failed sign-ins; try again later.", headers={"Retry-After": "900"})
        ok = hasher.verify(user.password_hash if user else DUMMY_HASH, form.password) and user is not None
        if not ok or not user.active:
            if user:
                await users.record_login(conn, user.username, ok=False, lock_after=LOCK_AFTER, lock_until=now + LOCK_FOR)
            await audit.append(conn, audit.AuditEntry("anonymous", "none", "auth.login_failed",
                                                      detail={"username_known": user is not None}))
            raise ApiError(401, "Wrong username or password.", headers={"WWW-Authenticate": "Bearer"})
        await users.record_login(conn, user.username, ok=True, lock_after=LOCK_AFTER, lock_until=now)
        if hasher.needs_rehash(user.password_hash):
            await users.set_password_hash(conn, user.username, hasher.hash(form.password))
        await audit.append(conn, audit.AuditEntry(user.username, user.role, "auth.login"))
    principal = Principal(user.username, user.role, user.department)
    ttl = st.settings.token_ttl_seconds
    return {"access_token": issue_token(st.secrets.token_key, principal, ttl), "token_type": "bearer",
            "expires_in": ttl}


@router.get("/api/v1/profile", summary="The active municipality profile")
async def profile(principal: Principal = Depends(current_principal), st: AppState = Depends(state)) -> dict:
    p = st.profile.model_dump(mode="json")
    return {
        "name": p["name"],
        "municipality": p.get("municipality"),
        "implementing_bodies": p.get("implementing_bodies"),
        "departments": p.get("departments"),
        "request_kinds": p.get("request_kinds"),
        "exemptions": p.get("exemptions"),
        "council_members": (p.get("council") or {}).get("members"),
        "unconfirmed": list(st.profile.confirm_items()),
    }
