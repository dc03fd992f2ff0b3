"""The records officer's console (総務課 情報公開係) in a real browser, through the real stack (issue 13).

Same harness as test_console.py (uvicorn on a free port, /usr/bin/chromium, axe-core, screenshots into
tests-artefacts/console/): the officer filters and pages the case list, refers an appeal and sees it on the
council's agenda, records a ruling, files a suit against it and records the judgment; the dashboard, the
agenda and the audit page render; every page passes axe with 0 serious or critical violations.
"""

from __future__ import annotations

import re
import uuid

import httpx
from playwright.async_api import Page, expect

from domain import clock
from tests.integration.conftest import PASSWORD, Api
from tests.integration.test_appeals import TWO_DOCUMENTS, decided, file
from tests.integration.test_console import browser, look, page, sign_in, site  # noqa: F401 - fixtures

OFFICER = "johokokai"


async def test_officer_filters_the_case_list_and_pages(page: Page, api: Api) -> None:  # noqa: F811
    token = uuid.uuid4().hex[:8]
    subject = f"整理簿{token}"
    for _ in range(2):
        await api.register(subject=f"{subject} 道路台帳")
    named = await api.register(subject=f"{subject} 公園", requester={
        "name": f"検索 太郎{token}", "type": "individual", "address": "小金井市本町6-6-3"})
    other = await api.register(subject=f"{subject} 環境", department="kankyo")
    await sign_in(page, OFFICER, f"/console/office/cases?q={subject}&per_page=3")
    await expect(page.get_by_role("heading", level=1)).to_have_text("全件の請求")
    pager = page.get_by_role("navigation", name="請求の一覧のページ送り")
    await expect(pager).to_contain_text("4件中 1〜3件目")
    await look(page, "office-cases")
    await pager.get_by_role("link", name="次のページ").click()
    await expect(page.get_by_role("navigation", name="請求の一覧のページ送り")).to_contain_text("4件中 4〜4件目")
    table = page.get_by_role("table")
    await expect(table.get_by_role("link", name=re.compile(r"^R-"))).to_have_count(1)
    # Filters through the form: one department, then the requester's full name (the vault's blind index).
    form = page.get_by_role("form", name="請求の絞り込み")
    await form.get_by_label("担当課").select_option(label="環境政策課")
    await form.get_by_role("button", name="絞り込む").click()
    await expect(page.get_by_role("navigation", name="請求の一覧のページ送り")).to_contain_text("1件中 1〜1件目")
    await expect(page.get_by_role("link", name=other["id"])).to_be_visible()
    form = page.get_by_role("form", name="請求の絞り込み")
    await form.get_by_label("担当課").select_option(label="すべて")
    await form.get_by_label("請求者の氏名").fill(f"検索　太郎{token}")  # a full-width space folds to the same name
    await form.get_by_role("button", name="絞り込む").click()
    await expect(page.get_by_role("link", name=named["id"])).to_be_visible()
    await expect(page.get_by_role("table").get_by_role("link", name=re.compile(r"^R-"))).to_have_count(1)
    # A bad date is a message beside its field, not a 500.
    await page.goto("/console/office/cases?received_from=2026-13-40")
    await expect(page.get_by_role("alert")).to_contain_text("日付を正しく入力してください")
    await look(page, "office-cases-bad-date")


