"""BreachWorkflow on the time-skipping server: the 速報 and 確報 clocks, reminders, overdue, the
not-reportable path — with the real activities and a real PostgreSQL (breach_view written with the events)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError

from domain.actors import Actor
from domain.breaches import commands as b
from domain.clock import jst_date
from kaiji.security.sealed import seal_breach_text, unseal_breach_text
from store import events
from tests.workflows.harness import OFFICER, PROFILE, REVIEWER, running_worker, secrets_for, stop_all
from tests.workflows.test_request_timers import event_types, wait_for_event
from workflows.breach import BreachWorkflow

OTHER_REVIEWER = Actor("kankyo", "reviewer", "kankyo")
WHAT = "委託業者が医療費助成の通知（山田 太郎 様ほか）を郵送中に紛失"


@pytest.fixture
async def record(time_env, database_url, keyring):
    """Record breaches 'today' on the test server's clock (aware today unless told)."""
    async with running_worker(time_env.client, database_url, keyring) as (queue, pool, _):
        handles: list[WorkflowHandle] = []
        cipher = secrets_for(keyring).cipher

        async def start(
            actor: Actor = REVIEWER, aware_days_ago: int = 0, **facts
        ) -> tuple[WorkflowHandle, date]:
            now = await time_env.get_current_time()
            aware = jst_date(now) - timedelta(days=aware_days_ago)
            breach_id = f"B-2099-{uuid.uuid4().int % 1000000:06d}"
            inp = b.RecordBreach(
                breach_id=breach_id,
                department="toshi",
                aware_on=aware.isoformat(),
                title="医療費助成通知の郵送中の紛失",
                kind="loss",
                description=seal_breach_text(cipher, WHAT, breach_id=breach_id),
                items=("氏名", "住所", "病名"),
                contractor="株式会社テスト印刷",
                actor=actor,
                rules=PROFILE.breach_rules(),
                entered_at=now,
                **{"persons": 12, **facts},
            )
            handle = await time_env.client.start_workflow(
                BreachWorkflow.run, inp, id=breach_id, task_queue=queue
            )
            handles.append(handle)
            await handle.execute_update(BreachWorkflow.registered)
            return handle, aware

        yield start, pool, cipher
        await stop_all(handles)


async def breach_events(pool, breach_id: str):
    async with pool.acquire() as conn:
        return await events.read(conn, breach_id)


async def test_sensitive_data_starts_both_clocks_reminders_then_overdue(time_env, record) -> None:
    start, pool, cipher = record
    handle, aware = await start(sensitive=True)
    state = await handle.query(BreachWorkflow.state)
    assert state["reportable"] is True and state["duty"]["triggers"] == ["sensitive"]
    assert "施行規則43条1号" in state["duty"]["steps"][0]
    assert state["preliminary_due"] == (aware + timedelta(days=3)).isoformat()  # the profile's 3 days
    assert state["final_due"] == (aware + timedelta(days=29)).isoformat()  # 30 days, awareness being day 1
    assert state["final_explanation"]["article"].startswith("施行規則44条②")
    # the description is sealed in the event store: only the cipher opens it
    stored = (await breach_events(pool, handle.id))[0]
    assert WHAT not in str(stored.data) and "山田" not in str(stored.data)
    assert unseal_breach_text(cipher, stored.data["description"]["sealed"], breach_id=handle.id) == WHAT

    await time_env.sleep(timedelta(days=4, hours=1))  # past the 速報's due date, nothing filed
    await wait_for_event(pool, handle.id, "BreachReportOverdue")
    stream = await breach_events(pool, handle.id)
    timed = [(e.type, e.data["report"], jst_date(e.occurred_at)) for e in stream if e.actor == "system"]
    assert timed == [
        ("BreachReportReminderSent", "preliminary", aware + timedelta(days=2)),
        ("BreachReportOverdue", "preliminary", aware + timedelta(days=4)),
    ]
    async with pool.acquire() as conn:
        row = await conn.fetchrow(
            "select overdue, reportable, preliminary_due from breach_view where breach_id = $1", handle.id
        )
    assert row["overdue"] is True and row["preliminary_due"] == aware + timedelta(days=3)

    late = await handle.execute_update(
        "record-preliminary-report", b.RecordPreliminaryReport(OFFICER, reference="PPC-2099-0001")
    )
    assert late["status"] == "open"
    assert (await handle.query(BreachWorkflow.state))["reports"]["preliminary"]["late"] is True
    async with pool.acquire() as conn:
        assert await conn.fetchval("select overdue from breach_view where breach_id = $1", handle.id) is False

    await time_env.sleep(timedelta(days=27))  # past the 確報's 30th day
    await wait_for_event(pool, handle.id, "BreachReportOverdue")
    for _ in range(100):
        stream = await breach_events(pool, handle.id)
        finals = [(e.type, jst_date(e.occurred_at)) for e in stream if e.data.get("report") == "final"]
        if len(finals) == 2:
            break
        await time_env.sleep(timedelta(hours=1))
    due = aware + timedelta(days=29)
    assert finals[0][0] == "BreachReportReminderSent" and finals[0][1] < due
    assert finals[1] == ("BreachReportOverdue", due + timedelta(days=1))


