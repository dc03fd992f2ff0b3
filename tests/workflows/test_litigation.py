"""SuitWorkflow on the time-skipping server, with the real activities and a real PostgreSQL.

The worker is built here with ``[RequestWorkflow, SuitWorkflow]`` so the test does not depend on
the suit workflow's registration in ``worker.WORKFLOWS``.
"""

from __future__ import annotations

import uuid
from contextlib import asynccontextmanager
from datetime import date, timedelta

import pytest
from temporalio.client import WorkflowExecutionStatus, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.worker import Worker

from activities.cases import CaseActivities
from activities.events import EventActivities
from activities.notice_activity import NoticeActivities
from domain.appeals.commands import ScopeItem
from domain.calendar import BusinessCalendar
from domain.clock import jst_date
from domain.deadlines import higher_court_appeal_due
from domain.litigation import commands as s
from domain.requests import commands as c
from kaiji.security.action_seal import sealer_of
from store import events
from store.db import create_pool
from store.parties import PartyVault
from store.projections import suits
from tests.workflows.harness import (
    APPROVER,
    OFFICER,
    PROFILE,
    REVIEWER,
    register_input,
    secrets_for,
    stop_all,
)
from tests.workflows.test_request_timers import event_types, wait_for_event
from workflows.litigation import SuitWorkflow
from workflows.request import RequestWorkflow


@asynccontextmanager
async def suit_worker(client, database_url: str, keyring):
    pool = await create_pool(database_url, max_size=5)
    secrets = secrets_for(keyring)
    queue = "test-" + uuid.uuid4().hex[:8]
    recorder = EventActivities(pool)
    notices = NoticeActivities(pool, secrets, PROFILE)
    cases = CaseActivities(pool, queue, sealer_of(client))
    async with Worker(client, task_queue=queue, workflows=[RequestWorkflow, SuitWorkflow],
                      activities=[recorder.record_events, notices.issue_notice, cases.load_stream,
                                  cases.signal_request, cases.check_signal_seal]):
        yield queue, pool, PartyVault(secrets.cipher, secrets.search_key)
    await pool.close()


@pytest.fixture
async def decided(time_env, database_url, keyring):
    """A request decided 'today' (partial disclosure), and a way to file suits against it."""
    async with suit_worker(time_env.client, database_url, keyring) as (queue, pool, vault):
        now = await time_env.get_current_time()
        case_id = f"R-2099-{uuid.uuid4().int % 100000:05d}"
        inp = await register_input(pool, vault, case_id, jst_date(now).isoformat(), entered_at=now)
        request: WorkflowHandle = await time_env.client.start_workflow(
            RequestWorkflow.run, inp, id=case_id, task_queue=queue)
        handles = [request]
        await request.execute_update(RequestWorkflow.registered)
        await request.execute_update("draft-decision", c.DraftDecision(
            actor=REVIEWER, outcome="partial", exemptions=(c.Exemption("9-2", "個人に関する情報"),),
            documents=(c.Document("契約書", "partial"), c.Document("設計図", "withheld")),
            reason_text="個人に関する情報を含むため",
            disclosure_on=(jst_date(now) + timedelta(days=7)).isoformat()))
        await request.execute_update("approve-decision", c.ApproveDecision(actor=APPROVER))
        state = await request.query(RequestWorkflow.state)

        async def file_suit() -> WorkflowHandle:
            at = await time_env.get_current_time()
            today = jst_date(at).isoformat()
            suit_id = f"L-2099-{uuid.uuid4().int % 1000000:06d}"
            decision = state["decision"]
            handle = await time_env.client.start_workflow(SuitWorkflow.run, s.FileSuit(
                suit_id=suit_id, request_id=case_id, target="decision", filed_on=today,
                learned_on=decision["decided_on"], decided_on=decision["decided_on"], court="東京地方裁判所",
                case_number="令和7年(行ウ)第123号", department=state["department"],
                documents=tuple(ScopeItem(d["title"], d["disclosure"]) for d in decision["documents"]),
                actor=OFFICER, rules=s.SuitRules(), entered_at=at), id=suit_id, task_queue=queue)
            handles.append(handle)
            await handle.execute_update(SuitWorkflow.registered)
            return handle

        yield request, file_suit, pool
        # A case left waiting on a timer with no worker would hold the shared test server's clock.
        await stop_all(handles)


async def suit_row(pool, suit_id: str):
    """The suit_view row, refreshed here directly: the projection's registration is not this test's."""
    async with pool.acquire() as conn, conn.transaction():
        version = await conn.fetchval("select max(version) from events where stream_id = $1", suit_id)
        await suits.refresh(conn, suit_id, version)
        return await conn.fetchrow("select * from suit_view where suit_id = $1", suit_id)


async def projected_request(pool, request_id: str) -> dict:
    """The request as its projection shows it: written in the same transaction as its events, so a test
    that waited for an event sees the state that event produced (a query may still be a step behind)."""
    async with pool.acquire() as conn:
        return await conn.fetchval("select state from case_view where case_id = $1", request_id)


