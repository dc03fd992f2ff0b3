"""FastAPI app factory. The lifespan creates the pool and the Temporal client once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from fastapi import FastAPI, Request

from api import authz, console, docs, errors
from api.deps import AppState
from api.headers import SecurityHeaders
from api.limits import BodyLimit
from api.routes import (
    appeals,
    breaches,
    calendar,
    codec,
    council,
    exports,
    metrics,
    records,
    registers,
    reports,
    requests,
    suits,
    system,
    users,
)
from domain.profile import load_profile
from kaiji.logs import configure_logging
from kaiji.observe import tracing
from kaiji.observe.metrics import ApiMetrics
from kaiji.observe.metrics import install as install_metrics
from kaiji.secrets import load_secrets
from kaiji.settings import Settings, load_settings
from kaiji.temporal import connect_client
from store.db import create_pool
from store.parties import PartyVault


def _quiet_cancelled_rpcs(loop: asyncio.AbstractEventLoop, context: dict) -> None:
    """A wait on the case engine cut at its bound (api/updates.py) leaves the Temporal bridge's pending
    RPC future holding a CancelledError nobody reads; asyncio would log each as an error. Only those
    are dropped; everything else goes to the default handler."""
    if isinstance(context.get("exception"), asyncio.CancelledError) and "never retrieved" in context.get("message", ""):
        return
    loop.default_exception_handler(context)


def _client_request_id(value: str | None) -> str | None:
    """A client's request id, if it is a harmless token (letters, digits, ``-_.:``; at most 64)."""
    if not value:
        return None
    value = value.strip()[:64]
    return value if value and all(c.isalnum() or c in "-_.:" for c in value) and value.isascii() else None


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()
    configure_logging(settings.log_level, settings.log_format)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        asyncio.get_running_loop().set_exception_handler(_quiet_cancelled_rpcs)
        profile = load_profile(settings.profile)
        secrets = load_secrets(settings)
        pool = await create_pool(settings.effective_database_url(), max_size=settings.database_pool_size)
        client = await connect_client(settings, secrets, interceptors=tracing.client_interceptors(settings))
        app.state.kaiji = AppState(settings=settings, profile=profile, secrets=secrets, pool=pool,
                                   temporal=client, vault=PartyVault(secrets.cipher, secrets.search_key))
        try:
            yield
        finally:
            await pool.close()

    app = FastAPI(
        title="Kaiji API",
        version="0.1.0",
        description="Durable case engine for public-records disclosure requests and appeals (開示).",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    errors.install(app)

    @app.middleware("http")
    async def request_context(request: Request, call_next):  # type: ignore[no-untyped-def]
        # The server's id is always its own; a client's X-Request-Id is kept apart (logged as client_request_id,
        # echoed as X-Client-Request-Id) so a client cannot forge or collide with ids in the logs and audit.
        request.state.request_id = uuid.uuid4().hex
        client_id = _client_request_id(request.headers.get("x-request-id"))
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request.state.request_id)
        if client_id:
            structlog.contextvars.bind_contextvars(client_request_id=client_id)
        response = await call_next(request)
        response.headers["X-Request-Id"] = request.state.request_id
        if client_id:
            response.headers["X-Client-Request-Id"] = client_id
        return response

    app.state.metrics = ApiMetrics()
    install_metrics(app, app.state.metrics)
    app.add_middleware(codec.TemporalUiCors, settings=settings)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)  # added last: outermost, before any read
    docs.install(app, enabled=settings.docs_enabled)
    for module in (system, metrics, users, requests, appeals, suits, breaches, council, records, exports, reports,
                   codec, calendar, registers):
        app.include_router(module.router)
    tracing.instrument_app(app, settings)  # no-op unless KAIJI_OTEL_ENDPOINT is set
    authz.check_routes(app.openapi())  # no operation without a row in the authorisation matrix
    console.install(app)  # the staff console; its pages are checked against api/console/access.py PAGES
    return app
