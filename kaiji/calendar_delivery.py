"""Deliver a calendar change to open request workflows (the API's POST /calendar/closures and the CLI).

Each open case gets the ``calendar-changed`` update; its workflow recomputes in the domain and answers
its dates before and after. A case whose workflow has already finished (closed meanwhile) is skipped;
one that cannot be reached is reported, and ``kaiji calendar check --apply`` reaches it later (the
change is idempotent: a case that already has the closure records nothing).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta

from temporalio.client import Client, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.service import RPCError, RPCStatusCode

from domain.calendar_change import CalendarChange, CalendarOutcome

UPDATE = "calendar-changed"
RPC_TIMEOUT = timedelta(seconds=30)
PARALLEL = 8  # updates in flight at once: enough for a city's open cases, gentle on the worker


@dataclass
class Delivery:
    outcomes: list[CalendarOutcome] = field(default_factory=list)
    unreached: list[str] = field(default_factory=list)

    @property
    def affected(self) -> list[CalendarOutcome]:
        return [o for o in self.outcomes if o.changed]


async def deliver(client: Client, change: CalendarChange, case_ids: list[str]) -> Delivery:
    result = Delivery()
    gate = asyncio.Semaphore(PARALLEL)

    async def one(case_id: str) -> None:
        async with gate:
            try:
                outcome = await client.get_workflow_handle(case_id).execute_update(
                    UPDATE, change, result_type=CalendarOutcome, rpc_timeout=RPC_TIMEOUT)
            except RPCError as exc:
                if exc.status != RPCStatusCode.NOT_FOUND:  # NOT_FOUND: the case closed meanwhile
                    result.unreached.append(case_id)
                return
            except (WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError):
                result.unreached.append(case_id)
                return
            result.outcomes.append(outcome)

    await asyncio.gather(*(one(i) for i in case_ids))
    result.outcomes.sort(key=lambda o: o.case_id)
    result.unreached.sort()
    return result
