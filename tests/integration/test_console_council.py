"""The review council's console pages in a real browser (same stack and helpers as test_console.py).

The council records an inquorate session (shown as such; the report refused at it), a quorate one and
adopts the report (答申); marks an NCND decision reported; every page it sees carries no contact data of
the requester (created here with known address, phone and e-mail). Screenshots and axe-core on each page.
"""

from __future__ import annotations

import httpx
from playwright.async_api import Page, expect

from domain import clock
from tests.integration import test_console as _console
from tests.integration.conftest import PASSWORD, Api
from tests.integration.test_appeals import TWO_DOCUMENTS, appeal_act, decided, file
from tests.integration.test_console import look, sign_in
from tests.integration.test_request_paths import DRAFTS

site, browser, page = _console.site, _console.browser, _console.page  # the browser fixtures, shared

CONTACT = {"name": "審査 一郎", "type": "individual", "address": "小金井市緑町9-9-9",
           "phone": "042-999-1234", "email": "shinsa-ichiro@example.jp"}
SECRETS = (CONTACT["address"], "緑町", CONTACT["phone"], CONTACT["email"])


async def scanned(page: Page, name: str, seen: list[str]) -> None:
    """look() at the page, and keep its HTML for the contact-data scan."""
    await look(page, name)
    seen.append(await page.content())


def no_contact_data(pages: list[str]) -> None:
    for html in pages:
        for value in SECRETS:
            assert value not in html, value


async def test_council_records_sessions_and_adopts_the_report(api: Api, page: Page) -> None:
    request = await decided(api, TWO_DOCUMENTS, requester=CONTACT)
    appeal = await file(api, request["id"], grounds="交渉記録の公開を求める。")
    assert (await appeal_act(api, appeal["id"], "record-explanation", {"text": "交渉に支障がある"},
                             "shinsa")).status_code == 200
    assert (await appeal_act(api, appeal["id"], "refer-to-council", {})).status_code == 200
    seen: list[str] = []

    await sign_in(page, "shingikai")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("諮問事件")
    await scanned(page, "council-referrals", seen)
    await page.get_by_role("link", name=appeal["id"]).click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(appeal["id"])
    await expect(page.get_by_text("審査 一郎")).to_be_visible()  # the appellant's name, and only that
    await expect(page.get_by_role("cell", name="交渉記録", exact=True).first).to_be_visible()
    await expect(page.get_by_text("交渉に支障がある")).to_be_visible()
    pack = page.get_by_role("link", name="第1版")
    pdf = await page.request.get(await pack.get_attribute("href") or "")
    assert pdf.status == 200 and (await pdf.body()).startswith(b"%PDF")
    await scanned(page, "council-referral", seen)

    held = clock.today().isoformat()
    # two of five members: the quorum line says so live (htmx) and again on the confirm step
    await page.get_by_label("開催日").fill(held)
    await page.get_by_label("委員1").check()
    await page.get_by_label("委員2").check()
    await expect(page.locator("#quorum")).to_contain_text("定足数に達していません")
    await page.get_by_role("button", name="確認する").click()
    await expect(page.get_by_role("status").filter(has_text="記録する内容の確認")).to_contain_text(
        "出席 2人")
    await expect(page.get_by_role("status").filter(has_text="記録する内容の確認")).to_contain_text(
        "定足数に達していません")
    await scanned(page, "council-session-confirm-inquorate", seen)
    await page.get_by_role("button", name="この内容で記録する").click()
    await expect(page.get_by_role("status")).to_contain_text("会議の開催を記録しました")
    await expect(page.get_by_role("cell", name="定足数不足（3人）")).to_be_visible()
    # a report at an inquorate session is refused, with the domain's message beside the form
    await page.get_by_label("議決した日").fill(held)
    await page.get_by_label("結論").select_option(label="一部を公開すべきである")
    await page.get_by_label("答申の内容").fill("交渉記録のうち日付及び出席者は公開すべきである。")
    await page.get_by_label("賛成の委員数").fill("2")
    await page.get_by_role("button", name="答申を議決する").click()
    await expect(page.get_by_role("alert")).to_contain_text("定足数")
    await expect(page.get_by_label("答申の内容")).to_have_value("交渉記録のうち日付及び出席者は公開すべきである。")
    await scanned(page, "council-report-refused", seen)

    for member in ("委員1", "委員2", "委員3"):
        await page.get_by_label(member).check()
    await page.get_by_label("開催日").fill(held)
    await page.get_by_label("インカメラ審理").check()
    await expect(page.locator("#quorum")).to_contain_text("定足数を満たしています")
    await page.get_by_role("button", name="確認する").click()
    await expect(page.get_by_role("status").filter(has_text="記録する内容の確認")).to_contain_text(
        "定足数を満たしています")
    await page.get_by_role("button", name="この内容で記録する").click()
    await expect(page.get_by_role("status")).to_contain_text("会議の開催を記録しました")
    await expect(page.get_by_role("cell", name="非公開・インカメラ審理")).to_be_visible()
    await page.get_by_label("議決した日").fill(held)
    await page.get_by_label("結論").select_option(label="一部を公開すべきである")
    await page.get_by_label("答申の内容").fill("交渉記録のうち日付及び出席者は公開すべきである。")
    await page.get_by_label("賛成の委員数").fill("3")
    await page.get_by_role("button", name="答申を議決する").click()
    await expect(page.get_by_role("status")).to_contain_text("答申を記録しました")
    await expect(page.get_by_text("賛成 3、反対 0")).to_be_visible()
    await scanned(page, "council-reported", seen)
    await page.goto("/console/council/reports")
    await scanned(page, "council-reports", seen)
    no_contact_data(seen)


