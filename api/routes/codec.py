"""Temporal codec server: lets records officers read encrypted histories in the Temporal Web UI.

Protocol (temporalio/samples-go codec-server/protocol.md, samples-python
encryption/codec_server.py): ``POST …/encode`` and ``POST …/decode`` take and
return a ``Payloads`` proto as proto-JSON, ``{"payloads": [{"metadata": {k:
base64}, "data": base64}]}``; the UI sends ``X-Namespace``. Authenticated by
bearer token (``temporal … --codec-auth "Bearer …"``) or the session cookie
(UI setting "include cross-origin credentials"); records_officer only; every
call is one audit entry. CORS is opened for the Temporal UI origin only, and
only on this path.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from google.protobuf import json_format
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send
from temporalio.api.common.v1 import Payloads

from api.auth import Principal, authenticate, oauth2, require_roles
from api.deps import AppState, state
from api.errors import ApiError
from kaiji.security.codec import EncryptionCodec
from kaiji.security.fields import DecryptionError
from kaiji.settings import Settings
from store import audit

PREFIX = "/api/v1/temporal-codec"
router = APIRouter(prefix=PREFIX, tags=["temporal"])


def ui_origins(settings: Settings) -> list[str]:
    return [f"http://{host}:{settings.temporal_ui_port}" for host in ("127.0.0.1", "localhost")]


async def _codec_principal(request: Request, token: str | None = Depends(oauth2)) -> Principal:
    # A cookie-authenticated call from the UI origin passes the CSRF check on Origin (it sends no CSRF header).
    return await authenticate(request, token, trusted_origins=ui_origins(request.app.state.kaiji.settings))


officer = require_roles("records_officer", principal_dependency=_codec_principal)


async def _apply(request: Request, st: AppState, principal: Principal, op: str) -> Response:
    try:
        payloads = json_format.Parse(await request.body(), Payloads())
    except (json_format.ParseError, UnicodeDecodeError, ValueError):
        raise ApiError(400, 'The body must be proto-JSON Payloads: {"payloads": [{"metadata": …, "data": …}]}.') \
            from None
    codec = EncryptionCodec(st.secrets.keyring)
    error: DecryptionError | None = None
    try:
        result = await (codec.decode if op == "decode" else codec.encode)(payloads.payloads)
    except DecryptionError as exc:
        error, result = exc, []
    detail = {"payloads": len(payloads.payloads), "namespace": request.headers.get("x-namespace"),
              "ok": error is None, "request_id": getattr(request.state, "request_id", None)}
    async with st.pool.acquire() as conn:
        await audit.append(conn, audit.AuditEntry(principal.username, principal.role, f"temporal.{op}", detail=detail))
    if error is not None:
        raise ApiError(422, str(error))
    return Response(json_format.MessageToJson(Payloads(payloads=result)), media_type="application/json")


@router.post("/decode", summary="Codec server: decrypt Temporal payloads (records officer)")
async def decode(request: Request, principal: Principal = Depends(officer), st: AppState = Depends(state)) -> Response:
    return await _apply(request, st, principal, "decode")


@router.post("/encode", summary="Codec server: encrypt Temporal payloads (records officer)")
async def encode(request: Request, principal: Principal = Depends(officer), st: AppState = Depends(state)) -> Response:
    return await _apply(request, st, principal, "encode")


class TemporalUiCors:
    """CORS (preflight included) for the Temporal UI origin, on the codec path only."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app, allow_origins=ui_origins(settings), allow_methods=["POST"], allow_credentials=True,
            allow_headers=["Authorization", "Content-Type", "X-Namespace", "X-CSRF-Token", "X-Request-Id"],
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(PREFIX + "/"):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