async def test_officer_refers_an_appeal_rules_and_records_the_suit(page: Page, api: Api) -> None:  # noqa: F811
    request = await decided(api, TWO_DOCUMENTS)
    appeal = await file(api, request["id"])
    await sign_in(page, OFFICER, "/console/office/agenda")
    to_refer = page.get_by_role("region", name=re.compile("諮問待ちの審査請求"))
    await to_refer.get_by_role("link", name=appeal["id"]).click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(appeal["id"])
    await expect(page.get_by_role("region", name="諮問書と関係書類")).to_contain_text("諮問すると")
    await look(page, "office-appeal")
    # 裁決 before 諮問 and 答申: the domain's refusal beside the form, what was typed kept.
    ruling = page.get_by_role("form", name="裁決", exact=True)
    await ruling.get_by_label("裁決の内容").select_option(label="棄却")
    await ruling.get_by_label("裁決の理由").fill("原処分は妥当である")
    await ruling.get_by_role("button", name="裁決を記録する").click()
    alert = page.get_by_role("alert")
    await expect(alert).to_contain_text("審査会への諮問と答申を経ていません")
    await expect(alert).not_to_contain_text("No council report")
    await expect(page.get_by_role("form", name="裁決", exact=True).get_by_label("裁決の理由")).to_have_value(
        "原処分は妥当である")
    await look(page, "office-appeal-refused")
    await page.get_by_role("form", name="諮問", exact=True).get_by_role("button", name="審査会に諮問する").click()
    await expect(page.get_by_role("region", name="概要")).to_contain_text("諮問中")
    pack = page.get_by_role("region", name="諮問書と関係書類")
    await expect(pack.get_by_role("link", name=re.compile("諮問通知書"))).to_be_visible()
    await look(page, "office-appeal-referred")
    await page.get_by_role("link", name="審査会の議題").click()
    waiting = page.get_by_role("region", name=re.compile("答申待ちの諮問"))
    await expect(waiting.get_by_role("link", name=appeal["id"])).to_be_visible()
    await expect(page.get_by_role("region", name=re.compile("諮問待ちの審査請求")).get_by_role(
        "link", name=appeal["id"])).to_have_count(0)
    await look(page, "office-agenda")

    # The council hears it and adopts its report (the council's own pages are another change).
    held = clock.today().isoformat()
    r = await api.http.post(f"/api/v1/council/referrals/{appeal['id']}/record-session", headers=api.as_("shingikai"),
                            json={"held_on": held, "present": ["m1", "m2", "m3"], "in_camera": True})
    assert r.status_code == 200, r.text
    r = await api.http.post(f"/api/v1/council/referrals/{appeal['id']}/adopt-report", headers=api.as_("shingikai"),
                            json={"adopted_on": held, "conclusion": "disclose_in_part", "text": "一部を公開すべき",
                                  "votes_for": 3})
    assert r.status_code == 200, r.text

    await page.goto(f"/console/office/appeals/{appeal['id']}")
    ruling = page.get_by_role("form", name="裁決", exact=True)
    await ruling.get_by_label("裁決の内容").select_option(label="一部認容")
    await ruling.get_by_label(re.compile("「契約書」の公開区分")).select_option(label="一部公開")
    await ruling.get_by_label(re.compile("「交渉記録」の公開区分")).select_option(label="一部公開")
    await ruling.get_by_label("裁決の理由").fill("交渉記録のうち日付及び出席者を公開する")
    await ruling.get_by_role("button", name="裁決を記録する").click()
    summary = page.get_by_role("region", name="概要")
    await expect(summary).to_contain_text("終結")
    await expect(summary).to_contain_text("一部認容")
    await expect(page.get_by_role("link", name=re.compile("裁決書（PDF）"))).to_be_visible()
    await look(page, "office-appeal-ruled")

    sue = page.get_by_role("form", name="裁決に対する訴訟の記録")
    await sue.get_by_label("裁判所").fill("東京地方裁判所")
    await sue.get_by_label("事件番号").fill(f"令和8年（行ウ）第{uuid.uuid4().int % 1000}号")
    await sue.get_by_role("button", name="訴訟を記録する").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^L-\d{4}-\d+"))
    suit_id = (await page.get_by_role("heading", level=1).inner_text()).split()[0]
    await look(page, "office-suit")
    judgment = page.get_by_role("form", name="判決の記録")
    await judgment.get_by_label("審級").select_option(label="地方裁判所")
    await judgment.get_by_label("判決の内容").select_option(label="請求棄却（決定維持）")
    await judgment.get_by_label("判決書の送達日").fill(held)
    await judgment.get_by_role("button", name="判決を記録する").click()
    judgments = page.get_by_role("region", name="期限")
    await expect(page.get_by_role("cell", name=re.compile("請求棄却"))).to_be_visible()
    await expect(judgments).to_contain_text("民事訴訟法第285条")  # the 2 weeks to appeal, counted from service
    await look(page, "office-suit-judged")
    await page.goto(f"/console/office/suits?q={suit_id}")
    await expect(page.get_by_role("link", name=suit_id)).to_be_visible()
    await look(page, "office-suits")
    sue = page.get_by_role("form", name="決定に対する訴訟を記録する")
    await sue.get_by_label("請求の整理番号").fill("R-1999-99999")
    await sue.get_by_label("裁判所").fill("東京地方裁判所")
    await sue.get_by_label("事件番号").fill("令和8年（行ウ）第1号")
    await sue.get_by_role("button", name="訴訟を記録する").click()
    await expect(page.get_by_role("alert")).to_contain_text("見つかりません")
    await expect(page.get_by_role("form", name="決定に対する訴訟を記録する").get_by_label("裁判所")).to_have_value(
        "東京地方裁判所")
    await page.goto(f"/console/office/appeals?q={appeal['id']}")
    await expect(page.get_by_role("link", name=appeal["id"])).to_be_visible()
    await look(page, "office-appeals")