async def test_council_marks_an_ncnd_decision_reported(api: Api, page: Page) -> None:
    request = await decided(api, DRAFTS["neither_confirm_nor_deny"], requester=CONTACT)
    seen: list[str] = []
    await sign_in(page, "shingikai", "/console/council/reports")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("存否応答拒否")
    row = page.get_by_role("row").filter(has_text=request["id"])
    await row.get_by_label("報告した会議").fill("第5回審査会")
    await scanned(page, "council-ncnd", seen)
    await row.get_by_role("button", name="報告済みにする").click()
    await expect(page.get_by_role("status")).to_contain_text(f"{request['id']} を報告済みにしました")
    await expect(page.get_by_role("row").filter(has_text=request["id"])).to_contain_text(
        clock.today().isoformat())
    await expect(page.get_by_role("row").filter(has_text=request["id"]).get_by_role("button")).to_have_count(0)
    await scanned(page, "council-ncnd-reported", seen)
    no_contact_data(seen)
    reports = (await api.http.get("/api/v1/council/reports", headers=api.as_("shingikai"))).json()["items"]
    assert next(i for i in reports if i["case_id"] == request["id"])["reported"] is True


async def test_council_pages_follow_their_access_table(site: str, api: Api) -> None:
    request = await decided(api, TWO_DOCUMENTS, requester=CONTACT)
    unreferred = await file(api, request["id"])

    async def signed_in(username: str) -> httpx.AsyncClient:
        c = httpx.AsyncClient(base_url=site, follow_redirects=False)
        r = await c.post("/console/sign-in", data={"username": username, "password": PASSWORD, "next": "/"})
        assert r.status_code == 303, r.text
        return c

    council, reviewer, officer = [await signed_in(u) for u in ("shingikai", "shinsa", "johokokai")]
    try:
        r = await council.get("/")
        assert r.status_code == 303 and r.headers["location"] == "/console/council/referrals"
        assert (await council.get(f"/console/council/referrals/{unreferred['id']}")).status_code == 404
        assert (await reviewer.get("/console/council/referrals")).status_code == 403
        assert (await reviewer.get("/console/council/reports")).status_code == 403
        assert (await officer.get("/console/council/referrals")).status_code == 200
        assert (await officer.get(f"/console/council/referrals/{unreferred['id']}")).status_code == 404
        r = await council.post(f"/console/council/referrals/{unreferred['id']}/record-session", data={"held_on": ""})
        assert r.status_code == 403  # no CSRF token
        text = (await council.get("/console/council/referrals")).text + (await council.get(
            "/console/council/reports")).text
        assert not any(value in text for value in SECRETS)
    finally:
        for c in (council, reviewer, officer):
            await c.aclose()
