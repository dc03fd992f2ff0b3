"""One error shape for every answer: ``{"error": {"code", "message", "details"}}``.

Unexpected exceptions answer 500 with a correlation id and nothing else: no
stack trace, no SQL, no personal data. ``install`` also documents, in one place,
the error answers each operation can give (all in this shape) in ``/openapi.json``.
"""

from __future__ import annotations

from typing import Any

import asyncpg
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

log = structlog.get_logger("kaiji.api")

_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
          413: "too_large",
          409: "conflict", 415: "unsupported_media_type", 422: "invalid", 429: "too_many_requests",
          503: "unavailable"}


# Connection loss to PostgreSQL (refused, reset, server shutting down or starting, too many clients, a
# pool acquire or query that timed out): answered 503, not 500. OSError covers refused/reset sockets.
DATABASE_UNAVAILABLE: tuple[type[BaseException], ...] = (
    asyncpg.exceptions.PostgresConnectionError, asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.TooManyConnectionsError, OSError, TimeoutError,
)
DATABASE_RETRY_AFTER = 5


class ErrorInfo(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorBody(BaseModel):
    """The body of every error answer."""

    error: ErrorInfo


# What each documented error status means here (the body is always ErrorBody).
_MEANINGS = {
    400: "The body could not be parsed.",
    401: "Not signed in, or the credential is not valid (wrong password, expired or revoked token).",
    403: "Signed in, but this role may not do this (or the CSRF header is missing).",
    404: "No such object, or not one the caller may see.",
    409: "Refused in the object's current state (or a conflicting Idempotency-Key).",
    422: "Invalid input: a field breaks the schema or a rule.",
    413: "The body is larger than the limit (KAIJI_MAX_BODY_BYTES); nothing was read or recorded.",
    429: "Too many attempts: wait for Retry-After seconds.",
    503: "A backing service (PostgreSQL or the case engine) is not reachable or did not answer in time; "
         "the message and details.outcome say whether the action was not applied, may still be applied "
         "(until details.may_apply_until) or was accepted. See Retry-After.",
}


class ApiError(Exception):
    def __init__(self, status: int, message: str, *, code: str | None = None, details: Any = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or _CODES.get(status, "error")
        self.message = message
        self.details = details
        self.headers = headers


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


def _request_id(request: Request) -> str:
    return getattr(request.state, "request_id", "")


def install(app: FastAPI) -> None:
    document(app)

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.message, exc.details), exc.status, headers=exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _CODES.get(exc.status_code, "error")
        headers = exc.headers
        if exc.status_code == 405:  # Starlette names only the first route's methods; a path can have several
            headers = {**(headers or {}), "Allow": _allowed_methods(request)}
        return JSONResponse(error_body(code, str(exc.detail)), exc.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            {"field": ".".join(str(p) for p in e.get("loc", ()) if p != "body"), "message": e.get("msg", "")}
            for e in exc.errors()
        ]
        first = details[0] if details else {"field": "", "message": "invalid input"}
        message = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
        return JSONResponse(error_body("invalid", message, details), 422)

    @app.exception_handler(asyncpg.exceptions.DataError)
    async def _unstorable_value(request: Request, exc: Exception) -> JSONResponse:
        # SQLSTATE class 22 (data exception): a path, query or form value the database cannot hold,
        # such as a NUL in a text or a date out of its range. Bad input, not a server fault.
        log.warning("data exception", sqlstate=getattr(exc, "sqlstate", None), request_id=_request_id(request))
        return JSONResponse(error_body("invalid", "A value cannot be stored as given (a control character such "
                                                  "as NUL, or a number or date out of range)."), 422)

    async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
        # PostgreSQL is down, restarting or out of connections: a fault of the moment, not of the
        # request. 503 with Retry-After, and nothing was recorded (the transaction did not commit).
        log.warning("database unavailable", error=type(exc).__name__, request_id=_request_id(request))
        return JSONResponse(error_body("unavailable", "The database is not reachable; nothing was recorded. "
                                                      "Try again shortly.", {"service": "database"}),
                            503, headers={"Retry-After": str(DATABASE_RETRY_AFTER)})

    for kind in DATABASE_UNAVAILABLE:
        app.add_exception_handler(kind, _database_unavailable)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        rid = _request_id(request)
        log.exception("unhandled error", request_id=rid)
        return JSONResponse(
            error_body("internal", "An unexpected error occurred. Quote this id to support.", {"correlation_id": rid}),
            500,
        )


def _allowed_methods(request: Request) -> str:
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match != Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return ", ".join(sorted(methods))


def _error_statuses(path: str, method: str, operation: dict[str, Any]) -> set[int]:
    """The error answers an operation can give, from what it declares."""
    statuses: set[int] = set()
    if operation.get("security"):
        statuses |= {401, 403}  # see api/auth.py and api/authz.py
    if path.startswith("/api/v1/auth/") and method == "post":
        statuses |= {401, 429}  # wrong password; lockout
    if any(p.get("in") == "path" for p in operation.get("parameters", [])):
        statuses.add(404)
    if operation.get("parameters") or operation.get("requestBody"):
        statuses.add(422)
    if operation.get("requestBody"):
        statuses.add(400)
    if method in ("post", "patch") and operation.get("security") and operation.get("requestBody"):
        statuses |= {409, 503}  # refused in the current state; the case engine is down
        if "201" in operation.get("responses", {}):
            statuses.add(429)  # registrations are rate limited (api/ratelimit.py)
    if path != "/healthz":
        statuses.add(503)  # PostgreSQL (or the case engine) unreachable: every route but liveness
    if operation.get("requestBody"):
        statuses.add(413)  # body over KAIJI_MAX_BODY_BYTES (api/limits.py)
    return statuses


def document(app: FastAPI) -> None:
    """Add the error answers (in the one error shape) to every operation of ``/openapi.json``, and use
    that shape for 422 too instead of FastAPI's own ``HTTPValidationError``, which this API never sends."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        body = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(body.pop("$defs", {}))
        components["ErrorBody"] = body
        for name in ("HTTPValidationError", "ValidationError"):
            components.pop(name, None)
        content = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                for status in sorted(_error_statuses(path, method, operation)):
                    responses.setdefault(str(status), {"description": _MEANINGS[status]})
                for status, response in responses.items():
                    if status[0] in "45":  # FastAPI's own 422 included
                        response["content"] = content
                        if response.get("description") == "Validation Error":
                            response["description"] = _MEANINGS[422]
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
