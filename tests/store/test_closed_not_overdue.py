"""A closed request is not overdue: in the fold, in case_view, and after the upgrade of rows folded before."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from domain.clock import JST
from domain.requests import commands as c
from domain.requests.timers import fire, pending_timers
from store.migrate import migration_files
from store.rebuild import rebuild
from tests.store.test_projections import DESK, Case


async def overdue_case(conn: asyncpg.Connection) -> Case:
    case = await Case(conn, "2025-04-01").receive()
    timer = next(t for t in pending_timers(case.state) if t.kind == "overdue")
    await case.record(fire(case.state, timer, datetime(2025, 4, 20, tzinfo=JST)))
    assert case.state.overdue
    return case


async def test_withdrawing_or_transferring_an_overdue_case_clears_overdue(conn: asyncpg.Connection) -> None:
    withdrawn, transferred = await overdue_case(conn), await overdue_case(conn)
    assert await conn.fetchval("select overdue from case_view where case_id = $1", withdrawn.id)
    await withdrawn.do(c.Withdraw(DESK, withdrawn_on="2025-06-01", reason="不要になった"))
    await transferred.do(c.Transfer(DESK, to_body="board_of_education", transferred_on="2025-06-01", reason="所管"))
    for case in (withdrawn, transferred):
        assert not case.state.overdue and case.state.closed
        row = await conn.fetchrow("select overdue, state from case_view where case_id = $1", case.id)
        assert row["overdue"] is False and row["state"]["overdue"] is False
    assert await rebuild(conn, check=True) == []


async def test_the_upgrade_clears_overdue_on_rows_closed_before(conn: asyncpg.Connection) -> None:
    case = await overdue_case(conn)
    await case.do(c.Withdraw(DESK, withdrawn_on="2025-06-01", reason="不要になった"))
    # the row as the earlier fold left it
    await conn.execute("""update case_view set overdue = true, state = jsonb_set(state, '{overdue}', 'true')
                          where case_id = $1""", case.id)
    assert await rebuild(conn, check=True) != []
    sql = dict(migration_files())["0013_closed_cases_not_overdue.sql"]
    await conn.execute(sql)
    assert await rebuild(conn, check=True) == []
