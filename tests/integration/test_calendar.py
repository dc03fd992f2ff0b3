"""Calendars that reach open cases, through the API and the CLI (real PostgreSQL, Temporal dev server, worker).

A database of its own: a closure day changes the calendar of every case in it, so the shared
integration database (whose tests compute their own expected dates) must not see these closures.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import sys
import textwrap
import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import asyncpg
import pytest

from domain.clock import today
from kaiji.security.keys import KeyRing
from store.db import connect
from tests.conftest import TEMPLATE_DB
from tests.domain.test_calendar_change import newly_announced_holiday
from tests.integration.conftest import Api, api_settings, serving

REASON = "台風第10号の接近による臨時閉庁"


@pytest.fixture(scope="module")
async def cal(pg_server: str, temporal_dev: str, keyring: KeyRing, services_dir: Path) -> AsyncIterator[Api]:
    name = "calendar_" + uuid.uuid4().hex[:10]
    admin = await asyncpg.connect(f"{pg_server}/postgres")
    await admin.execute(f'create database "{name}" template {TEMPLATE_DB}')
    await admin.close()
    url = f"{pg_server}/{name}"
    conn = await connect(url)
    start = 850_000 + secrets.randbelow(100_000)  # case ids no other test's workflows use on the shared server
    for fy in range(today().year - 2, today().year + 2):
        await conn.execute("insert into case_counters (series, fiscal_year, last_number) values ('R', $1, $2)", fy, start)
    await conn.close()
    async with serving(api_settings(url, temporal_dev, keyring, services_dir / name, "calendar"), pool_size=5) as api:
        yield api
    admin = await asyncpg.connect(f"{pg_server}/postgres")
    await admin.execute(f'drop database if exists "{name}" with (force)')
    await admin.close()


async def sql(api: Api, query: str, *args: object) -> list[asyncpg.Record]:
    conn = await connect(api.settings.database_url)
    try:
        return await conn.fetch(query, *args)
    finally:
        await conn.close()


async def case(api: Api, case_id: str) -> dict:
    r = await api.http.get(f"/api/v1/requests/{case_id}", headers=api.as_("johokokai"))
    assert r.status_code == 200, r.text
    return r.json()


async def test_a_closure_reaches_open_cases_and_leaves_closed_ones(cal: Api) -> None:
    open_case = await cal.register()
    closed_case = await cal.register()
    r = await cal.act(closed_case["id"], "withdraw", {"reason": "請求者の申出"}, "madoguchi")
    assert r.status_code == 200, r.text
    closed_events = await cal.events(closed_case["id"])
    day = open_case["work_due"]
    reminder_before = open_case["deadlines"]["reminder"]

    r = await cal.http.post("/api/v1/calendar/closures", json={"date": day, "reason": REASON},
                            headers=cal.as_("johokokai"))
    assert r.status_code == 201, r.text
    affected = {a["id"]: a for a in r.json()["affected"]}
    assert closed_case["id"] not in affected
    moved = affected[open_case["id"]]
    assert moved["before"]["work_due"] == day and moved["after"]["work_due"] < day
    assert moved["after"]["reminder_on"] < moved["before"]["reminder_on"] == reminder_before

    now = await case(cal, open_case["id"])
    assert now["work_due"] == moved["after"]["work_due"] and now["decision_due"] == open_case["decision_due"]
    assert now["deadlines"]["reminder"] == moved["after"]["reminder_on"]  # the reminder timer moved with it
    assert any(REASON in step for step in now["due_explanation"]["work_due"]["steps"])
    assert day in now["due_warning"]
    last = (await cal.events(open_case["id"]))[-1]
    assert last["type"] == "CalendarChanged" and last["actor"] == "johokokai"
    assert last["data"]["closure_on"] == day and last["data"]["reason"] == REASON
    assert last["data"]["before"] == moved["before"] and last["data"]["after"] == moved["after"]
    assert await cal.events(closed_case["id"]) == closed_events  # a closed case is not touched

    audit = await sql(cal, "select actor, role, detail from audit_log where action = 'calendar.closure-added'")
    assert [(a["actor"], a["role"]) for a in audit] == [("johokokai", "records_officer")]
    assert audit[0]["detail"] == {"date": day, "reason": REASON}

    r = await cal.http.get(f"/api/v1/calendar?from={day}&to={day}", headers=cal.as_("shinsa"))
    assert r.status_code == 200, r.text
    assert r.json()["days"] == [{"date": day, "open": False, "reason": f"臨時閉庁日（{REASON}）", "source": "closure"}]

    later = await cal.register()  # a case registered from now on counts the closure from the start
    assert later["work_due"] == moved["after"]["work_due"]

    again = await cal.http.post("/api/v1/calendar/closures", json={"date": day, "reason": "重複"},
                                headers=cal.as_("johokokai"))
    assert again.status_code == 409 and REASON in again.json()["error"]["message"]


async def test_the_effective_calendar_shows_every_day_with_its_reason(cal: Api) -> None:
    r = await cal.http.get("/api/v1/calendar?from=2026-12-26&to=2027-01-05", headers=cal.as_("shingikai"))
    assert r.status_code == 200, r.text
    days = {d["date"]: d for d in r.json()["days"]}
    assert len(days) == 11
    assert days["2026-12-26"]["reason"] == "土曜日" and days["2026-12-30"]["source"] == "new_year"
    assert days["2027-01-01"]["source"] == "holiday" and "元日" in days["2027-01-01"]["reason"]
    assert days["2027-01-05"] == {"date": "2027-01-05", "open": True, "reason": None, "source": None}
    default = await cal.http.get("/api/v1/calendar", headers=cal.as_("admin"))
    assert default.status_code == 200 and default.json()["from"] == today().isoformat()


async def test_bad_closures_and_ranges_are_422(cal: Api) -> None:
    officer = cal.as_("johokokai")
    future = (today() + timedelta(days=40)).isoformat()
    bodies = [{"date": future}, {"date": future, "reason": "   "}, {"date": "2026/12/10", "reason": "x"},
              {"date": "1999-12-31", "reason": "x"}, {"date": future, "reason": "x", "closed": True},
              {"date": future, "reason": "x" * 201}, {"reason": "x"}]
    for body in bodies:
        r = await cal.http.post("/api/v1/calendar/closures", json=body, headers=officer)
        assert r.status_code == 422, (body, r.text)
    saturday = next(today() + timedelta(days=i) for i in range(1, 8) if (today() + timedelta(days=i)).weekday() == 5)
    r = await cal.http.post("/api/v1/calendar/closures", json={"date": saturday.isoformat(), "reason": "x"},
                            headers=officer)
    assert r.status_code == 409 and "土曜日" in r.json()["error"]["message"]
    for query in ("from=2026-12-10&to=2026-12-01", "from=2026-01-01&to=2027-12-31", "from=tomorrow"):
        r = await cal.http.get(f"/api/v1/calendar?{query}", headers=officer)
        assert r.status_code == 422, (query, r.text)
    assert await sql(cal, "select 1 from calendar_closures where closed_on = $1",
                     date.fromisoformat(future)) == []


async def test_only_the_records_officer_adds_closures(cal: Api) -> None:
    body = {"date": (today() + timedelta(days=50)).isoformat(), "reason": "システム障害"}
    for who in ("madoguchi", "shinsa", "kacho", "shingikai", "admin"):
        r = await cal.http.post("/api/v1/calendar/closures", json=body, headers=cal.as_(who))
        assert r.status_code == 403, (who, r.text)
    assert (await cal.http.post("/api/v1/calendar/closures", json=body)).status_code == 401
    assert (await cal.http.get("/api/v1/calendar")).status_code == 401
    assert await sql(cal, "select 1 from calendar_closures where reason = 'システム障害'") == []


async def kaiji(api: Api, holiday: date, *args: str, cwd: Path) -> tuple[int, str, str]:
    """`kaiji calendar check` in a process whose installed holiday table knows one more holiday."""
    (cwd / "sitecustomize.py").write_text(textwrap.dedent(f"""
        import datetime, jpholiday
        class Announced(jpholiday.OriginalHolidayCheckerInterface):
            def is_holiday(self, d): return d == datetime.date.fromisoformat("{holiday}")
            def holiday_name(self, d): return "新しい祝日"
        jpholiday.register(Announced())
    """))
    s = api.settings
    env = {**os.environ, "PYTHONPATH": str(cwd), "KAIJI_DATABASE_URL": s.database_url or "",
           "KAIJI_TEMPORAL_ADDRESS": s.temporal_address or "", "KAIJI_ENCRYPTION_KEYS": s.encryption_keys or "",
           "KAIJI_SEARCH_KEY": s.search_key or "", "KAIJI_TOKEN_SECRET": s.token_secret or "",
           "KAIJI_SEAL_KEY": s.seal_key or "",
           "KAIJI_DATA_DIR": str(cwd / "data"), "KAIJI_LOG_FORMAT": "json"}
    proc = await asyncio.create_subprocess_exec(  # async: the worker in this process must answer --apply
        sys.executable, "-m", "kaiji.cli", "calendar", "check", *args, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    return proc.returncode if proc.returncode is not None else -1, out.decode(), err.decode()


async def test_calendar_check_lists_and_applies_a_newer_holiday_table(cal: Api, tmp_path: Path) -> None:
    registered = await cal.register(received_on=(today() - timedelta(days=1)).isoformat())
    day = date.fromisoformat(registered["work_due"])

    code, out, err = await kaiji(cal, day, cwd=tmp_path)
    assert code == 1, (out, err)
    listed = next(line for line in out.splitlines() if line.startswith(registered["id"]))
    assert f"work_due {day} → " in listed
    assert (await case(cal, registered["id"]))["work_due"] == day.isoformat()  # a check changes nothing

    with newly_announced_holiday(day, "新しい祝日"):  # the worker runs the upgraded table too
        code, out, err = await kaiji(cal, day, "--apply", cwd=tmp_path)
        assert code == 0, (out, err)
        assert registered["id"] in out and "applied:" in out
        now = await case(cal, registered["id"])
        assert now["work_due"] < day.isoformat()
        last = (await cal.events(registered["id"]))[-1]
        assert last["type"] == "CalendarChanged" and "jpholiday" in last["data"]["reason"]
        assert any("国民の祝日（新しい祝日）" in step for step in now["due_explanation"]["work_due"]["steps"])
        code, out, _ = await kaiji(cal, day, cwd=tmp_path)
        assert code == 0 and "no open case would change" in out
    audit = await sql(cal, "select detail from audit_log where action = 'calendar.holiday-table-applied'")
    assert len(audit) == 1 and registered["id"] in audit[0]["detail"]["cases"]
