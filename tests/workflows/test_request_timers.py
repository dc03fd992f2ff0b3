"""Durable deadlines on the time-skipping test server: months pass in seconds.

Real activities write to a real PostgreSQL; only the clock is fast.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, timedelta

import pytest
from temporalio import activity
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError

from activities.events import EventActivities
from domain.clock import jst_date
from domain.events import ChallengeLink, ChallengeOutcome, RecordInput, RecordResult
from domain.requests import commands as c
from store import events
from tests.workflows.harness import APPROVER, FRONT, REVIEWER, register_input, running_worker, stop_all
from workflows.request import RequestWorkflow


async def event_types(pool, case_id: str) -> list[str]:
    async with pool.acquire() as conn:
        return [e.type for e in await events.read(conn, case_id)]


async def wait_for_event(pool, case_id: str, event_type: str, within: float = 30) -> list[str]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        types = await event_types(pool, case_id)
        if event_type in types:
            return types
        if loop.time() > deadline:
            raise AssertionError(f"{event_type} not recorded; events: {types}")
        await asyncio.sleep(0.05)


@pytest.fixture
async def started(time_env, database_url, keyring):
    """A registered request, received 'today' on the test server's clock."""
    async with running_worker(time_env.client, database_url, keyring) as (queue, pool, vault):
        now = await time_env.get_current_time()
        case_id = f"R-2099-{uuid.uuid4().int % 100000:05d}"
        inp = await register_input(pool, vault, case_id, jst_date(now).isoformat(), entered_at=now)
        handle: WorkflowHandle = await time_env.client.start_workflow(
            RequestWorkflow.run, inp, id=case_id, task_queue=queue)
        await handle.execute_update(RequestWorkflow.registered)
        state = await handle.query(RequestWorkflow.state)
        yield handle, pool, vault, state
        # A case left waiting on a timer with no worker would hold the shared test server's clock.
        await stop_all([handle])


async def test_reminder_before_work_due_then_overdue_escalation(time_env, started) -> None:
    handle, pool, _, state = started
    await time_env.sleep(timedelta(days=16))
    types = await wait_for_event(pool, handle.id, "DecisionOverdue")
    assert types.index("ReminderSent") < types.index("DecisionOverdue")
    async with pool.acquire() as conn:
        row = await conn.fetchrow("select overdue, status from case_view where case_id = $1", handle.id)
        reminder = [e for e in await events.read(conn, handle.id) if e.type == "ReminderSent"][0]
    assert row["overdue"] is True and row["status"] == "under_review"
    assert jst_date(reminder.occurred_at) <= date.fromisoformat(state["work_due"])


async def test_extension_moves_every_timer(time_env, started) -> None:
    handle, pool, _, state = started
    new_due = (date.fromisoformat(state["decision_due"]) + timedelta(days=20)).isoformat()
    await handle.execute_update("extend", c.Extend(actor=REVIEWER, new_due=new_due, reason="大量のため"))
    await time_env.sleep(timedelta(days=16))  # past the original due date
    types = await event_types(pool, handle.id)
    assert "DecisionOverdue" not in types and "ReminderSent" not in types
    await time_env.sleep(timedelta(days=21))  # past the extended one
    types = await wait_for_event(pool, handle.id, "DecisionOverdue")
    assert types.index("ReminderSent") < types.index("DecisionOverdue")


async def test_third_party_hold_blocks_disclosure_until_the_day(time_env, started) -> None:
    handle, pool, vault, _ = started
    async with pool.acquire() as conn:
        party = await vault.add(conn, party_role="third_party", party_type="corporation", name="株式会社テスト",
                                case_id=handle.id)
    await handle.execute_update("consult-third-party",
                                c.ConsultThirdParty(actor=REVIEWER, party=c.ThirdPartyRef(party, "corporation")))
    await handle.execute_update("record-third-party-opinion",
                                c.RecordThirdPartyOpinion(actor=FRONT, party_id=party, objects=True, summary="反対"))
    today = jst_date(await time_env.get_current_time())
    await handle.execute_update("draft-decision", c.DraftDecision(
        actor=REVIEWER, outcome="partial", exemptions=(c.Exemption("9-3", "法人の競争上の地位"),),
        disclosure_on=(today + timedelta(days=15)).isoformat()))
    await handle.execute_update("approve-decision", c.ApproveDecision(actor=APPROVER))
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update("record-disclosure", c.RecordDisclosure(actor=FRONT, method="copy"))
    assert (today + timedelta(days=15)).isoformat() in str(refused.value.cause)
    await time_env.sleep(timedelta(days=14))
    with pytest.raises(WorkflowUpdateFailedError):
        await handle.execute_update("record-disclosure", c.RecordDisclosure(actor=FRONT, method="copy"))
    await time_env.sleep(timedelta(days=1, hours=1))
    await wait_for_event(pool, handle.id, "ThirdPartyHoldEnded")
    result = await handle.execute_update("record-disclosure", c.RecordDisclosure(actor=FRONT, method="copy"))
    assert result["status"] == "disclosed"


