"""The counter's own work in a real browser (issue 11): a known requester found by name and reused, the warning
for a similar request within 30 days, an appeal taken at the counter, and deadline steps in Japanese.

Fixtures and helpers are those of test_console.py (the app over uvicorn, Debian's chromium, axe on every page).
"""

from __future__ import annotations

import re

import httpx
from playwright.async_api import Page, expect

from domain import clock
from tests.integration import test_console as console
from tests.integration.conftest import PASSWORD, Api
from tests.integration.test_console import look, sign_in
from tests.integration.test_request_paths import soon

site, browser, page = console.site, console.browser, console.page  # the same fixtures, module-scoped here

NUKUI = {"name": "貫井 北斗", "type": "individual", "address": "小金井市貫井北町3-1-1",
         "phone": "042-381-2222", "email": "hokuto@example.jp"}


async def test_front_desk_reuses_a_known_requester_and_is_warned_of_a_similar_request(page: Page, api: Api) -> None:
    earlier = await api.register(requester=NUKUI, subject="令和7年度 学童保育の運営委託契約書")
    await sign_in(page, "madoguchi", "/console/requests/new")
    await page.get_by_label("請求者を氏名で検索").fill("貫井北斗")  # spacing does not matter
    await page.get_by_role("button", name="検索する").click()
    matches = page.get_by_role("table", name=re.compile("以前の請求者"))
    await expect(matches).to_contain_text(earlier["id"])
    await expect(matches).to_contain_text("小金井市貫井北町3-1-1")  # the front desk may see contact data
    await look(page, "register-known-requester")
    await matches.get_by_role("link", name="この請求者の情報を使う").first.click()
    await expect(page.get_by_label("氏名又は名称")).to_have_value("貫井 北斗")
    await expect(page.get_by_label("住所")).to_have_value("小金井市貫井北町3-1-1")
    await expect(page.get_by_label("電話番号")).to_have_value("042-381-2222")
    await page.get_by_label("公文書の件名又は内容").fill("令和7年度 学童保育 運営委託契約書")
    await page.get_by_label("担当課").select_option(label="都市計画課")
    await page.get_by_role("button", name="受付する").click()
    warning = page.get_by_role("alert")
    await expect(warning).to_contain_text("過去30日以内に似た請求があります")
    await expect(warning).to_contain_text(earlier["id"])
    await expect(page.get_by_label("公文書の件名又は内容")).to_have_value("令和7年度 学童保育 運営委託契約書")
    await look(page, "register-similar-warning")
    await page.get_by_role("button", name="受付する").click()  # a warning, not a refusal
    await expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^R-\d{4}-\d{5}"))
    assert earlier["id"] not in (await page.get_by_role("heading", level=1).inner_text())


async def test_requester_search_works_without_javascript_and_hides_contact_data_from_others(
    site: str, api: Api
) -> None:
    await api.register(requester=NUKUI | {"name": "梶野 明"}, subject="防災計画")
    async with httpx.AsyncClient(base_url=site, follow_redirects=False) as c:
        r = await c.post("/console/sign-in", data={"username": "madoguchi", "password": PASSWORD, "next": "/"})
        assert r.status_code == 303
        r = await c.get("/console/requesters", params={"name": "梶野 明"})
        assert r.status_code == 200 and "<form" in r.text and "梶野 明" in r.text  # the whole page, no htmx
        assert "小金井市貫井北町3-1-1" in r.text
        r = await c.get("/console/requesters", params={"name": "梶野 明"}, headers={"HX-Request": "true"})
        assert r.status_code == 200 and "<html" not in r.text and "梶野 明" in r.text  # the fragment alone
        r = await c.get("/console/requesters", params={"name": "だれもいない"})
        assert "見つかりませんでした" in r.text
    async with httpx.AsyncClient(base_url=site, follow_redirects=False) as reviewer:
        await reviewer.post("/console/sign-in", data={"username": "shinsa", "password": PASSWORD, "next": "/"})
        assert (await reviewer.get("/console/requesters", params={"name": "梶野 明"})).status_code == 403


async def test_front_desk_takes_an_appeal_at_the_counter(page: Page, api: Api) -> None:
    case = await api.register(subject="公民館の利用記録")
    draft = {"outcome": "partial", "disclosure_on": soon(),
             "exemptions": [{"clause": "9-2", "reason": "利用者の氏名が記録されているため"}],
             "documents": [{"title": "利用記録", "disclosure": "partial"}]}
    assert (await api.act(case["id"], "draft-decision", draft, "shinsa")).status_code == 200
    assert (await api.act(case["id"], "approve-decision", {}, "kacho")).status_code == 200
    await sign_in(page, "madoguchi", f"/console/requests/{case['id']}")
    form = page.get_by_role("form", name="審査請求の受付")
    await expect(form.get_by_label("審査請求日")).to_have_value(clock.today().isoformat())
    await form.get_by_role("button", name="審査請求を受け付ける").click()  # no grounds: refused, nothing filed
    await expect(page.get_by_role("alert")).to_contain_text("審査請求の趣旨及び理由")
    await look(page, "appeal-at-counter-refused")
    form = page.get_by_role("form", name="審査請求の受付")
    await form.get_by_label("審査請求の趣旨及び理由").fill("利用記録の公開を求める。個人が特定されない部分がある。")
    await form.get_by_role("button", name="審査請求を受け付ける").click()
    status = page.get_by_role("status")
    await expect(status).to_contain_text("審査請求を受け付けました")
    appeal_id = re.search(r"A-\d{4}-\d+", await status.inner_text())
    assert appeal_id
    r = await api.http.get(f"/api/v1/appeals/{appeal_id[0]}", headers=api.as_("johokokai"))
    assert r.status_code == 200 and r.json()["request_id"] == case["id"]
    await expect(page.get_by_role("form", name="審査請求の受付")).to_have_count(0)  # taken once, not offered again
    await look(page, "appeal-at-counter")


async def test_deadline_steps_on_the_case_page_are_in_japanese(page: Page, api: Api) -> None:
    case = await api.register(subject="都市計画審議会の資料")
    await sign_in(page, "shinsa", f"/console/requests/{case['id']}")
    deadlines = page.get_by_role("region", name="期限", exact=True)
    await expect(deadlines).to_contain_text("を1日目とする")
    text = await deadlines.inner_text()
    assert not re.search(r"\b(received|days|open day|work_due|moved)\b", text), text


async def test_home_lists_refresh_as_htmx_fragments(site: str, api: Api) -> None:
    """The inbox and today's counter list re-fetch themselves (hx-trigger every 60 s) as fragments."""
    case = await api.register(subject="下水道台帳の閲覧")
    async with httpx.AsyncClient(base_url=site, follow_redirects=False) as c:
        await c.post("/console/sign-in", data={"username": "shinsa", "password": PASSWORD, "next": "/"})
        page_html = (await c.get("/")).text
        assert 'hx-get="/?part=inbox"' in page_html and "<html" in page_html
        part = await c.get("/", params={"part": "inbox"}, headers={"HX-Request": "true"})
        assert part.status_code == 200 and "<html" not in part.text and case["id"] in part.text
        assert 'id="part-inbox"' in part.text  # the block replaces itself (outerHTML)
    async with httpx.AsyncClient(base_url=site, follow_redirects=False) as c:
        await c.post("/console/sign-in", data={"username": "madoguchi", "password": PASSWORD, "next": "/"})
        part = await c.get("/", params={"part": "received"}, headers={"HX-Request": "true"})
        assert "<html" not in part.text and case["id"] in part.text
