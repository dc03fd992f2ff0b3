"""The admin's pages: staff accounts (list, create, change role or department, deactivate, reset a password),
never case content (issue 13).

Each change is made by the same use case as the JSON API (``api.usecases.users``) and shown with its audit
entries. A role that sees contact data (窓口, 情報公開係) is never granted by the admin alone: the page offers the
proposal (「付与を提案する」) that a records officer confirms, and shows the API's refusal otherwise.

Rows for these pages go in ``PAGES`` below; they join ``access.PAGES`` when the console is installed.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from api.auth import Principal
from api.authz import AD, FOUR_EYES_ROLES
from api.console import access, forms
from api.console import labels as L
from api.console.access import Page
from api.console.routes import render, see_other
from api.errors import ApiError
from api.schemas_users import GrantIn, PasswordResetIn, UserChangeIn, UserIn, WithdrawIn
from api.usecases import users as accounts

router = APIRouter(include_in_schema=False)

BASE = "/console/admin"
ADMIN = Page(frozenset({AD}))
PAGES: dict[str, Page] = {
    f"GET {BASE}/users": ADMIN,
    f"POST {BASE}/users": ADMIN,
    f"GET {BASE}/users/{{username}}": ADMIN,
    f"POST {BASE}/users/{{username}}/change": ADMIN,
    f"POST {BASE}/users/{{username}}/deactivate": ADMIN,
    f"POST {BASE}/users/{{username}}/activate": ADMIN,
    f"POST {BASE}/users/{{username}}/password": ADMIN,
    f"POST {BASE}/grants": ADMIN,
    f"POST {BASE}/grants/{{grant_id}}/withdraw": ADMIN,
}

FIELDS = {"username": "ユーザー名", "display_name": "表示名", "role": "役割", "department": "担当課",
          "password": "初期パスワード"}
AUDIT_ACTIONS = {
    "user.created": "アカウントの登録", "user.role_changed": "役割・担当課の変更", "user.deactivated": "無効化",
    "user.activated": "有効化", "user.password_reset": "パスワードの再設定", "role_grant.proposed": "役割の付与の提案",
    "role_grant.confirmed": "役割の付与の確認", "role_grant.withdrawn": "付与の提案の取下げ",
}


def _st(request: Request) -> Any:
    return request.app.state.kaiji


def _roles() -> dict[str, str]:
    return {code: label for code, label in L.ROLES.items() if code != "system"}


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: str(v).strip() for k, v in form.items() if k != "csrf_token"}


async def _list_page(request: Request, principal: Principal, *, status: int = 200, failed: str | None = None,
                     values: dict[str, str] | None = None, errors: dict[str, str] | None = None,
                     message: str | None = None, done: str | None = None) -> HTMLResponse:
    st = _st(request)
    listed = await accounts.list_users(principal, st)
    grants = await accounts.list_grants(principal, st)
    return render(request, "admin_users.html", {
        "accounts": listed["items"], "grants": grants["items"], "roles": _roles(), "profile": st.profile,
        "four_eyes": sorted(FOUR_EYES_ROLES), "failed": failed, "values": values or {}, "errors": errors or {},
        "four_eyes_labels": "・".join(_roles().get(r, r) for r in sorted(FOUR_EYES_ROLES)),
        "message": message, "done": done or request.query_params.get("done"), "F": FIELDS,
    }, status)


async def _user_page(request: Request, principal: Principal, username: str, *, status: int = 200,
                     failed: str | None = None, values: dict[str, str] | None = None,
                     errors: dict[str, str] | None = None, message: str | None = None) -> HTMLResponse:
    st = _st(request)
    found = [a for a in (await accounts.list_users(principal, st))["items"] if a["username"] == username]
    if not found:
        raise access.PageRefused(404, "そのアカウントはありません。")
    history = await accounts.history(username, st)
    return render(request, "admin_user.html", {
        "account": found[0], "history": history, "roles": _roles(), "profile": st.profile,
        "actions": AUDIT_ACTIONS, "failed": failed, "values": values or {}, "errors": errors or {},
        "message": message, "done": request.query_params.get("done"), "F": FIELDS,
        "four_eyes": sorted(FOUR_EYES_ROLES), "self": username == principal.username,
    }, status)


def _refusal(exc: ApiError) -> tuple[dict[str, str], str]:
    """An API refusal as (field errors, message): "field: …" messages go beside their field."""
    field, _, rest = exc.message.partition(":")
    if field in FIELDS and rest:
        return {field: L.japanese_message(rest.strip())}, "入力内容を確認してください。"
    return {}, L.japanese_message(exc.message)


@router.get(f"{BASE}/users", response_class=HTMLResponse)
async def users_page(request: Request, principal: Principal = Depends(access.page_user)) -> Response:
    return await _list_page(request, principal)


@router.post(f"{BASE}/users", response_class=HTMLResponse)
async def create_account(request: Request, principal: Principal = Depends(access.page_user)) -> Response:
    values = await _form(request)
    body_in = {k: v for k, v in values.items() if k in FIELDS and (v or k != "department")}
    try:
        body = UserIn.model_validate(body_in)
        await accounts.create_user(body, principal, _st(request))
    except ValidationError as exc:
        return await _list_page(request, principal, status=422, failed="create", values=values,
                                errors=forms.errors_of(exc, {k: k for k in FIELDS}), message="入力内容を確認してください。")
    except ApiError as exc:
        errors, message = _refusal(exc)
        return await _list_page(request, principal, status=exc.status if exc.status < 500 else 503,
                                failed="create", values=values, errors=errors, message=message)
    return see_other(f"{BASE}/users/{values['username']}?done=created")


async def _change(request: Request, principal: Principal, username: str, data: dict[str, Any],
                  failed: str, done: str, values: dict[str, str] | None = None) -> Response:
    try:
        body = UserChangeIn.model_validate(data)
        await accounts.change_user(username, body, principal, _st(request))
    except ValidationError as exc:
        return await _user_page(request, principal, username, status=422, failed=failed, values=values,
                                errors=forms.errors_of(exc, {k: k for k in FIELDS}), message="入力内容を確認してください。")
    except ApiError as exc:
        if exc.status == 404:
            raise access.PageRefused(404, "そのアカウントはありません。") from None
        errors, message = _refusal(exc)
        return await _user_page(request, principal, username, status=exc.status if exc.status < 500 else 503,
                                failed=failed, values=values, errors=errors, message=message)
    return see_other(f"{BASE}/users/{username}?done={done}")


@router.get(f"{BASE}/users/{{username}}", response_class=HTMLResponse)
async def user_page(username: str, request: Request, principal: Principal = Depends(access.page_user)) -> Response:
    return await _user_page(request, principal, username)


@router.post(f"{BASE}/users/{{username}}/change", response_class=HTMLResponse)
async def change_account(username: str, request: Request,
                         principal: Principal = Depends(access.page_user)) -> Response:
    values = await _form(request)
    data: dict[str, Any] = {"role": values.get("role") or None, "department": values.get("department") or None,
                            "display_name": values.get("display_name", "")}
    return await _change(request, principal, username, data, "change", "changed", values)


@router.post(f"{BASE}/users/{{username}}/deactivate", response_class=HTMLResponse)
async def deactivate(username: str, request: Request, principal: Principal = Depends(access.page_user)) -> Response:
    return await _change(request, principal, username, {"active": False}, "active", "deactivated")


@router.post(f"{BASE}/users/{{username}}/activate", response_class=HTMLResponse)
async def activate(username: str, request: Request, principal: Principal = Depends(access.page_user)) -> Response:
    return await _change(request, principal, username, {"active": True}, "active", "activated")


@router.post(f"{BASE}/users/{{username}}/password", response_class=HTMLResponse)
async def reset_password(username: str, request: Request,
                         principal: Principal = Depends(access.page_user)) -> Response:
    values = await _form(request)
    try:
        body = PasswordResetIn.model_validate({"password": values.get("password", "")})
        await accounts.reset_password(username, body, principal, _st(request))
    except ValidationError as exc:
        return await _user_page(request, principal, username, status=422, failed="password",
                                errors=forms.errors_of(exc, {"password": "password"}),
                                message="入力内容を確認してください。")
    except ApiError as exc:
        if exc.status == 404:
            raise access.PageRefused(404, "そのアカウントはありません。") from None
        errors, message = _refusal(exc)
        return await _user_page(request, principal, username, status=exc.status if exc.status < 500 else 503,
                                failed="password", errors=errors, message=message)
    return see_other(f"{BASE}/users/{username}?done=password")


@router.post(f"{BASE}/grants", response_class=HTMLResponse)
async def propose(request: Request, principal: Principal = Depends(access.page_user)) -> Response:
    values = await _form(request)
    try:
        body = GrantIn.model_validate({k: values.get(k, "") for k in ("username", "role", "display_name")})
        await accounts.propose_grant(body, principal, _st(request))
    except ValidationError as exc:
        return await _list_page(request, principal, status=422, failed="grant", values=values,
                                errors=forms.errors_of(exc, {k: k for k in FIELDS}), message="入力内容を確認してください。")
    except ApiError as exc:
        errors, message = _refusal(exc)
        return await _list_page(request, principal, status=exc.status if exc.status < 500 else 503,
                                failed="grant", values=values, errors=errors, message=message)
    return see_other(f"{BASE}/users?done=proposed")


@router.post(f"{BASE}/grants/{{grant_id}}/withdraw", response_class=HTMLResponse)
async def withdraw(grant_id: str, request: Request, principal: Principal = Depends(access.page_user)) -> Response:
    if not grant_id.isdigit() or len(grant_id) > 18:
        raise access.PageRefused(404, "その提案はありません。")
    try:
        await accounts.withdraw_grant(WithdrawIn(), int(grant_id), principal, _st(request))
    except ApiError as exc:
        return await _list_page(request, principal, status=exc.status if exc.status < 500 else 503,
                                failed="withdraw", message=L.japanese_message(exc.message))
    return see_other(f"{BASE}/users?done=withdrawn")
