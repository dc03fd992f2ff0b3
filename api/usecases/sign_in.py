"""Sign-in for both faces: the password check with its lockout, and the browser session with its cookies.

The JSON routes (POST /api/v1/auth/session, /auth/logout) and the console's sign-in form call the same
functions, so a console sign-in is locked out, audited and protected against login CSRF exactly as the API's."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated

import structlog
from fastapi import Form, Request, Response

from api.auth import CSRF_COOKIE, SESSION_COOKIE, SESSION_TTL, Principal, csrf_token_for
from api.deps import AppState
from api.errors import ApiError
from kaiji.security.passwords import DUMMY_HASH, PasswordHasher
from store import audit, sessions, users

hasher = PasswordHasher()
LOCK_AFTER = 5
LOCK_FOR = timedelta(minutes=15)
log = structlog.get_logger("kaiji.auth")
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass
class SignInForm:
    """The OAuth2 password form (``username``, ``password``), bounded: an empty name is refused up front and
    a megabyte "password" never reaches argon2 (ASVS V2.1.2 allows 64–128+ characters; 1024 is plenty)."""

    username: Annotated[str, Form(min_length=1, max_length=200)]
    password: Annotated[str, Form(min_length=1, max_length=1024)]


def client_address(request: Request | None, trusted: Iterable[IPNetwork] = ()) -> str:
    """The client's address for the sign-in throttle: the TCP peer, unless the peer is a trusted proxy
    (``KAIJI_TRUSTED_PROXIES``); then the right-most ``X-Forwarded-For`` entry that is not a trusted proxy
    (entries further left are whatever the client wrote). Off by default: a header any client can send
    would otherwise let it pick a fresh address for every guess."""
    if request is None or request.client is None:
        return "unknown"
    peer = request.client.host
    nets = tuple(trusted)
    if not nets or not _in(peer, nets):
        return peer
    hops = [h.strip() for h in ",".join(request.headers.getlist("x-forwarded-for")).split(",") if h.strip()]
    for hop in reversed(hops):
        if not _in(hop, nets):
            return hop if _valid(hop) else peer
    return hops[0] if hops and _valid(hops[0]) else peer


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def _in(address: str, nets: tuple[IPNetwork, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in nets)


def _too_many(retry: int) -> ApiError:
    return ApiError(429, "Too many failed sign-ins; try again later.", headers={"Retry-After": str(retry)})


async def sign_in(st: AppState, form: SignInForm, via: str, request: Request | None = None) -> users.User:
    """Check the password (same throttle for tokens and sessions); audit the outcome.

    Three counts, all in PostgreSQL so API replicas share them (issue 17 "Lockout on demand", issue 16):
    * per username *and client address*: ``LOCK_AFTER`` failures lock the name from that address for
      ``LOCK_FOR``; the name's owner still signs in from elsewhere;
    * per client address, any username: ``login_address_limit`` password checks within ``LOCK_FOR`` refuse
      the address for ``LOCK_FOR``, so one client trying many usernames is slowed to that rate;
    * per username from all addresses: more than ``login_name_limit`` failures within ``LOCK_FOR`` refuse
      the name everywhere (guessing one password from many addresses stays bounded).
    The counts are per attempted username, existing or not, so a 429 does not reveal which usernames are
    accounts; the 401 message is the same for a wrong name and a wrong password."""
    now = datetime.now(UTC)
    address = client_address(request, st.settings.trusted_proxy_networks)
    async with st.pool.acquire() as conn:
        user = await users.get(conn, form.username)

        async def refuse(locked: datetime, scope: str) -> ApiError:
            retry = max(1, int((locked - now).total_seconds()))
            log.warning("auth.locked_out", via=via, retry_after=retry, scope=scope)
            detail = {"via": via, "username_known": user is not None, "scope": scope}
            if scope == "address":
                detail["address"] = address  # the audit log is access-controlled; logs never name it
            await audit.append(conn, audit.AuditEntry(user.username if user else "anonymous",
                                                      user.role if user else "none", "auth.locked_out",
                                                      detail=detail))
            return _too_many(retry)

        settings = st.settings
        if locked := await users.address_lock(conn, address):
            raise await refuse(locked, "address")
        if locked := await users.claim_attempt(conn, form.username, allowed=LOCK_AFTER, lock_for=LOCK_FOR,
                                               address=address):
            raise await refuse(locked, "username")
        if locked := await users.name_lock(conn, form.username, allowed=settings.login_name_limit,
                                           window=LOCK_FOR):
            raise await refuse(locked, "username_everywhere")
        if locked := await users.claim_address_attempt(conn, address, allowed=settings.login_address_limit,
                                                       window=LOCK_FOR, lock_for=LOCK_FOR):
            raise await refuse(locked, "address")
        # argon2id costs ~19 MiB and tens of ms: off the event loop (and spent for unknown names too).
        ok = await asyncio.to_thread(hasher.verify, user.password_hash if user else DUMMY_HASH, form.password)
        ok = ok and user is not None
        if not ok or not user.active:
            await audit.append(
                conn,
                audit.AuditEntry(
                    "anonymous",
                    "none",
                    "auth.login_failed",
                    detail={"username_known": user is not None, "via": via},
                ),
            )
            raise ApiError(401, "Wrong username or password.", headers={"WWW-Authenticate": "Bearer"})
        await users.clear_attempts(conn, user.username, address)
        if hasher.needs_rehash(user.password_hash):
            await users.set_password_hash(
                conn, user.username, await asyncio.to_thread(hasher.hash, form.password)
            )
        await audit.append(
            conn, audit.AuditEntry(user.username, user.role, "auth.login", detail={"via": via})
        )
    return user


def same_origin(request: Request, st: AppState) -> None:
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


def is_https(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


async def open_session(st: AppState, request: Request, user: users.User) -> tuple[str, str, datetime]:
    """A new session for ``user`` (any pre-login session id is dropped: no session fixation):
    (session id, CSRF token, expiry)."""
    async with st.pool.acquire() as conn:
        old = request.cookies.get(SESSION_COOKIE)
        if old:
            await sessions.delete(conn, old)
        session_id, expires_at = await sessions.create(conn, user.username, SESSION_TTL, user.generation)
    return session_id, csrf_token_for(st.secrets.token_key, session_id), expires_at


def set_session_cookies(response: Response, request: Request, session_id: str, csrf: str) -> None:
    common = {
        "max_age": int(SESSION_TTL.total_seconds()),
        "secure": is_https(request),
        "samesite": "lax",
        "path": "/",
    }
    response.set_cookie(SESSION_COOKIE, session_id, httponly=True, **common)
    response.set_cookie(CSRF_COOKIE, csrf, httponly=False, **common)


async def close_session(st: AppState, principal: Principal) -> None:
    """Sign out: end the session, or revoke the bearer token until it would have expired; audited."""
    async with st.pool.acquire() as conn:
        if principal.via == "session":
            await sessions.delete(conn, principal.credential_id or "")
        else:
            expires = principal.expires_at or datetime.now(UTC) + timedelta(
                seconds=st.settings.token_ttl_seconds
            )
            await sessions.revoke_token(conn, principal.credential_id or "", principal.username, expires)
        await audit.append(
            conn,
            audit.AuditEntry(
                principal.username, principal.role, "auth.logout", detail={"via": principal.via}
            ),
        )


def clear_session_cookies(response: Response, request: Request) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", secure=is_https(request), httponly=True, samesite="lax")
    response.delete_cookie(CSRF_COOKIE, path="/", secure=is_https(request), samesite="lax")
