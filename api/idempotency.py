"""``Idempotency-Key`` on staff actions: a repeat answers with the first outcome, never acts twice.

The key belongs to the caller (stored as a digest of username and key, migration 0016) and to one
operation and body: the same key with another path or body is refused with 409. While the first
outcome is unknown (the case engine did not answer within the bound), a repeat sends the action again
under the same Temporal update id, which Temporal deduplicates: if the first attempt was applied the
repeat learns its result, otherwise the action is applied now (or refused, by its state or its expiry).
An expired attempt is not an outcome: the key may be used again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Header, Request, Response
from pydantic import BaseModel

from api.auth import Principal
from api.deps import AppState
from api.errors import ApiError
from api.updates import UPDATE_ID_BASE
from store import action_keys

REPLAYED_HEADER = "Idempotent-Replayed"
# The header every staff action accepts (FastAPI reads ``idempotency_key`` as ``Idempotency-Key``).
IdempotencyKey = Annotated[str | None, Header(max_length=200, description=(
    "Any unique string (a UUID): repeating the call with the same key and body returns the first outcome "
    "instead of acting twice."))]


def body_hash(body: BaseModel | None) -> str:
    data = body.model_dump(mode="json") if body is not None else None
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _key_digest(username: str, key: str) -> str:
    return hashlib.sha256(f"{username}\0{key}".encode()).hexdigest()


async def once(st: AppState, principal: Principal, request: Request, response: Response, key: str | None,
               body: BaseModel | None, case_id: str, act: Callable[[], Awaitable[dict[str, Any]]],
               view: Callable[[], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
    """Run ``act`` at most once per key; a repeat answers ``view()`` (the case as it is now) or the
    first refusal again."""
    if not key:
        return await act()
    digest = _key_digest(principal.username, key)
    operation = f"{request.method} {request.url.path}"
    async with st.pool.acquire() as conn:
        row = await action_keys.claim(conn, digest, principal.username, operation, body_hash(body), case_id)
    if row["operation"] != operation or row["body_hash"] != body_hash(body):
        raise ApiError(409, "This Idempotency-Key was already used for a different action or body.",
                       code="idempotency_key_reused")
    outcome = row["outcome"]
    if outcome is not None:
        response.headers[REPLAYED_HEADER] = "true"
        if outcome["status"] >= 400:
            raise ApiError(outcome["status"], outcome["message"], code=outcome["code"],
                           headers={REPLAYED_HEADER: "true"})
        return await view()
    token = UPDATE_ID_BASE.set("key-" + digest[:40])
    try:
        result = await act()
    except ApiError as err:
        if 400 <= err.status < 500 and err.code != "expired":  # a definite refusal is the key's outcome
            async with st.pool.acquire() as conn:
                await action_keys.complete(conn, digest, {"status": err.status, "code": err.code,
                                                          "message": err.message})
        raise
    finally:
        UPDATE_ID_BASE.reset(token)
    async with st.pool.acquire() as conn:
        await action_keys.complete(conn, digest, {"status": 200})
    return result