async def test_correction_lapse_then_dismissal(time_env, started) -> None:
    handle, pool, _, _ = started
    today = jst_date(await time_env.get_current_time())
    await handle.execute_update("request-correction", c.RequestCorrection(
        actor=REVIEWER, respond_by=(today + timedelta(days=7)).isoformat(), what="対象を特定してください"))
    with pytest.raises(WorkflowUpdateFailedError):  # cannot dismiss before the correction date passes
        await handle.execute_update("draft-decision", c.DraftDecision(
            actor=REVIEWER, outcome="dismissed", reason_text="補正がないため"))
    await time_env.sleep(timedelta(days=30))
    types = await wait_for_event(pool, handle.id, "CorrectionResponseLapsed")
    assert "DecisionOverdue" not in types  # the clock is stopped while awaiting correction
    await handle.execute_update("draft-decision", c.DraftDecision(
        actor=REVIEWER, outcome="dismissed", reason_text="期限までに補正がなかったため"))
    await handle.execute_update("approve-decision", c.ApproveDecision(actor=APPROVER))
    assert await handle.result() == "dismissed"  # result() lets the server skip to the appeal window's end


async def test_appeal_window_closes_the_case_as_final(time_env, started) -> None:
    handle, pool, _, _ = started
    await handle.execute_update("draft-decision", c.DraftDecision(
        actor=REVIEWER, outcome="non_disclosure", non_disclosure_ground="not_held", reason_text="作成していないため"))
    decided = await handle.execute_update("approve-decision", c.ApproveDecision(actor=APPROVER))
    assert decided["status"] == "decided"
    state = await handle.query(RequestWorkflow.state)
    assert state["appeal_window_ends"] > state["decision"]["decided_on"]
    assert await handle.result() == "final"
    types = await event_types(pool, handle.id)
    assert types[-2:] == ["AppealWindowClosed", "CaseClosed"]



class SlowToReport(EventActivities):
    """Stores events like the real activity, then takes a while to report back: the window in which
    staff already see the new state (projections) while the workflow still holds the old one."""

    @activity.defn(name="record_events")
    async def record_events(self, inp: RecordInput) -> RecordResult:
        result = await super().record_events(inp)
        if any(e.type == "RequestReopened" for e in inp.events):
            await asyncio.sleep(1.0)
        return result


async def test_an_act_sent_while_a_reopening_is_recorded_is_decided_on_the_reopened_case(
        time_env, database_url, keyring) -> None:
    """Staff see a reopened case as soon as its events are stored; a draft sent at that moment is decided
    on the reopened case (once the recording completes), not refused against the state of a moment before."""
    async with running_worker(time_env.client, database_url, keyring, SlowToReport) as (queue, pool, vault):
        now = await time_env.get_current_time()
        today = jst_date(now)
        case_id = f"R-2099-{uuid.uuid4().int % 100000:05d}"
        inp = await register_input(pool, vault, case_id, today.isoformat(), entered_at=now)
        handle = await time_env.client.start_workflow(RequestWorkflow.run, inp, id=case_id, task_queue=queue)
        await handle.execute_update(RequestWorkflow.registered)
        await handle.execute_update("draft-decision", c.DraftDecision(
            actor=REVIEWER, outcome="partial", exemptions=(c.Exemption("9-3", "法人の競争上の地位"),),
            documents=(c.Document("契約書", "partial"),), disclosure_on=(today + timedelta(days=15)).isoformat()))
        await handle.execute_update("approve-decision", c.ApproveDecision(actor=APPROVER))
        await handle.signal("challenge-linked", ChallengeLink("appeal", "A-2099-00001", today.isoformat()))
        await wait_for_event(pool, case_id, "AppealLinked")
        await handle.signal("challenge-concluded", ChallengeOutcome(
            "A-2099-00001", "granted", today.isoformat(), reopen=True, scope=[{"title": "契約書", "disclosure": "full"}]))
        await wait_for_event(pool, case_id, "RequestReopened")  # what the staff console shows
        result = await handle.execute_update("draft-decision", c.DraftDecision(
            actor=REVIEWER, outcome="full", documents=(c.Document("契約書", "full"),),
            disclosure_on=(today + timedelta(days=15)).isoformat()))
        assert result["status"] == "pending_approval"
        await stop_all([handle])