async def test_unappealed_district_judgment_becomes_final(time_env, decided) -> None:
    request, file_suit, pool = decided
    suit = await file_suit()
    types = await wait_for_event(pool, request.id, "SuitLinked")
    assert (await projected_request(pool, request.id))["status"] == "in_litigation"
    today = jst_date(await time_env.get_current_time())

    # refusals leave no trace: wrong role, a level not reached yet
    with pytest.raises(WorkflowUpdateFailedError) as forbidden:
        await suit.execute_update("record-judgment", s.RecordJudgment(
            REVIEWER, court_level="district", served_on=today.isoformat(), outcome="upheld"))
    assert "権限外" in str(forbidden.value.cause)
    with pytest.raises(WorkflowUpdateFailedError):
        await suit.execute_update("record-judgment", s.RecordJudgment(
            OFFICER, court_level="high", served_on=today.isoformat(), outcome="upheld"))
    assert (await suit.query(SuitWorkflow.state))["version"] == 1

    judged = await suit.execute_update(SuitWorkflow.record_judgment, s.RecordJudgment(
        OFFICER, court_level="district", judged_on=today.isoformat(), served_on=today.isoformat(),
        outcome="upheld"))
    due = date.fromisoformat(judged.appeal_due)
    assert (judged.status, judged.level, judged.version) == ("pending", "district", 2)
    assert due == higher_court_appeal_due(today, BusinessCalendar()).value  # 2 weeks, rolled to a court day
    row = await suit_row(pool, suit.id)
    assert (row["status"], row["level"], row["appeal_due"], row["late"]) == ("pending", "district", due, False)

    assert await suit.result() == "upheld"  # the server skips past the 2 weeks
    async with pool.acquire() as conn:
        final = [e for e in await events.read(conn, suit.id)][-2:]
    assert [e.type for e in final] == ["SuitAppealWindowLapsed", "SuitFinal"]
    assert final[1].data["final_on"] == (due + timedelta(days=1)).isoformat()
    assert final[1].data["reason"] == "no_appeal"
    row = await suit_row(pool, suit.id)
    assert (row["status"], row["outcome"], row["final_on"], row["appeal_due"]) == (
        "final", "upheld", due + timedelta(days=1), None)
    types = await wait_for_event(pool, request.id, "ChallengeConcluded")
    assert "RequestReopened" not in types
    async with pool.acquire() as conn:  # the projection is written in the same transaction as the event
        status = await conn.fetchval("select status from case_view where case_id = $1", request.id)
    assert status == "decided"


async def test_revocation_upheld_on_appeal_reopens_the_request(time_env, decided) -> None:
    request, file_suit, pool = decided
    suit = await file_suit()
    today = jst_date(await time_env.get_current_time()).isoformat()
    await suit.execute_update(SuitWorkflow.record_judgment, s.RecordJudgment(
        OFFICER, court_level="district", judged_on=today, served_on=today, outcome="revoked"))
    appealed = await suit.execute_update(SuitWorkflow.record_appeal, s.RecordSuitAppeal(
        OFFICER, filed_on=today, court="東京高等裁判所", case_number="令和7年(行コ)第45号", by="defendant"))
    assert (appealed.level, appealed.appeal_due) == ("high", None)
    await time_env.sleep(timedelta(days=30))  # no timer while the appeal is pending: still running
    assert (await suit.describe()).status == WorkflowExecutionStatus.RUNNING
    later = jst_date(await time_env.get_current_time()).isoformat()
    judged = await suit.execute_update(SuitWorkflow.record_judgment, s.RecordJudgment(
        OFFICER, court_level="high", judged_on=later, served_on=later, outcome="revoked"))
    assert judged.appeal_due is not None

    assert await suit.result() == "revoked"
    row = await suit_row(pool, suit.id)
    assert (row["status"], row["level"], row["court"], row["case_number"], row["outcome"]) == (
        "final", "high", "東京高等裁判所", "令和7年(行コ)第45号", "revoked")
    assert row["final_on"] == date.fromisoformat(judged.appeal_due) + timedelta(days=1)

    types = await wait_for_event(pool, request.id, "RequestReopened")
    assert types.index("SuitLinked") < types.index("ChallengeConcluded") < types.index("RequestReopened")
    async with pool.acquire() as conn:
        stream = {e.type: e.data for e in await events.read(conn, request.id)}
    assert stream["ChallengeConcluded"]["challenge_id"] == suit.id
    assert stream["ChallengeConcluded"]["result"] == "revoked" and stream["ChallengeConcluded"]["reopen"] is True
    assert stream["ChallengeConcluded"]["decided_on"] == row["final_on"].isoformat()
    assert stream["RequestReopened"]["scope"] == [{"title": "契約書", "disclosure": "full"},
                                                  {"title": "設計図", "disclosure": "full"}]
    state = await projected_request(pool, request.id)
    assert state["status"] == "under_review" and state["required_scope"] == stream["RequestReopened"]["scope"]
    assert "SuitFinal" in await event_types(pool, suit.id)