async def test_malicious_act_gives_the_final_report_60_days_and_revising_moves_the_clock(
    time_env, record
) -> None:
    start, pool, _ = record
    handle, aware = await start(persons=80)
    assert (await handle.query(BreachWorkflow.state))["reportable"] is False  # 80 persons, nothing else
    revised = await handle.execute_update(
        "revise-facts",
        b.ReviseFacts(REVIEWER, malicious=True, persons=150, reason="ランサムウェアによる暗号化と判明"),
    )
    assert revised["reportable"] is True and revised["final_due"] == (aware + timedelta(days=59)).isoformat()
    state = await handle.query(BreachWorkflow.state)
    assert state["duty"]["triggers"] == ["malicious", "over_100"] and "60日" in str(
        state["final_explanation"]
    )
    today = jst_date(await time_env.get_current_time()).isoformat()
    await handle.execute_update(
        "record-preliminary-report",
        b.RecordPreliminaryReport(OFFICER, submitted_on=today, reference="PPC-2099-0002"),
    )
    await time_env.sleep(timedelta(days=40))  # a 30-day clock would be overdue by now
    assert "BreachReportOverdue" not in await event_types(pool, handle.id)
    await time_env.sleep(timedelta(days=21))
    types = await wait_for_event(pool, handle.id, "BreachReportOverdue")
    assert types.count("BreachReportReminderSent") == 1
    overdue = [e for e in await breach_events(pool, handle.id) if e.type == "BreachReportOverdue"][0]
    assert overdue.data == {
        "report": "final",
        "due": (aware + timedelta(days=59)).isoformat(),
        "department": "toshi",
    }
    assert jst_date(overdue.occurred_at) == aware + timedelta(days=60)


async def test_not_reportable_when_strongly_encrypted_no_timer_closes_at_once(time_env, record) -> None:
    start, pool, _ = record
    handle, _ = await start(sensitive=True, persons=500, encrypted=True)
    state = await handle.query(BreachWorkflow.state)
    assert state["reportable"] is False and state["preliminary_due"] is None and state["final_due"] is None
    assert (
        state["duty"]["triggers"] == ["sensitive", "over_100"] and "暗号化" in state["duty"]["exempt_reason"]
    )
    await time_env.sleep(timedelta(days=90))
    assert await event_types(pool, handle.id) == ["BreachRecorded"]  # no reminder, no overdue
    with pytest.raises(WorkflowUpdateFailedError) as refused:  # closing is the records officer's
        await handle.execute_update("close", b.CloseBreach(REVIEWER))
    assert "権限外" in str(refused.value.cause)
    await handle.execute_update("close", b.CloseBreach(OFFICER, note="暗号化済み媒体のため報告不要"))
    assert await handle.result() == "closed"


async def test_a_reportable_breach_closes_only_with_final_report_notice_and_measures(
    time_env, record
) -> None:
    start, pool, _ = record
    handle, aware = await start(sensitive=True)
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update("close", b.CloseBreach(OFFICER))
    assert "確報" in str(refused.value.cause) and "再発防止策" in str(refused.value.cause)
    with pytest.raises(
        WorkflowUpdateFailedError
    ) as refused:  # the department may not file with the Commission
        await handle.execute_update(
            "record-preliminary-report", b.RecordPreliminaryReport(REVIEWER, reference="x")
        )
    assert "権限外" in str(refused.value.cause)
    with pytest.raises(WorkflowUpdateFailedError):  # another department's staff
        await handle.execute_update("record-measures", b.RecordMeasures(OTHER_REVIEWER, measures="…"))
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update("record-final-report", b.RecordFinalReport(OFFICER, reference="PPC-3"))
    assert "速報" in str(refused.value.cause)
    today = jst_date(await time_env.get_current_time()).isoformat()
    for cmd in (
        b.RecordPreliminaryReport(OFFICER, submitted_on=today, reference="PPC-1"),
        b.RecordFinalReport(OFFICER, submitted_on=today, reference="PPC-2"),
        b.RecordNoticeToPersons(REVIEWER, method="mail", notified_on=today, count=12),
        b.RecordMeasures(REVIEWER, measures="委託先に追跡可能な郵送方法を義務付ける"),
        b.PlaceOnAgenda(OFFICER, meeting_on=(aware + timedelta(days=40)).isoformat()),
    ):
        await handle.execute_update(b.BREACH_ACTION_OF[type(cmd)], cmd)
    state = await handle.query(BreachWorkflow.state)
    assert state["reports"]["final"]["late"] is False and state["notices"][0]["count"] == 12
    await handle.execute_update("close", b.CloseBreach(OFFICER))
    assert await handle.result() == "closed"
    types = await event_types(pool, handle.id)
    assert "BreachReportReminderSent" not in types and types[-1] == "BreachClosed"
    async with pool.acquire() as conn:
        row = await conn.fetchrow("select * from breach_view where breach_id = $1", handle.id)
    assert (row["status"], row["overdue"], row["meeting_on"]) == ("closed", False, aware + timedelta(days=40))
