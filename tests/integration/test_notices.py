"""Official notices from real cases: numbered without gaps, reproducible, immutable, corrected by reissue."""

from __future__ import annotations

import asyncio
import hashlib
import io
from collections import defaultdict

import asyncpg
import pytest
from pypdf import PdfReader

from activities.notices import render
from domain.events import NoticeRequest
from kaiji.secrets import load_secrets
from store import notices
from store.db import connect
from tests.integration.conftest import Api
from tests.integration.test_request_paths import PARTIAL, soon


async def decided_partial(api: Api, department: str = "toshi", reviewer: str = "shinsa", **register) -> dict:
    case = await api.register(department=department, **register)
    r = await api.act(case["id"], "draft-decision", PARTIAL | {"disclosure_on": soon()}, reviewer)
    assert r.status_code == 200, r.text
    return case


async def test_decision_notice_pdf_says_what_the_law_requires(api: Api) -> None:
    case = await decided_partial(api, received_on="2026-11-20")
    r = await api.act(case["id"], "approve-decision", {"decided_on": "2026-11-27"}, "kacho")
    assert r.status_code == 200, r.text
    notice = [n for n in r.json()["notices"] if n["type"] == "decision_partial"][0]
    pdf = (await api.http.get(notice["pdf"], headers=api.as_("shinsa"))).content
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for needle in ("部分公開決定通知書", notice["number"], "令和8年11月27日", "第9条第2号", "3か月", "6か月",
                   "山田 太郎"):
        assert needle.replace(" ", "") in text.replace(" ", ""), needle
    fonts = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    descriptors = [f.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"] for f in fonts.values()]
    assert any("/FontFile2" in d for d in descriptors)
    assert hashlib.sha256(pdf).hexdigest() == notice["sha256"]


async def test_stored_notice_rerenders_byte_identical(api: Api) -> None:
    case = await api.register()
    conn = await connect(api.settings.database_url)
    try:
        notice_id = await conn.fetchval("select notice_id from notices where case_id = $1", case["id"])
        row = await notices.read(conn, load_secrets(api.settings).cipher, notice_id)  # stored encrypted
    finally:
        await conn.close()
    assert row is not None
    again = render(row["notice_type"], row["data"])
    assert again.template_version == row["template_version"]
    assert again.sha256 == row["sha256"] == hashlib.sha256(bytes(row["pdf"])).hexdigest()


async def test_notices_cannot_be_changed_in_the_database(api: Api) -> None:
    case = await api.register()
    conn = await connect(api.settings.database_url)
    try:
        for sql in ("update notices set number = 'x' where case_id = $1", "delete from notices where case_id = $1"):
            with pytest.raises(asyncpg.PostgresError, match="immutable"):
                await conn.execute(sql, case["id"])
    finally:
        await conn.close()


async def test_a_correction_is_a_new_notice_that_supersedes(api: Api) -> None:
    case = await api.register()
    receipt = case["notices"][0]
    r = await api.act(case["id"], "reissue-notice", {"notice_id": receipt["id"], "reason": "宛名の誤記",
                                                     "corrections": {"addressee": {"name": "山田 太朗"}}}, "madoguchi")
    assert r.status_code == 200, r.text
    notices = r.json()["notices"]
    assert len(notices) == 2 and notices[1]["supersedes"] == receipt["id"]
    assert notices[1]["number"] != receipt["number"] and notices[1]["sha256"] != receipt["sha256"]
    html = (await api.http.get(notices[1]["html"], headers=api.as_("madoguchi"))).text
    assert "山田 太朗" in html
    old = (await api.http.get(receipt["html"], headers=api.as_("madoguchi"))).text
    assert "山田 太郎" in old  # the original is unchanged
    bad = await api.act(case["id"], "reissue-notice", {"notice_id": receipt["id"], "reason": "x",
                                                       "corrections": {"number": "第1号"}}, "madoguchi")
    assert bad.status_code == 422


async def test_a_corrected_address_stays_out_of_events_and_the_timeline(api: Api) -> None:
    case = await api.register()
    receipt = case["notices"][0]
    moved = {"address": "小金井市貫井北町9-9-9", "name": "山田 太朗"}
    r = await api.act(case["id"], "reissue-notice", {"notice_id": receipt["id"], "reason": "住所の訂正",
                                                     "corrections": {"addressee": moved}}, "madoguchi")
    assert r.status_code == 200, r.text
    html = (await api.http.get(r.json()["notices"][-1]["html"], headers=api.as_("johokokai"))).text
    assert moved["address"] in html and moved["name"] in html  # the new notice carries the correction
    timeline = await api.http.get(f"/api/v1/requests/{case['id']}/events", headers=api.as_("shinsa"))
    assert "貫井北町" not in timeline.text and "太朗" not in timeline.text
    conn = await asyncpg.connect(api.settings.database_url)
    try:
        raw = await conn.fetchval("select string_agg(data::text, ' ') from events where stream_id = $1", case["id"])
    finally:
        await conn.close()
    assert "貫井北町" not in raw and "太朗" not in raw


async def test_a_typed_in_sealed_value_is_plain_data_and_never_jams_the_case(api: Api) -> None:
    case = await api.register()
    receipt = case["notices"][0]
    r = await api.act(case["id"], "reissue-notice", {"notice_id": receipt["id"], "reason": "件名の訂正",
                                                     "corrections": {"request": {"sealed": "v1.junk.AAAA.BBBB"}}},
                      "madoguchi")
    assert r.status_code == 200, r.text
    r = await api.act(case["id"], "extend", {"new_due": soon(30), "reason": "資料の量が多いため"}, "shinsa")
    assert r.status_code == 200, r.text  # the case still takes actions


async def test_retried_notice_activity_issues_one_notice(api: Api) -> None:
    from activities.notice_activity import NoticeActivities
    from domain.profile import load_profile
    from store.db import create_pool

    case = await api.register()
    pool = await create_pool(api.settings.database_url, max_size=2)
    try:
        acts = NoticeActivities(pool, load_secrets(api.settings), load_profile("koganei"))
        first = await acts.issue_notice(NoticeRequest(case["id"], "receipt", 1))
        again = await acts.issue_notice(NoticeRequest(case["id"], "receipt", 1))
        assert first == again
        async with pool.acquire() as conn:
            assert await conn.fetchval("select count(*) from notices where case_id = $1", case["id"]) == 1
    finally:
        await pool.close()


async def test_fifty_concurrent_decisions_in_two_departments_number_without_gaps(api: Api) -> None:
    toshi = [decided_partial(api) for _ in range(25)]
    kankyo = [decided_partial(api, "kankyo", "kankyo") for _ in range(25)]
    cases = await asyncio.gather(*toshi, *kankyo)
    approvals = [api.act(c["id"], "approve-decision", {}, "kacho" if c["department"] == "toshi" else "kankyo_kacho")
                 for c in cases]
    results = await asyncio.gather(*approvals)
    assert all(r.status_code == 200 for r in results)
    conn = await connect(api.settings.database_url)
    try:
        numbers = [r["number"] for r in await conn.fetch("select number from notices")]
    finally:
        await conn.close()
    series: dict[str, list[int]] = defaultdict(list)  # 「令和8年度 都市計画課 第17号」: a series per year and department
    for number in numbers:
        prefix, n = number.rsplit("第", 1)
        series[prefix].append(int(n.rstrip("号")))
    for prefix, issued in series.items():
        assert sorted(issued) == list(range(1, len(issued) + 1)), prefix
    assert max(len(v) for k, v in series.items() if "環境" in k) >= 50  # 25 receipts + 25 decisions


class _DiesOnce:
    """A renderer whose first render dies (a render process killed mid-PDF), then renders normally."""

    def __init__(self) -> None:
        from activities.notices.pool import RenderPool

        self.calls, self.inner = 0, RenderPool(0)

    async def render(self, notice_type: str, data: dict):
        self.calls += 1
        if self.calls == 1:
            from concurrent.futures.process import BrokenProcessPool

            raise BrokenProcessPool("render process died")
        return await self.inner.render(notice_type, data)


async def test_a_render_that_dies_keeps_its_reserved_number_for_the_retry(api: Api) -> None:
    """Issue 15: the number is taken before the render, outside its lock; a retry reuses it, so a crash
    mid-render leaves no gap and no second number, while other notices of the department go on meanwhile."""
    from concurrent.futures.process import BrokenProcessPool

    from activities.notice_activity import NoticeActivities
    from domain.profile import load_profile
    from store.db import create_pool

    case = await api.register()
    pool = await create_pool(api.settings.database_url, max_size=2)
    try:
        async with pool.acquire() as conn:
            party = await conn.fetchval("select party_id from notices where case_id = $1", case["id"])
        req = NoticeRequest(case["id"], "receipt", 1, party_id=party)  # a second copy: its own key and number
        acts = NoticeActivities(pool, load_secrets(api.settings), load_profile("koganei"), _DiesOnce())
        with pytest.raises(BrokenProcessPool):
            await acts.issue_notice(req)
        async with pool.acquire() as conn:
            reserved = await conn.fetchval("select number from notice_reservations where notice_key = $1", req.key)
            assert reserved and not await notices.by_key(conn, req.key)
        other = await api.register()  # the same department issues meanwhile: the next number, not the reserved one
        assert other["notices"][0]["number"] != reserved
        issued = await acts.issue_notice(req)  # the activity's retry
        assert issued.number == reserved
        assert await acts.issue_notice(req) == issued
        async with pool.acquire() as conn:
            assert await conn.fetchval("select count(*) from notices where number = $1", reserved) == 1
    finally:
        await pool.close()
