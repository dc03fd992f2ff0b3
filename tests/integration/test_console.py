"""The staff console in a real browser: Playwright drives Debian's chromium (/usr/bin/chromium) against the
app served over HTTP by uvicorn on a free port, with the real worker, Temporal and PostgreSQL behind it.

One test per user group walks its main task; fields are found by label and role, never by CSS path.
Every page visited is screenshotted into tests-artefacts/console/ and checked with axe-core (0 serious or
critical violations). The access table (api/console/access.py PAGES) is walked without a browser.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import socket
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Page, async_playwright, expect

from domain import clock
from domain.era import format_era_date
from tests.integration.conftest import PASSWORD, Api

CHROMIUM = "/usr/bin/chromium"
ARTEFACTS = Path(__file__).resolve().parents[2] / "tests-artefacts" / "console"
axe = Axe()


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:  # Ctrl-C stays pytest's
        yield


@pytest.fixture(scope="module")
async def site(api: Api) -> AsyncIterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = _Server(
        uvicorn.Config(api.app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers no event for "listening"
        await asyncio.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    assert os.path.exists(CHROMIUM), "apt-get install chromium (make test does it)"  # noqa: ASYNC240
    async with async_playwright() as pw:
        b = await pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        await b.close()


@pytest.fixture
async def page(browser: Browser, site: str) -> AsyncIterator[Page]:
    context = await browser.new_context(
        base_url=site, viewport={"width": 1366, "height": 768}, locale="ja-JP"
    )
    p = await context.new_page()
    # what the browser refused under the console's Content-Security-Policy (an inline script, a foreign asset)
    refused: list[str] = []
    p.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    p.csp_refusals = refused  # type: ignore[attr-defined]
    yield p
    await context.close()


async def look(page: Page, name: str) -> None:
    """Screenshot the page and run axe-core on it: no serious or critical violation."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    assert not getattr(page, "csp_refusals", []), f"{name}: {page.csp_refusals}"  # type: ignore[attr-defined]
    await page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)
    results = await axe.run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not bad, f"{name}: " + "; ".join(f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in bad)


async def sign_in(page: Page, username: str, path: str = "/") -> None:
    await page.goto(path)
    await page.get_by_label("ユーザー名").fill(username)
    await page.get_by_label("パスワード").fill(PASSWORD)
    await page.get_by_role("button", name="ログイン").click()
    await expect(page.get_by_role("button", name="ログアウト")).to_be_visible()


async def test_front_desk_registers_a_request_and_prints_the_receipt(page: Page) -> None:
    await page.goto("/")
    await look(page, "sign-in")
    await sign_in(page, "madoguchi")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("本日の窓口業務")
    await look(page, "front-desk-home")
    await page.get_by_role("link", name="請求を受け付ける").first.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("請求の受付")
    # An empty form: an error summary and a message beside each missing field, nothing registered.
    await page.get_by_role("button", name="受付する").click()
    await expect(page.get_by_role("alert")).to_contain_text("入力内容を確認してください")
    await expect(page.get_by_role("alert")).to_contain_text("氏名又は名称：入力してください。")
    await look(page, "register-errors")
    await page.get_by_label("請求の種類").select_option(label="公文書公開請求")
    await expect(page.get_by_label("受付日")).to_have_value(clock.today().isoformat())
    await page.get_by_label("受付方法").select_option(label="窓口")
    await page.get_by_label("氏名又は名称").fill("小金井 花子")
    await page.get_by_label("住所").fill("小金井市本町6-6-3")
    await page.get_by_label("電話番号").fill("042-387-1111")
    await page.get_by_label("メールアドレス").fill("hanako@example.jp")
    await page.get_by_label("公文書の件名又は内容").fill("令和7年度 公園整備の設計図")
    await page.get_by_label("担当課").select_option(label="都市計画課")
    await page.get_by_label("公開の方法").select_option(label="写しの交付")
    await page.get_by_label("請求者の区分").select_option(label="市内在住・在勤・在学の個人")
    await look(page, "register-filled")
    await page.get_by_role("button", name="受付する").click()
    heading = page.get_by_role("heading", level=1)
    await expect(heading).to_have_text(re.compile(r"^R-\d{4}-\d{5}"))
    await expect(page.get_by_role("status")).to_contain_text("請求を受け付けました")
    await expect(page.get_by_role("region", name="概要")).to_contain_text(
        f"受付日{format_era_date(clock.today())}"
    )
    await expect(page.get_by_text("042-387-1111")).to_be_visible()  # the front desk sees contact data
    receipt = page.get_by_role("link", name="受付票（PDF）を開く")
    await expect(receipt).to_be_visible()
    pdf = await page.request.get(await receipt.get_attribute("href") or "")
    assert pdf.status == 200 and (await pdf.body()).startswith(b"%PDF")
    await look(page, "case-registered")
    await page.emulate_media(media="print")
    await page.screenshot(path=str(ARTEFACTS / "case-print.png"), full_page=True)
    await expect(page.get_by_role("button", name="受付する")).to_have_count(0)
    await page.emulate_media(media="screen")
    await page.get_by_role("button", name="ログアウト").click()
    await expect(page.get_by_role("button", name="ログイン")).to_be_visible()


