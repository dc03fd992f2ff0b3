"""Per-user rate limits on the registration endpoints (a FastAPI dependency).

A sliding window kept in PostgreSQL (``rate_limit_hits``, migration 0021), so several API replicas share
it: a user gets at most ``limit`` registrations per minute however many replicas answer (issue 16). The
window is read under a per-key advisory lock, so two replicas cannot both accept the last slot, and on
the database's clock, so replicas with drifting clocks still agree.

The budget is the setting ``KAIJI_REGISTRATION_RATE_LIMIT`` (``Settings.registration_rate_limit``, default
60; ``0`` switches the limit off, e.g. for load benchmarks), read from the app's settings on every call.
"""

from __future__ import annotations

import math

import asyncpg
import structlog
from fastapi import Depends, Request

from api.auth import Principal
from api.authz import authorized
from api.errors import ApiError
from store import audit

WINDOW_SECONDS = 60.0
BUCKET = "registration"
log = structlog.get_logger("kaiji.ratelimit")


async def hit(conn: asyncpg.Connection, bucket: str, key: str, limit: int, window: float) -> float | None:
    """Record a hit and return None, or refuse it and return the seconds until one is allowed."""
    async with conn.transaction():
        await conn.execute("select pg_advisory_xact_lock(hashtextextended('kaiji.ratelimit:' || $1 || ':' || $2, 0))",
                           bucket, key)
        await conn.execute("delete from rate_limit_hits where bucket = $1 and key = $2"
                           " and at <= clock_timestamp() - make_interval(secs => $3)", bucket, key, window)
        row = await conn.fetchrow(
            """select count(*) as n, extract(epoch from min(at) + make_interval(secs => $3) - clock_timestamp())
                      as wait
                 from rate_limit_hits where bucket = $1 and key = $2""", bucket, key, window)
        if row["n"] >= limit:
            return max(0.0, float(row["wait"]))
        await conn.execute("insert into rate_limit_hits (bucket, key, at) values ($1, $2, clock_timestamp())",
                           bucket, key)
        return None


async def clear(conn: asyncpg.Connection, bucket: str = BUCKET) -> None:
    """Forget every hit of ``bucket`` (tests; an operator lifting a limit by hand)."""
    await conn.execute("delete from rate_limit_hits where bucket = $1", bucket)


async def registration_limit(request: Request, principal: Principal = Depends(authorized)) -> None:
    """429 + Retry-After (and an audit entry) once a user registers too much in a minute."""
    limit = request.app.state.kaiji.settings.registration_rate_limit
    if limit <= 0:
        return
    async with request.app.state.kaiji.pool.acquire() as conn:
        wait = await hit(conn, BUCKET, principal.username, limit, WINDOW_SECONDS)
        if wait is None:
            return
        retry = max(1, math.ceil(wait))
        detail = {"limit": limit, "window_seconds": WINDOW_SECONDS, "path": request.url.path, "retry_after": retry}
        log.warning("rate_limit.exceeded", user=principal.username, **detail)
        await audit.append(conn, audit.AuditEntry(principal.username, principal.role, "rate_limit.exceeded",
                                                  detail=detail))
    raise ApiError(429, f"Too many registrations: at most {limit} per minute. Try again in {retry} s.",
                   headers={"Retry-After": str(retry)})
