"""Self-information requests on the time-skipping server: 30 days (APPI 第83条①), one extension of at most
30 more (第83条②), overdue after the extended date."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError

from domain.clock import jst_date
from domain.requests import commands as c
from tests.workflows.harness import REVIEWER, register_input, running_worker, stop_all
from tests.workflows.test_request_timers import event_types, wait_for_event
from workflows.request import RequestWorkflow


async def test_thirty_days_then_extension_by_thirty_then_overdue(time_env, database_url, keyring) -> None:
    async with running_worker(time_env.client, database_url, keyring) as (queue, pool, vault):
        now = await time_env.get_current_time()
        case_id = f"R-2099-{uuid.uuid4().int % 100000:05d}"
        received = jst_date(now)
        inp = await register_input(pool, vault, case_id, received.isoformat(), kind="personal_info_disclosure",
                                   entered_at=now)
        inp = replace(inp, identity_verified=True)
        handle = await time_env.client.start_workflow(RequestWorkflow.run, inp, id=case_id, task_queue=queue)
        try:
            await handle.execute_update(RequestWorkflow.registered)
            state = await handle.query(RequestWorkflow.state)
            assert state["decision_due"] == (received + timedelta(days=30)).isoformat()
            assert state["self_information"] == {"identity_verified": True}
            too_late = (received + timedelta(days=61)).isoformat()
            with pytest.raises(WorkflowUpdateFailedError):
                await handle.execute_update("extend", c.Extend(actor=REVIEWER, new_due=too_late, reason="多量"))
            new_due = (received + timedelta(days=60)).isoformat()
            await handle.execute_update("extend", c.Extend(actor=REVIEWER, new_due=new_due, reason="多量のため"))
            await time_env.sleep(timedelta(days=32))  # past the first 30 days: not overdue
            assert "DecisionOverdue" not in await event_types(pool, case_id)
            await time_env.sleep(timedelta(days=30))  # past the 60th day
            types = await wait_for_event(pool, case_id, "DecisionOverdue")
            assert types.index("ReminderSent") < types.index("DecisionOverdue")
            async with pool.acquire() as conn:
                notices = [r["notice_type"] for r in await conn.fetch(
                    "select notice_type from notices where case_id = $1 order by created_at", case_id)]
            assert notices == ["pi_receipt", "pi_extension"]
            assert date.fromisoformat(new_due) > received
        finally:
            await stop_all([handle])
