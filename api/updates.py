"""Send a staff action to a case workflow and map refusals to HTTP answers.

A refusal changes nothing in the case; it leaves exactly one audit line.

Every wait on the case engine is bounded by ``KAIJI_ACTION_TIMEOUT_SECONDS`` (the SDK's RPC timeout
bounds one call only; waiting for an update's result would otherwise have no deadline). The command
carries the same bound as ``expires_at`` (domain/expiry.py), so a 503 can say exactly what may still
happen: an action not taken by a worker before its expiry is refused when a worker comes back.
"""

from __future__ import annotations

import asyncio
import dataclasses
import math
import uuid
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any

import asyncpg
from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
    WorkflowUpdateStage,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from api.auth import Principal
from api.errors import ApiError
from domain import clock
from store import audit

STATUS_OF_REFUSAL = {"conflict": 409, "forbidden": 403, "invalid": 422, "expired": 409}
# Set by api/idempotency.py for a request carrying an Idempotency-Key: the update ids derive from it, so a
# repeat after a crash reaches the same Temporal update (deduplicated by id) instead of acting twice.
UPDATE_ID_BASE: ContextVar[str | None] = ContextVar("update_id_base", default=None)
ACCEPTED_RETRY_AFTER = 5  # seconds: an accepted action is usually recorded within a few


async def audit_refusal(pool: asyncpg.Pool, principal: Principal, entity: str, action: str, err: ApiError) -> None:
    async with pool.acquire() as conn:
        await audit.append(
            conn,
            audit.AuditEntry(actor=principal.username, role=principal.role, action=f"refused.{action}",
                             entity_id=entity, detail={"status": err.status, "code": err.code, "message": err.message}),
        )


def _update_id(workflow_id: str, update: str) -> str:
    base = UPDATE_ID_BASE.get()
    return f"{base}/{workflow_id}/{update}" if base else str(uuid.uuid4())


def _retry_after(until: datetime) -> str:
    return str(max(1, math.ceil((until - clock.now()).total_seconds())))


def _not_taken(expires_at: datetime) -> ApiError:
    """No worker took the action within the bound: it may be taken until its expiry, never after."""
    until = expires_at.isoformat(timespec="seconds")
    return ApiError(
        503, f"The case engine did not take the action in time. It may still be applied until {until}; "
             "after that it is refused. Repeat it with the same Idempotency-Key to learn the outcome, "
             "or reload the case after that time.",
        details={"outcome": "unknown", "may_apply_until": expires_at.isoformat()},
        headers={"Retry-After": _retry_after(expires_at)},
    )


def _accepted() -> ApiError:
    return ApiError(
        503, "The case engine accepted the action and will apply it, but did not finish in time. "
             "Reload the case in a few seconds (or repeat it with the same Idempotency-Key).",
        details={"outcome": "accepted"}, headers={"Retry-After": str(ACCEPTED_RETRY_AFTER)},
    )


def _unreachable() -> ApiError:
    return ApiError(503, "The case engine is not reachable; the action was not delivered. Try again.",
                    details={"outcome": "not_applied"}, headers={"Retry-After": str(ACCEPTED_RETRY_AFTER)})


async def execute(
    client: Client, pool: asyncpg.Pool, principal: Principal, workflow_id: str, update: str, arg: Any,
    result_type: type, *, audit_name: str, bound: float, resume: Any = None, resume_arg: Any = None,
    task_queue: str = "",
) -> Any:
    expires_at = clock.now() + timedelta(seconds=bound)
    if dataclasses.is_dataclass(arg) and any(f.name == "expires_at" for f in dataclasses.fields(arg)):
        arg = dataclasses.replace(arg, expires_at=expires_at)
    rpc_timeout = timedelta(seconds=bound)
    update_id = _update_id(workflow_id, update)
    accepted = False
    try:
        async with asyncio.timeout(bound):
            if resume is not None:  # the case has closed: a new run rebuilds it from its events, then acts
                start = WithStartWorkflowOperation(
                    resume, resume_arg, id=workflow_id, task_queue=task_queue,
                    id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                    id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
                )
                handle = await client.start_update_with_start_workflow(
                    update, arg, start_workflow_operation=start, wait_for_stage=WorkflowUpdateStage.ACCEPTED,
                    id=update_id, result_type=result_type, rpc_timeout=rpc_timeout,
                )
            else:
                handle = await client.get_workflow_handle(workflow_id).start_update(
                    update, arg, wait_for_stage=WorkflowUpdateStage.ACCEPTED, id=update_id,
                    result_type=result_type, rpc_timeout=rpc_timeout,
                )
            accepted = True  # from here on the action is in the case's history: it will be applied
            return await handle.result(rpc_timeout=rpc_timeout)
    except WorkflowUpdateFailedError as exc:
        cause = exc.cause
        if isinstance(cause, ApplicationError):
            code = "expired" if cause.type == "expired" else None
            err = ApiError(STATUS_OF_REFUSAL.get(cause.type or "", 409), cause.message, code=code)
        else:
            err = ApiError(409, "The action could not be completed.")
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):
        raise (_accepted() if accepted else _not_taken(expires_at)) from None
    except RPCError as exc:
        if exc.status != RPCStatusCode.NOT_FOUND:
            raise (_accepted() if accepted else _unreachable()) from None
        err = ApiError(409, "The case is closed; no further actions are possible.")
    await audit_refusal(pool, principal, workflow_id, audit_name, err)
    raise err


async def start_case(client: Client, task_queue: str, run: Any, inp: Any, case_id: str, registered: Any,
                     result_type: type, *, noun: str, bound: float, retry_hint: str = "") -> None:
    """Start a case workflow and wait until its receipt is recorded (update-with-start; idempotent on the id).

    The id is already reserved in PostgreSQL; if Temporal cannot be reached within the bound the caller
    gets a 503 naming it. The reservation is finished by the worker's reconciler (worker/reconcile.py)
    if nobody repeats the registration, so the case is never left invisible."""
    start = WithStartWorkflowOperation(run, inp, id=case_id, task_queue=task_queue,
                                       id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING)
    try:
        async with asyncio.timeout(bound):
            await client.execute_update_with_start_workflow(
                registered, start_workflow_operation=start, result_type=result_type,
                rpc_timeout=timedelta(seconds=bound))
    except (RPCError, TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):
        raise ApiError(503, f"{noun} {case_id} was reserved but the case engine did not confirm it in time. "
                            f"The system completes the registration by itself when the engine is back.{retry_hint}",
                       details={"id": case_id, "outcome": "reserved"},
                       headers={"Retry-After": str(ACCEPTED_RETRY_AFTER)}) from None
