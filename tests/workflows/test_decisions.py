"""Several decisions per request on the time-skipping server: two decisions with two appeal windows, and a
特例延長 whose remainder is a deadline with its own reminder, overdue escalation and later decision."""

from __future__ import annotations

from datetime import timedelta

from domain.clock import jst_date
from domain.requests import commands as c
from store import events
from tests.workflows import test_request_timers as timers
from tests.workflows.harness import APPROVER, FRONT, REVIEWER
from workflows.request import RequestWorkflow

started = timers.started  # the fixture: a request registered today on the test server's clock
event_types, wait_for_event = timers.event_types, timers.wait_for_event

NOT_HELD = c.DecisionPart("non_disclosure", non_disclosure_ground="not_held",
                          documents=(c.Document("協議録", "withheld"),), reason_text="協議録は作成していないため")


def disclose(on) -> c.DecisionPart:
    return c.DecisionPart("full", documents=(c.Document("契約書", "full"),), disclosure_on=on.isoformat())


async def test_two_decisions_have_two_notices_and_two_appeal_windows(time_env, started) -> None:
    handle, pool, _, _ = started
    today = jst_date(await time_env.get_current_time())
    await handle.execute_update("draft-decision", c.DraftDecision(actor=REVIEWER, parts=(disclose(today), NOT_HELD)))
    decided = await handle.execute_update("approve-decision", c.ApproveDecision(actor=APPROVER))
    assert decided["status"] == "decided"
    # the 不存在 decision's notice arrives a month later: its window runs a month longer
    await time_env.sleep(timedelta(days=30))
    await handle.execute_update("record-notice-delivery", c.RecordNoticeDelivery(
        actor=FRONT, delivered_on=(today + timedelta(days=30)).isoformat(), decision_id=f"{handle.id}-D2"))
    await handle.execute_update("record-disclosure", c.RecordDisclosure(actor=FRONT, method="viewing"))
    state = await handle.query(RequestWorkflow.state)
    first, second = state["decisions"]
    assert first["appeal_window_ends"] < second["appeal_window_ends"]
    async with pool.acquire() as conn:
        notices = await conn.fetch("select notice_type, decision_id from notices where case_id = $1", handle.id)
    assert {(n["notice_type"], n["decision_id"]) for n in notices} >= {
        ("decision_full", f"{handle.id}-D1"), ("decision_non_disclosure", f"{handle.id}-D2")}
    assert await handle.result() == "final"
    async with pool.acquire() as conn:
        stream = await events.read(conn, handle.id)
    closed = [e for e in stream if e.type == "AppealWindowClosed"]
    assert [e.data["decision_id"] for e in closed] == [f"{handle.id}-D1", f"{handle.id}-D2"]
    assert jst_date(closed[0].occurred_at) < jst_date(closed[1].occurred_at)
    assert stream[-1].type == "CaseClosed" and stream[-2] == closed[1]


async def test_large_volume_remainder_is_reminded_escalated_and_decided(time_env, started) -> None:
    handle, pool, _, state = started
    today = jst_date(await time_env.get_current_time())
    partial_due, remainder_due = today + timedelta(days=30), today + timedelta(days=90)
    await handle.execute_update("extend", c.Extend(actor=REVIEWER, large_volume=True, reason="著しく大量",
                                                   partial_due=partial_due.isoformat(),
                                                   remainder_due=remainder_due.isoformat()))
    await handle.execute_update("draft-decision", c.DraftDecision(actor=REVIEWER, parts=(disclose(today),)))
    await handle.execute_update("approve-decision", c.ApproveDecision(actor=APPROVER))
    await handle.execute_update("record-disclosure", c.RecordDisclosure(actor=FRONT, method="viewing"))
    await time_env.sleep(timedelta(days=40))
    assert "RemainderReminderSent" not in await event_types(pool, handle.id)
    await time_env.sleep(timedelta(days=52))  # past the remainder's date, still undecided
    types = await wait_for_event(pool, handle.id, "RemainderOverdue")
    assert types.index("RemainderReminderSent") < types.index("RemainderOverdue")
    assert "DecisionOverdue" not in types  # the substantial part was decided in time
    async with pool.acquire() as conn:
        row = await conn.fetchrow("select overdue, status from case_view where case_id = $1", handle.id)
    assert row["overdue"] is True and row["status"] == "disclosed"
    await handle.execute_update("draft-decision", c.DraftDecision(actor=REVIEWER, parts=(NOT_HELD,)))
    result = await handle.execute_update("approve-decision", c.ApproveDecision(actor=APPROVER))
    assert result["status"] == "disclosed"  # the remainder's decision discloses nothing more
    state = await handle.query(RequestWorkflow.state)
    assert [d["decision_id"] for d in state["decisions"]] == [f"{handle.id}-D1", f"{handle.id}-D2"]
    assert not state["remainder_owed"] and not state["overdue"]
    assert state["decisions"][0]["decided_on"] < state["decisions"][1]["decided_on"]
    assert await handle.result() == "final"
