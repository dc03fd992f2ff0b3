"""Appeal deadlines on the time-skipping server: correction order, explanation, the council's target date."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest

from domain.appeals import commands as ac
from domain.clock import jst_date
from domain.requests import commands as c
from tests.workflows.harness import (
    APPROVER,
    FRONT,
    OFFICER,
    PROFILE,
    REVIEWER,
    register_input,
    running_worker,
    stop_all,
)
from tests.workflows.test_request_timers import wait_for_event
from workflows.appeal import AppealWorkflow
from workflows.request import RequestWorkflow

COUNCIL = PROFILE.appeal_rules()


async def applied(handle, query, done) -> dict:
    """The workflow's state once it shows ``done``: an activity stores an event before the workflow applies it,
    so a query right after the row appears may still see the state before (ask again for up to 10 s)."""
    for _ in range(100):
        state = await handle.query(query)
        if done(state):
            return state
        await asyncio.sleep(0.1)
    return state


@pytest.fixture
async def appeal(time_env, database_url, keyring):
    """A decided request and an appeal filed against it today."""
    async with running_worker(time_env.client, database_url, keyring) as (queue, pool, vault):
        client = time_env.client
        now = await time_env.get_current_time()
        today = jst_date(now)
        rid = f"R-2099-{uuid.uuid4().int % 100000:05d}"
        inp = await register_input(pool, vault, rid, today.isoformat(), entered_at=now)
        request = await client.start_workflow(RequestWorkflow.run, inp, id=rid, task_queue=queue)
        await request.execute_update(RequestWorkflow.registered)
        await request.execute_update("draft-decision", c.DraftDecision(
            actor=REVIEWER, outcome="partial", exemptions=(c.Exemption("9-2", "個人情報"),),
            documents=(c.Document("名簿", "partial"),), disclosure_on=(today + timedelta(days=5)).isoformat()))
        await request.execute_update("approve-decision", c.ApproveDecision(actor=APPROVER))
        state = await request.query(RequestWorkflow.state)
        aid = f"A-2099-{uuid.uuid4().int % 1000:03d}"
        filing = ac.FileAppeal(
            appeal_id=aid, request_id=rid, filed_on=today.isoformat(), appellant_party_id=inp.requester_party_id,
            grounds="全部公開を求める", department="toshi", decided_on=state["decision"]["decided_on"],
            decision={"outcome": "partial", "documents": [{"title": "名簿", "disclosure": "partial"}]},
            requester_party_id=inp.requester_party_id, actor=FRONT, rules=COUNCIL, entered_at=now)
        handle = await client.start_workflow(AppealWorkflow.run, filing, id=aid, task_queue=queue)
        await handle.execute_update(AppealWorkflow.registered)
        yield handle, request, pool
        await stop_all([handle, request])


async def test_request_timeline_links_the_appeal(appeal) -> None:
    handle, request, pool = appeal
    await wait_for_event(pool, request.id, "AppealLinked")
    state = await applied(request, RequestWorkflow.state, lambda s: s["status"] == "under_appeal")
    assert state["status"] == "under_appeal"


async def test_correction_order_lapses_and_explanation_falls_overdue(time_env, appeal) -> None:
    handle, _, pool = appeal
    await handle.execute_update("order-correction", ac.OrderCorrection(actor=OFFICER, what="審査請求の趣旨を明らかに"))
    await time_env.sleep(timedelta(days=15))
    await wait_for_event(pool, handle.id, "AppealCorrectionLapsed")
    await time_env.sleep(timedelta(days=16))
    types = await wait_for_event(pool, handle.id, "ExplanationOverdue")
    assert types.index("AppealCorrectionLapsed") < types.index("ExplanationOverdue")


async def test_council_report_target_reminds_then_flags_overdue(time_env, appeal) -> None:
    handle, _, pool = appeal
    await handle.execute_update("record-explanation", ac.RecordExplanation(actor=REVIEWER, text="理由説明書"))
    result = await handle.execute_update("refer-to-council", ac.ReferToCouncil(actor=OFFICER))
    assert result["status"] == "referred"
    await time_env.sleep(timedelta(days=77))
    types = await wait_for_event(pool, handle.id, "CouncilReportReminder")
    assert "CouncilReportOverdue" not in types
    await time_env.sleep(timedelta(days=15))
    await wait_for_event(pool, handle.id, "CouncilReportOverdue")
    state = await applied(handle, AppealWorkflow.state, lambda s: s["report_overdue"])
    assert state["report_overdue"] is True and state["status"] == "referred"