async def test_reviewer_drafts_a_two_part_decision(page: Page, api: Api) -> None:
    case = await api.register(subject="道路台帳と工事写真")
    await sign_in(page, "shinsa")
    await expect(page.get_by_role("link", name=case["id"])).to_be_visible()  # the department's inbox
    await look(page, "reviewer-inbox")
    await page.get_by_role("link", name=case["id"]).click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(case["id"])
    await expect(page.get_by_text("042-387-0000")).to_have_count(0)  # no contact data for a reviewer
    form = page.get_by_role("form", name="決定案の起案")
    await form.get_by_role("button", name="決定を追加する").click()
    form = page.get_by_role("form", name="決定案の起案")
    one, two = form.get_by_role("group", name="決定 1"), form.get_by_role("group", name="決定 2")
    await one.get_by_label("決定の区分").select_option(label="部分公開")
    await one.get_by_label("第9条第2号（個人情報）").check()
    await one.get_by_label("第9条第2号に該当する理由").fill("写真に写った個人の顔")
    await one.get_by_label("文書1の名称").fill("工事写真")
    await one.get_by_label("文書1の公開区分").select_option(label="一部公開")
    await two.get_by_label("決定の区分").select_option(label="全部公開")
    await two.get_by_label("文書1の名称").fill("道路台帳")
    await two.get_by_label("文書1の公開区分").select_option(label="公開")
    await look(page, "reviewer-draft")
    await form.get_by_role("button", name="決定案を起案する").click()
    await expect(page.get_by_text("決裁待ち").first).to_be_visible()
    await expect(page.get_by_role("heading", name=re.compile("決定案 2"))).to_be_visible()
    await look(page, "reviewer-drafted")
    case = (await api.http.get(f"/api/v1/requests/{case['id']}", headers=api.as_("johokokai"))).json()
    assert case["status"] == "pending_approval" and len(case["draft_parts"]) == 2


async def test_approver_approves_and_the_notices_appear(page: Page, api: Api) -> None:
    case = await api.register(subject="公園の管理日誌")
    r = await api.act(
        case["id"],
        "draft-decision",
        {
            "outcome": "full",
            "disclosure_on": clock.today().isoformat(),
            "documents": [{"title": "管理日誌", "disclosure": "full"}],
        },
        "shinsa",
    )
    assert r.status_code == 200, r.text
    await sign_in(page, "kacho")
    await expect(page.get_by_role("heading", name=re.compile("決裁待ちの決定案"))).to_be_visible()
    await look(page, "approver-queue")
    await page.get_by_role("link", name=case["id"]).first.click()
    await expect(page.get_by_role("button", name="差し戻す")).to_be_visible()
    await look(page, "approver-case")
    await page.get_by_role("form", name="決裁").get_by_role("button", name="決裁する").click()
    await expect(page.get_by_text("決定済み").first).to_be_visible()
    link = page.get_by_role("link", name=re.compile("決定通知書（PDF）"))
    await expect(link.first).to_be_visible()
    await expect(page.get_by_role("button", name="決裁する")).to_have_count(0)  # only allowed actions
    await look(page, "approver-decided")


