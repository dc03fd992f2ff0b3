"""A closure day reaches a running request on the time-skipping server: work_due and the reminder timer move."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError

from domain.calendar_change import CalendarChange, CalendarOutcome
from domain.clock import jst_date, start_of_day
from store import events
from tests.workflows.harness import OFFICER, REVIEWER
from tests.workflows.test_request_timers import started, wait_for_event  # noqa: F401 (fixture)
from workflows.request import RequestWorkflow


async def test_a_closure_on_work_due_moves_work_due_and_the_reminder_timer(time_env, started) -> None:  # noqa: F811
    handle, pool, _, state = started
    closed = state["work_due"]
    with pytest.raises(WorkflowUpdateFailedError):  # the validator: only the records officer (or the system)
        await handle.execute_update(RequestWorkflow.calendar_changed, CalendarChange(
            actor=REVIEWER, closures=(closed,), closure_on=closed, reason="x"), result_type=CalendarOutcome)
    assert (await handle.query(RequestWorkflow.state))["work_due"] == closed
    change = CalendarChange(actor=OFFICER, closures=(closed,), closure_on=closed, reason="台風による臨時閉庁")
    out = await handle.execute_update(RequestWorkflow.calendar_changed, change, result_type=CalendarOutcome)
    assert out.before["work_due"] == closed and out.after["work_due"] < closed
    assert out.after["reminder_on"] < out.before["reminder_on"]
    now_state = await handle.query(RequestWorkflow.state)
    assert now_state["work_due"] == out.after["work_due"] and now_state["decision_due"] == state["decision_due"]

    # Sleep to 01:00 JST of the new reminder day: the reminder fires there, before its old day.
    target = start_of_day(date.fromisoformat(out.after["reminder_on"])) + timedelta(hours=1)
    await time_env.sleep(target - await time_env.get_current_time())
    await wait_for_event(pool, handle.id, "ReminderSent")
    async with pool.acquire() as conn:
        stream = await events.read(conn, handle.id)
        view = await conn.fetchrow("select work_due from case_view where case_id = $1", handle.id)
    changed = next(e for e in stream if e.type == "CalendarChanged")
    reminder = next(e for e in stream if e.type == "ReminderSent")
    assert changed.data["after"]["work_due"] == out.after["work_due"] and changed.actor == OFFICER.username
    assert reminder.data["work_due"] == out.after["work_due"]
    assert jst_date(reminder.occurred_at).isoformat() == out.after["reminder_on"] < out.before["reminder_on"]
    assert view["work_due"].isoformat() == out.after["work_due"]

    # The same change delivered again (a retried POST, `kaiji calendar check --apply`) records nothing.
    again = await handle.execute_update(RequestWorkflow.calendar_changed, change, result_type=CalendarOutcome)
    assert again.recorded is False
