"""Who is calling: bearer tokens (signed JWT, short-lived) for API clients, a session cookie for browsers.

A cookie-authenticated state-changing request (POST/PUT/PATCH/DELETE) must also
send ``X-CSRF-Token`` equal to the readable ``kaiji_csrf`` cookie (double
submit; the value is an HMAC of the session id, so a planted cookie does not
pass). Every 401/403 on a request that carried a known identity is one
``auth.denied`` audit entry.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import jwt
import structlog
from fastapi import Request
from fastapi.security import OAuth2PasswordBearer

from api.errors import ApiError
from domain.actors import Actor
from kaiji.security.keys import b64url_encode
from store import audit, sessions

_ALGORITHM = "HS256"
SESSION_COOKIE = "kaiji_session"
CSRF_COOKIE = "kaiji_csrf"
CSRF_HEADER = "X-CSRF-Token"
SESSION_TTL = timedelta(hours=8)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_BEARER = {"WWW-Authenticate": "Bearer"}
oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)
log = structlog.get_logger("kaiji.auth")


@dataclass(frozen=True)
class Principal:
    username: str
    role: str
    department: str | None
    via: str = "bearer"  # "bearer" | "session"
    credential_id: str | None = field(default=None, repr=False, compare=False)  # jti or session id
    expires_at: datetime | None = field(default=None, compare=False)
    generation: int = field(default=0, compare=False)  # the account's credential generation at sign-in

    @property
    def actor(self) -> Actor:
        return Actor(self.username, self.role, self.department)


def issue_token(key: bytes, principal: Principal, ttl_seconds: int, now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    claims = {
        "sub": principal.username,
        "role": principal.role,
        "dept": principal.department,
        "jti": secrets.token_urlsafe(16),
        "iat": int(now.timestamp()),
        "gen": principal.generation,
        "exp": int((now + timedelta(seconds=ttl_seconds)).timestamp()),
    }
    return jwt.encode(claims, key, algorithm=_ALGORITHM)


def read_token(key: bytes, token: str) -> Principal:
    try:
        claims = jwt.decode(token, key, algorithms=[_ALGORITHM], options={"require": ["exp", "sub", "jti"]})
    except jwt.ExpiredSignatureError:
        raise ApiError(401, "The token has expired; sign in again.", headers=_BEARER) from None
    except jwt.PyJWTError:
        raise ApiError(401, "The token is not valid.", headers=_BEARER) from None
    return Principal(claims["sub"], claims["role"], claims.get("dept"), "bearer", claims["jti"],
                     datetime.fromtimestamp(claims["exp"], UTC), int(claims.get("gen", -1)))


def csrf_token_for(key: bytes, session_id: str) -> str:
    return b64url_encode(hmac.new(key, b"kaiji.csrf\x00" + session_id.encode(), hashlib.sha256).digest())


def _csrf_ok(request: Request, key: bytes, session_id: str, trusted_origins: Iterable[str]) -> bool:
    if request.method in SAFE_METHODS:
        return True
    if request.headers.get("origin") in trusted_origins:  # CORS-listed UI origin: the browser vouches for it
        return True
    sent, cookie = request.headers.get(CSRF_HEADER, ""), request.cookies.get(CSRF_COOKIE, "")
    expected = csrf_token_for(key, session_id)
    return bool(sent) and hmac.compare_digest(sent, cookie) and hmac.compare_digest(sent, expected)


async def audit_denial(request: Request, principal: Principal, status: int, reason: str) -> None:
    """One ``auth.denied`` entry (and a log line) for a refused, identified request."""
    detail = {"status": status, "reason": reason, "method": request.method, "path": request.url.path,
              "via": principal.via, "request_id": getattr(request.state, "request_id", None)}
    log.warning("auth.denied", user=principal.username, **detail)
    async with request.app.state.kaiji.pool.acquire() as conn:
        await audit.append(conn, audit.AuditEntry(principal.username, principal.role, "auth.denied", detail=detail))


async def authenticate(request: Request, token: str | None, *, trusted_origins: Iterable[str] = ()) -> Principal:
    """Bearer token if one is sent, else the session cookie (with the CSRF check)."""
    st = request.app.state.kaiji
    if token:
        principal = read_token(st.secrets.token_key, token)
        async with st.pool.acquire() as conn:
            holder = await sessions.token_holder(conn, principal.credential_id or "", principal.username)
        if holder.revoked:
            await audit_denial(request, principal, 401, "token_revoked")
            raise ApiError(401, "This token was signed out; sign in again.", headers=_BEARER)
        if not holder.active or holder.generation != principal.generation:
            # A changed, deactivated or reset account ends its tokens at once, not when they expire
            # (and changing it back does not revive them: the generation only grows).
            await audit_denial(request, principal, 401, "account_changed")
            raise ApiError(401, "Your account has changed; sign in again.", headers=_BEARER)
    else:
        session_id = request.cookies.get(SESSION_COOKIE)
        if not session_id:
            raise ApiError(401, "Sign in first: send a bearer token or sign in for a session.", headers=_BEARER)
        async with st.pool.acquire() as conn:
            found = await sessions.lookup(conn, session_id)
        if found is None:
            raise ApiError(401, "The session has ended; sign in again.", headers=_BEARER)
        principal = Principal(found.username, found.role, found.department, "session", session_id, found.expires_at)
        if not _csrf_ok(request, st.secrets.token_key, session_id, trusted_origins):
            await audit_denial(request, principal, 403, "csrf")
            raise ApiError(403, f"Send the {CSRF_HEADER} header with the value of the {CSRF_COOKIE} cookie.")
    request.state.principal = principal
    return principal
