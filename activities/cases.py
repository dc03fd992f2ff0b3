"""Activities that connect cases: read a stream back, and signal another case.

A request may already be closed (final) when an appeal or suit reaches it.
``signal_request`` uses signal-with-start: a running case gets the signal, a
closed one starts a new run that rebuilds its state from the events table.
"""

from __future__ import annotations

import asyncpg
from temporalio import activity
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy

from domain.events import CaseSignal, StreamEvent
from domain.requests.registration import RegisterRequest
from store import events


class CaseActivities:
    def __init__(self, pool: asyncpg.Pool, task_queue: str) -> None:
        self.pool = pool
        self.task_queue = task_queue

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
