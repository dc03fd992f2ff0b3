"""The admin's console in a real browser (issue 13): create a user, change their department, reset their
password, deactivate them (and they cannot sign in); a content role is only proposed, never granted alone;
every change shows its audit entry; no case content on any admin page."""

from __future__ import annotations

import re

import httpx
from playwright.async_api import Page, expect

from tests.integration import test_console as console
from tests.integration.conftest import PASSWORD, Api
from tests.integration.test_console import look, sign_in

site, browser, page = console.site, console.browser, console.page  # the same fixtures, module-scoped here
NEW_PASSWORD = "another-long-passphrase"


async def _can_sign_in(site: str, username: str, password: str) -> bool:
    async with httpx.AsyncClient(base_url=site, follow_redirects=False) as c:
        r = await c.post("/console/sign-in", data={"username": username, "password": password, "next": "/"})
        return r.status_code == 303


async def test_admin_creates_changes_resets_and_deactivates_a_user(page: Page, site: str, api: Api) -> None:
    case = await api.register(subject="管理者に見えてはならない件名")
    await sign_in(page, "admin")
    await expect(page.get_by_role("heading", level=1)).to_have_text("職員アカウント")  # the admin's home
    await look(page, "admin-users")
    form = page.get_by_role("form", name="アカウントを登録する")
    await form.get_by_label("ユーザー名").fill("yamakawa")
    await form.get_by_label("表示名").fill("山川 一郎")
    await form.get_by_label("役割").select_option(label="担当課")
    await form.get_by_role("button", name="登録する").click()  # no department, no password: refused beside the form
    await expect(page.get_by_role("alert")).to_contain_text("初期パスワード")
    form = page.get_by_role("form", name="アカウントを登録する")
    await expect(form.get_by_label("ユーザー名")).to_have_value("yamakawa")  # what was typed is kept
    await form.get_by_label("担当課").select_option(label="都市計画課")
    await form.get_by_label("初期パスワード").fill(PASSWORD)
    await form.get_by_role("button", name="登録する").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("yamakawa")
    history = page.get_by_role("region", name="変更の記録（監査ログ）")
    await expect(history).to_contain_text("アカウントの登録")
    assert await _can_sign_in(site, "yamakawa", PASSWORD)

    change = page.get_by_role("form", name="役割・担当課を変更する")
    await change.get_by_label("担当課").select_option(label="環境政策課")
    await change.get_by_role("button", name="変更する").click()
    await expect(page.get_by_role("status")).to_contain_text("変更しました")
    await expect(history).to_contain_text("役割・担当課の変更")

    reset = page.get_by_role("form", name="パスワードを再設定する")
    await reset.get_by_label("新しいパスワード").fill(NEW_PASSWORD)
    await reset.get_by_role("button", name="パスワードを再設定する").click()
    await expect(page.get_by_role("status")).to_contain_text("パスワードを再設定しました")
    assert not await _can_sign_in(site, "yamakawa", PASSWORD)
    assert await _can_sign_in(site, "yamakawa", NEW_PASSWORD)

    await page.get_by_role("button", name="無効にする").click()
    await expect(page.get_by_role("status")).to_contain_text("無効にしました")
    await expect(history).to_contain_text("無効化")
    assert not await _can_sign_in(site, "yamakawa", NEW_PASSWORD)  # a deactivated user cannot sign in
    await look(page, "admin-user")
    for path in ("/console/admin/users", "/console/admin/users/yamakawa"):
        await page.goto(path)
        html = await page.content()
        assert case["id"] not in html and "管理者に見えてはならない件名" not in html  # no case content


async def test_a_content_role_is_proposed_not_granted_by_the_admin_alone(page: Page, api: Api) -> None:
    await sign_in(page, "admin", "/console/admin/users")
    form = page.get_by_role("form", name="アカウントを登録する")
    await form.get_by_label("ユーザー名").fill("kurosawa")
    await form.get_by_label("役割").select_option(label="情報公開コーナー")
    await form.get_by_label("初期パスワード").fill(PASSWORD)
    await form.get_by_role("button", name="登録する").click()
    await expect(page.get_by_role("alert")).to_contain_text("二人目の確認が必要")
    grant = page.get_by_role("form", name="役割の付与を提案する")
    await grant.get_by_label("付与するユーザー名").fill("kurosawa")
    await grant.get_by_label("付与する役割").select_option(label="情報公開コーナー")
    await grant.get_by_role("button", name="提案する").click()
    await expect(page.get_by_role("status")).to_contain_text("情報公開係の確認を待っています")
    await expect(page.get_by_role("table").last).to_contain_text("kurosawa")
    await look(page, "admin-grant-proposed")
    r = await api.http.get("/api/v1/users/grants", headers=api.as_("johokokai"))
    assert any(g["username"] == "kurosawa" and g["proposed_by"] == "admin" for g in r.json()["items"])
    await page.get_by_role("button", name="取り下げる").click()
    await expect(page.get_by_role("status")).to_contain_text("取り下げました")


async def test_admin_pages_are_the_admins_only(site: str, api: Api) -> None:
    async with httpx.AsyncClient(base_url=site, follow_redirects=False) as c:
        await c.post("/console/sign-in", data={"username": "johokokai", "password": PASSWORD, "next": "/"})
        assert (await c.get("/console/admin/users")).status_code == 403
    async with httpx.AsyncClient(base_url=site, follow_redirects=False) as c:
        await c.post("/console/sign-in", data={"username": "admin", "password": PASSWORD, "next": "/"})
        assert (await c.get("/console/admin/users/nobody-here")).status_code == 404
        r = await c.post("/console/admin/users/shinsa/deactivate", data={})
        assert r.status_code == 403  # no CSRF token
        assert re.search("画面の有効期限", r.text)
