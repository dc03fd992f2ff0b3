"""Activities that connect cases: read a stream back, and signal another case.

A request may already be closed (final) when an appeal or suit reaches it.
``signal_request`` uses signal-with-start: a running case gets the signal, a
closed one starts a new run that rebuilds its state from the events table.
"""

from __future__ import annotations

import asyncpg
from temporalio import activity
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy

from domain.actors import SYSTEM
from domain.events import CaseSignal, StreamEvent
from domain.requests.registration import RegisterRequest
from kaiji.security.action_seal import ActionSeal
from store import audit, events


class CaseActivities:
    def __init__(self, pool: asyncpg.Pool, task_queue: str, sealer: ActionSeal | None = None) -> None:
        self.pool = pool
        self.task_queue = task_queue
        self.sealer = sealer  # None: a worker that checks no seals at all (its client has no SealingInterceptor)

    @activity.defn(name="check_signal_seal")
    async def check_signal_seal(self, sig: CaseSignal) -> bool:
        """Was this challenge signal sent by a Kaiji client holding the seal key? (issue 17, "Temporal is a
        back door"). Each refused signal is one ``signal.refused`` audit line, written once however often this
        activity is retried (the line names the workflow run and this activity's place in it)."""
        arg = sig.link if sig.link is not None else sig.outcome
        if self.sealer is None or self.sealer.verify_signal(sig.case_id, sig.signal, arg):
            return True
        info = activity.info()
        detail = {"signal": sig.signal, "challenge_id": getattr(arg, "challenge_id", None),
                  "check": f"{info.workflow_run_id}/{info.activity_id}"}
        async with self.pool.acquire() as conn:
            await audit.append_once(conn, audit.AuditEntry(SYSTEM, SYSTEM, "signal.refused", sig.case_id, detail))
        activity.logger.warning("unsealed signal refused: %s on %s", sig.signal, sig.case_id)
        return False

    @activity.defn(name="load_stream")
    async def load_stream(self, stream_id: str) -> list[StreamEvent]:
        async with self.pool.acquire() as conn:
            return [StreamEvent(e.type, e.data) for e in await events.read(conn, stream_id)]

    @activity.defn(name="signal_request")
    async def signal_request(self, sig: CaseSignal) -> None:
        arg = sig.link if sig.link is not None else sig.outcome
        await activity.client().start_workflow(
            "RequestCase",
            RegisterRequest(case_id=sig.case_id, resume=True),
            id=sig.case_id,
            task_queue=self.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
            start_signal=sig.signal,
            start_signal_args=[arg],
        )