async def test_a_refused_action_shows_the_domain_message_and_keeps_the_input(page: Page, api: Api) -> None:
    case = await api.register(subject="会議録")
    await sign_in(page, "shinsa", f"/console/requests/{case['id']}")
    await expect(page.get_by_role("heading", level=1)).to_contain_text(case["id"])  # back where it was asked
    form = page.get_by_role("form", name="決定案の起案")
    part = form.get_by_role("group", name="決定 1")
    await part.get_by_label("決定の区分").select_option(label="全部公開")
    await part.get_by_label("決定の理由").fill("すべて公開できる")
    await part.get_by_label("公開の実施日").fill((clock.today() - timedelta(days=1)).isoformat())
    await form.get_by_role("button", name="決定案を起案する").click()
    alert = page.get_by_role("alert")
    await expect(alert).to_contain_text("公開実施日は今日以降にしてください。")
    await expect(alert).not_to_contain_text("disclosure_on")  # the Japanese half only, never raw JSON
    part = page.get_by_role("form", name="決定案の起案").get_by_role("group", name="決定 1")
    await expect(part.get_by_label("決定の理由")).to_have_value("すべて公開できる")
    await look(page, "refused")


async def test_an_ended_session_signs_in_again_and_returns_to_the_page(page: Page, api: Api) -> None:
    case = await api.register(subject="入札結果")
    await sign_in(page, "shinsa")
    await page.context.clear_cookies()  # the session has ended
    await page.goto(f"/console/requests/{case['id']}")
    await expect(page.get_by_role("button", name="ログイン")).to_be_visible()
    await expect(page.get_by_role("status")).to_contain_text("有効期限")
    await page.get_by_label("ユーザー名").fill("shinsa")
    await page.get_by_label("パスワード").fill(PASSWORD)
    await page.get_by_role("button", name="ログイン").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(case["id"])


async def test_console_pages_follow_their_access_table(site: str, api: Api) -> None:
    mine = await api.register()
    other = await api.register(department="kankyo")
    async with httpx.AsyncClient(base_url=site, follow_redirects=False) as anon:
        r = await anon.get("/console/requests/new")
        assert r.status_code == 303 and r.headers["location"].startswith(
            "/console/sign-in?next=/console/requests/new"
        )
        r = await anon.get("/console/sign-in", params={"next": "//evil.example/x"})
        assert 'value="/"' in r.text  # no open redirect

    async def signed_in(username: str) -> httpx.AsyncClient:
        c = httpx.AsyncClient(base_url=site, follow_redirects=False)
        r = await c.post("/console/sign-in", data={"username": username, "password": PASSWORD, "next": "/"})
        assert r.status_code == 303, r.text
        return c

    reviewer = await signed_in("shinsa")
    try:
        assert (await reviewer.get("/console/requests/new")).status_code == 403  # not the front desk's form
        assert (await reviewer.get(f"/console/requests/{mine['id']}")).status_code == 200
        assert (
            await reviewer.get(f"/console/requests/{other['id']}")
        ).status_code == 404  # another department
        r = await reviewer.post(f"/console/requests/{mine['id']}/return-draft", data={"comment": "x"})
        assert r.status_code == 403  # no CSRF token
        r = await reviewer.post(f"/console/requests/{mine['id']}/approve-decision", data={"csrf_token": "x"})
        assert r.status_code == 403
    finally:
        await reviewer.aclose()
    admin = await signed_in("admin")
    try:
        assert (await admin.get(f"/console/requests/{mine['id']}")).status_code == 403  # no case content
    finally:
        await admin.aclose()


async def test_a_case_page_shows_a_past_day_as_it_was_recorded(page: Page, api: Api) -> None:
    """「この日の状態を表示する」: yesterday this case did not exist yet; today shows it live, with its actions."""
    case = await api.register(subject="道路台帳の写し")
    await sign_in(page, "madoguchi", f"/console/requests/{case['id']}")
    await page.get_by_label("表示する日").fill((clock.today() - timedelta(days=1)).isoformat())
    await page.get_by_role("button", name="この日の状態を表示する").click()
    await expect(page.get_by_text("その日にはまだ受け付けていない請求です。")).to_be_visible()
    await page.goto(f"/console/requests/{case['id']}?as_of={clock.today().isoformat()}")
    await expect(page.get_by_role("heading", name=re.compile(case["id"]))).to_be_visible()
    await expect(page.get_by_text("過去の表示では操作できません")).to_have_count(0)  # today is the live case
    await look(page, "case-as-of-today")