async def test_dashboard_and_audit_status_render(page: Page, api: Api) -> None:  # noqa: F811
    await api.register(subject="集計用の請求")
    await decided(api, TWO_DOCUMENTS)  # a partial disclosure decided today: this fiscal year's decisions
    await sign_in(page, OFFICER, "/console/office/dashboard")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("集計")
    await expect(page.get_by_role("img", name="部署別・状態別の処理中の請求")).to_be_visible()
    table = page.get_by_role("table", name="部署別・状態別の処理中の請求（件）")
    await expect(table.get_by_role("rowheader", name="都市計画課")).to_be_visible()
    outcomes = page.get_by_role("table", name=re.compile("決定の区分別件数"))
    await expect(outcomes.get_by_role("rowheader", name="部分公開")).to_be_visible()
    await expect(page.get_by_role("img", name=re.compile("の決定（区分別）"))).to_contain_text("部分公開")
    await expect(page.get_by_role("table", name="期限超過と期限間近の請求（件）")).to_be_visible()
    await look(page, "office-dashboard")
    await page.get_by_role("link", name="監査").click()
    await expect(page.get_by_role("status")).to_contain_text("改ざんは見つかりませんでした")
    await expect(page.get_by_text("最後の署名付きチェックポイント")).to_be_visible()
    csv = await page.request.get("/api/v1/exports/requests.csv")
    assert csv.status == 200 and csv.headers["content-type"].startswith("text/csv")
    await look(page, "office-audit")


async def test_office_pages_are_the_records_officers_alone(site: str, api: Api) -> None:  # noqa: F811
    async def signed_in(username: str) -> httpx.AsyncClient:
        c = httpx.AsyncClient(base_url=site, follow_redirects=False)
        r = await c.post("/console/sign-in", data={"username": username, "password": PASSWORD, "next": "/"})
        assert r.status_code == 303, r.text
        return c

    reviewer = await signed_in("shinsa")
    try:
        for path in ("/console/office/cases", "/console/office/dashboard", "/console/office/agenda",
                     "/console/office/audit", "/console/office/appeals/A-2026-00001"):
            assert (await reviewer.get(path)).status_code == 403, path
    finally:
        await reviewer.aclose()
    officer = await signed_in(OFFICER)
    try:
        assert (await officer.get("/console/office/appeals/A-1999-99999")).status_code == 404
        assert (await officer.get("/console/office/suits/L-1999-99999")).status_code == 404
        r = await officer.post("/console/office/suits", data={"court": "x"})
        assert r.status_code == 403  # no CSRF token
    finally:
        await officer.aclose()
