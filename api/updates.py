"""Send a staff action to a case workflow and map refusals to HTTP answers.

A refusal changes nothing in the case; it leaves exactly one audit line.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import asyncpg
from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from api.auth import Principal
from api.errors import ApiError
from store import audit

UPDATE_TIMEOUT = timedelta(seconds=30)
STATUS_OF_REFUSAL = {"conflict": 409, "forbidden": 403, "invalid": 422}


async def audit_refusal(pool: asyncpg.Pool, principal: Principal, entity: str, action: str, err: ApiError) -> None:
    async with pool.acquire() as conn:
        await audit.append(
            conn,
            audit.AuditEntry(actor=principal.username, role=principal.role, action=f"refused.{action}",
                             entity_id=entity, detail={"status": err.status, "code": err.code, "message": err.message}),
        )


async def execute(
    client: Client, pool: asyncpg.Pool, principal: Principal, workflow_id: str, update: str, arg: Any,
    result_type: type, *, audit_name: str, resume: Any = None, resume_arg: Any = None, task_queue: str = "",
) -> Any:
    try:
        if resume is not None:  # the case has closed: a new run rebuilds it from its events, then acts
            start = WithStartWorkflowOperation(
                resume, resume_arg, id=workflow_id, task_queue=task_queue,
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
            )
            return await client.execute_update_with_start_workflow(
                update, arg, start_workflow_operation=start, result_type=result_type, rpc_timeout=UPDATE_TIMEOUT
            )
        return await client.get_workflow_handle(workflow_id).execute_update(
            update, arg, result_type=result_type, rpc_timeout=UPDATE_TIMEOUT
        )
    except WorkflowUpdateFailedError as exc:
        cause = exc.cause
        if isinstance(cause, ApplicationError):
            err = ApiError(STATUS_OF_REFUSAL.get(cause.type or "", 409), cause.message)
        else:
            err = ApiError(409, "The action could not be completed.")
    except WorkflowUpdateRPCTimeoutOrCancelledError:
        raise ApiError(503, "The case engine did not answer in time; the action may still be applied. "
                            "Reload the case before trying again.") from None
    except RPCError as exc:
        if exc.status != RPCStatusCode.NOT_FOUND:
            raise ApiError(503, "The case engine is not reachable; nothing was recorded. Try again.") from None
        err = ApiError(409, "The case is closed; no further actions are possible.")
    await audit_refusal(pool, principal, workflow_id, audit_name, err)
    raise err


async def start_case(client: Client, task_queue: str, run: Any, inp: Any, case_id: str, registered: Any,
                     result_type: type, *, noun: str, retry_hint: str = "") -> None:
    """Start a case workflow and wait until its receipt is recorded (update-with-start; idempotent on the id).

    The id is already reserved in PostgreSQL; if Temporal cannot be reached the caller gets a 503 naming it,
    and repeating the registration (same Idempotency-Key where there is one) finishes the job."""
    start = WithStartWorkflowOperation(run, inp, id=case_id, task_queue=task_queue,
                                       id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING)
    try:
        await client.execute_update_with_start_workflow(registered, start_workflow_operation=start,
                                                        result_type=result_type, rpc_timeout=UPDATE_TIMEOUT)
    except (RPCError, WorkflowUpdateRPCTimeoutOrCancelledError):
        raise ApiError(503, f"{noun} {case_id} was reserved but the case engine is not reachable.{retry_hint}",
                       details={"id": case_id}) from None
