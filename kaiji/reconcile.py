"""Reservations the API could not finish: the worker starts their cases, or voids them visibly.

A registration reserves its case id in PostgreSQL (with the requester and the workflow input) before it
starts the case workflow. If Temporal was down, the API answered 503 and the id stayed reserved with no
case: in no list, invisible. The worker looks for such reservations older than
``KAIJI_RESERVATION_GRACE_SECONDS`` (longer than the API's own wait) every
``KAIJI_RECONCILE_EVERY_SECONDS`` and on start, and starts each case exactly as the API would have
(update-with-start on the case id: a case that did start is left as it is). A reservation that cannot be
started (no stored input, or the domain refuses it) is voided with its reason. Each outcome leaves an
audit line; `kaiji reservations` lists what is still waiting or voided.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import asyncpg
from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDConflictPolicy

from domain.actors import SYSTEM, SYSTEM_ACTOR
from domain.appeals.commands import FileAppeal
from domain.breaches.commands import RecordBreach
from domain.litigation.commands import FileSuit
from domain.requests.registration import RegisterRequest
from kaiji.logs import get_logger
from kaiji.settings import Settings
from kaiji.temporal import input_from_json
from store import audit, registry
from workflows.appeal import AppealResult, AppealWorkflow
from workflows.breach import BreachResult, BreachWorkflow
from workflows.litigation import SuitResult, SuitWorkflow
from workflows.request import ActionResult, RequestWorkflow

log = get_logger("kaiji.reconcile")


@dataclass(frozen=True)
class Kind:
    run: Any
    input_type: type
    registered: Any
    result_type: type


KINDS = {
    "request": Kind(RequestWorkflow.run, RegisterRequest, RequestWorkflow.registered, ActionResult),
    "appeal": Kind(AppealWorkflow.run, FileAppeal, AppealWorkflow.registered, AppealResult),
    "suit": Kind(SuitWorkflow.run, FileSuit, SuitWorkflow.registered, SuitResult),
    "breach": Kind(BreachWorkflow.run, RecordBreach, BreachWorkflow.registered, BreachResult),
}


async def _void(conn: asyncpg.Connection, case_id: str, kind: str, reason: str) -> None:
    async with conn.transaction():
        await registry.void(conn, case_id, reason)
        await audit.append(conn, audit.AuditEntry(SYSTEM, SYSTEM_ACTOR.role, "registration.voided",
                                                  entity_id=case_id, detail={"kind": kind, "reason": reason}))
    log.warning("reservation voided", case_id=case_id, kind=kind, reason=reason)


async def reconcile_once(pool: asyncpg.Pool, client: Client, settings: Settings) -> dict[str, str]:
    """One pass: every stale reservation started (``"started"``), voided (``"voided"``) or left for the next
    pass because the case engine is still unreachable (``"waiting"``)."""
    outcome: dict[str, str] = {}
    async with pool.acquire() as conn:
        rows = await registry.unstarted(conn, settings.reservation_grace_seconds)
    for row in rows:
        case_id, kind = row["case_id"], row["kind"]
        spec = KINDS.get(kind)
        if spec is None or row["input"] is None:
            async with pool.acquire() as conn:
                await _void(conn, case_id, kind, "reserved without a stored workflow input; never started")
            outcome[case_id] = "voided"
            continue
        inp = input_from_json(row["input"], spec.input_type)
        start = WithStartWorkflowOperation(spec.run, inp, id=case_id, task_queue=settings.task_queue,
                                           id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING)
        try:
            async with asyncio.timeout(settings.action_timeout_seconds):
                await client.execute_update_with_start_workflow(
                    spec.registered, start_workflow_operation=start, result_type=spec.result_type,
                    rpc_timeout=timedelta(seconds=settings.action_timeout_seconds))
        except WorkflowUpdateFailedError as exc:  # the case itself refused to start (a domain refusal)
            async with pool.acquire() as conn:
                await _void(conn, case_id, kind, f"the case could not start: {exc.cause or exc}")
            outcome[case_id] = "voided"
            continue
        except Exception as exc:  # the case engine is still unreachable: try again on the next pass
            log.warning("reservation still waiting for the case engine", case_id=case_id, error=type(exc).__name__)
            outcome[case_id] = "waiting"
            continue
        async with pool.acquire() as conn, conn.transaction():
            await registry.mark_started(conn, case_id)
            await audit.append(conn, audit.AuditEntry(SYSTEM, SYSTEM_ACTOR.role, "registration.completed",
                                                      entity_id=case_id, detail={"kind": kind, "by": "reconciler"}))
        log.info("reservation completed by the system", case_id=case_id, kind=kind)
        outcome[case_id] = "started"
    return outcome


async def reconcile_forever(pool: asyncpg.Pool, client: Client, settings: Settings) -> None:
    """Run a pass on start and then every ``reconcile_every_seconds``; a failing pass is logged, not fatal."""
    while True:
        try:
            await reconcile_once(pool, client, settings)
        except Exception:
            log.exception("reconcile pass failed")
        await asyncio.sleep(settings.reconcile_every_seconds)
