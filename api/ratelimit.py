"""Per-user rate limits on the registration endpoints (a FastAPI dependency).

An in-memory sliding window: exact for ONE API process. Several API replicas
each keep their own window, so a user could get ``replicas × limit``; a
multi-replica deployment needs a shared store (a PostgreSQL table or Redis)
behind the same :meth:`SlidingWindow.hit` interface.

``REGISTRATIONS_PER_MINUTE`` is read on every call, so tests can lower it with
``monkeypatch``; ``KAIJI_REGISTRATION_RATE_LIMIT`` sets it at start-up
(``0`` switches the limit off, e.g. for load benchmarks).
"""

from __future__ import annotations

import math
import os
import time
from collections import deque

import structlog
from fastapi import Depends, Request

from api.auth import Principal
from api.authz import authorized
from api.errors import ApiError
from store import audit

REGISTRATIONS_PER_MINUTE = int(os.environ.get("KAIJI_REGISTRATION_RATE_LIMIT", "60"))
WINDOW_SECONDS = 60.0
log = structlog.get_logger("kaiji.ratelimit")


class SlidingWindow:
    """At most ``limit`` hits per key within any ``window`` seconds."""

    def __init__(self) -> None:
        self._hits: dict[str, deque[float]] = {}

    def hit(self, key: str, limit: int, window: float, now: float | None = None) -> float | None:
        """Record a hit and return None, or refuse it and return the seconds until one is allowed."""
        now = time.monotonic() if now is None else now
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - window:
            hits.popleft()
        if len(hits) >= limit:
            return hits[0] + window - now
        hits.append(now)
        return None

    def clear(self) -> None:
        self._hits.clear()


registrations = SlidingWindow()


async def registration_limit(request: Request, principal: Principal = Depends(authorized)) -> None:
    """429 + Retry-After (and an audit entry) once a user registers too much in a minute."""
    limit = REGISTRATIONS_PER_MINUTE
    if limit <= 0:
        return
    wait = registrations.hit(principal.username, limit, WINDOW_SECONDS)
    if wait is None:
        return
    retry = max(1, math.ceil(wait))
    detail = {"limit": limit, "window_seconds": WINDOW_SECONDS, "path": request.url.path, "retry_after": retry}
    log.warning("rate_limit.exceeded", user=principal.username, **detail)
    async with request.app.state.kaiji.pool.acquire() as conn:
        await audit.append(conn, audit.AuditEntry(principal.username, principal.role, "rate_limit.exceeded",
                                                  detail=detail))
    raise ApiError(429, f"Too many registrations: at most {limit} per minute. Try again in {retry} s.",
                   headers={"Retry-After": str(retry)})
