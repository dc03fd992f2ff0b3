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

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from google.protobuf import json_format
from pydantic import BaseModel, ConfigDict, Field
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send
from temporalio.api.common.v1 import Payloads

from api.auth import Principal
from api.authz import authorized
from api.deps import AppState, state
from api.errors import ApiError
from kaiji.security.codec import EncryptionCodec
from kaiji.security.fields import DecryptionError
from kaiji.settings import Settings
from store import audit

PREFIX = "/api/v1/temporal-codec"
router = APIRouter(prefix=PREFIX, tags=["temporal"])
Base64 = Annotated[str, Field(pattern=r"^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}(==)?|[A-Za-z0-9+/]{3}=?)?$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExternalPayloadJson(_Strict):
    # int64 in proto; 2**53 keeps the bound exact for JSON clients that read numbers as doubles
    sizeBytes: Annotated[int, Field(ge=0, le=2**53)] | Annotated[str, Field(pattern=r"^[0-9]{1,15}$")] | None = None


class PayloadJson(_Strict):
    metadata: dict[str, Base64] | None = None
    data: Base64 | None = None
    externalPayloads: list[ExternalPayloadJson] | None = None


class PayloadsJson(_Strict):
    """``Payloads`` as proto-JSON (bytes in base64). Checked before the proto parser, which is lenient
    (it takes a top-level array and skips characters that are not base64)."""

    payloads: list[PayloadJson] | None = None


def _inline(schema: Any, defs: dict[str, Any] | None = None) -> Any:
    """The JSON schema with its ``$defs`` put in place (an ``openapi_extra`` body cannot point into them)."""
    if defs is None and isinstance(schema, dict):
        defs = schema.pop("$defs", {})
    if isinstance(schema, dict):
        if "$ref" in schema:
            return _inline(defs[schema["$ref"].rsplit("/", 1)[1]], defs)
        return {k: _inline(v, defs) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_inline(v, defs) for v in schema]
    return schema


# The body is read raw (proto-JSON), so /openapi.json is told its shape here.
PAYLOADS_BODY = {"requestBody": {"required": True, "content": {"application/json": {
    "schema": _inline(PayloadsJson.model_json_schema())}}}}


async def _apply(request: Request, st: AppState, principal: Principal, op: str) -> Response:
    try:
        raw = await request.body()
        PayloadsJson.model_validate_json(raw)
        payloads = json_format.Parse(raw, Payloads())
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


@router.post("/decode", summary="Codec server: decrypt Temporal payloads (records officer)", openapi_extra=PAYLOADS_BODY)
async def decode(request: Request, principal: Principal = Depends(authorized), st: AppState = Depends(state)) -> Response:
    return await _apply(request, st, principal, "decode")


@router.post("/encode", summary="Codec server: encrypt Temporal payloads (records officer)", openapi_extra=PAYLOADS_BODY)
async def encode(request: Request, principal: Principal = Depends(authorized), st: AppState = Depends(state)) -> Response:
    return await _apply(request, st, principal, "encode")


class TemporalUiCors:
    """CORS (preflight included) for the Temporal UI origin, on the codec path only."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app, allow_origins=settings.temporal_ui_origins, allow_methods=["POST"], allow_credentials=True,
            allow_headers=["Authorization", "Content-Type", "X-Namespace", "X-CSRF-Token", "X-Request-Id"],
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(PREFIX + "/"):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
