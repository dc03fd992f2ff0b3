"""Not a test: server time of the records officer's pages with 2,000 extra requests in case_view.

.venv/bin/python -m pytest -q -s tests/integration/bench_office_pages.py
"""

from __future__ import annotations

import statistics
import time

import httpx

from store.db import connect
from tests.integration.conftest import PASSWORD, Api
from tests.integration.test_console import site  # noqa: F401 - fixture

PAGES = ("/console/office/cases", "/console/office/cases?q=台帳&status=under_review",
         "/console/office/cases?name=山田%20太郎", "/console/office/cases?page=30",
         "/console/office/dashboard", "/console/office/agenda", "/console/office/appeals",
         "/console/office/suits", "/console/office/audit")


async def test_bench_office_pages(site: str, api: Api) -> None:  # noqa: F811
    conn = await connect(api.settings.database_url)
    try:
        await conn.execute(
            """insert into case_view (case_id, kind, status, department, received_on, subject, decision_due,
                   work_due, overdue, version, updated_at, state)
               select 'R-2099-' || lpad(i::text, 5, '0'), 'public_records',
                      (array['under_review','pending_approval','decided','closed','awaiting_correction'])[1 + i % 5],
                      (array['toshi','kankyo','shimin','kyoiku','fukushi'])[1 + i % 5],
                      date '2026-04-01' + (i % 240), '道路台帳の写し ' || i, date '2026-05-01' + (i % 240),
                      date '2026-04-20' + (i % 240), i % 7 = 0, 1, now(), '{}'::jsonb
               from generate_series(1, 2000) i on conflict do nothing""")
    finally:
        await conn.close()
    async with httpx.AsyncClient(base_url=site, follow_redirects=False) as c:
        r = await c.post("/console/sign-in", data={"username": "johokokai", "password": PASSWORD, "next": "/"})
        assert r.status_code == 303
        for path in PAGES:
            times = []
            for _ in range(7):
                t = time.perf_counter()
                r = await c.get(path)
                times.append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200, (path, r.status_code)
            print(f"{path:60s} median {statistics.median(times):6.1f} ms  max {max(times):6.1f} ms")
