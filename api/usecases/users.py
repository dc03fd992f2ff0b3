"""Staff accounts as both faces use them (the admin's JSON routes and the admin's console pages).

The admin manages users and configuration and sees no case content (contract.md "Roles"). Every change is an
audit entry (user.created, user.role_changed, user.deactivated, user.password_reset) and ends the user's
sessions and tokens.

A role that sees case content with contact data (``authz.FOUR_EYES_ROLES``: records_officer, front_desk)
is never granted by one person (issue 17 "The admin can give themself the data"; 小金井市個人情報保護条例
の安全管理措置 / APPI art. 66 safeguards): the admin proposes and a records officer confirms, or the reverse
(``/api/v1/users/grants``). The account's password comes from the records officer's side, so the admin
never knows the password of an account that reads requesters' addresses; nobody grants such a role to
their own account, and nobody confirms their own proposal.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from api.auth import Principal
from api.authz import AD, FOUR_EYES_ROLES, RO
from api.deps import AppState
from api.errors import ApiError
from api.schemas_users import ConfirmIn, GrantIn, PasswordResetIn, UserChangeIn, UserIn, WithdrawIn
from kaiji.security.passwords import PasswordHasher
from store import audit, role_grants, sessions, users

hasher = PasswordHasher()
DEPARTMENT_ROLES = ("reviewer", "approver")


def _view(r: Any) -> dict[str, Any]:
    return {"username": r["username"], "role": r["role"], "department": r["department"],
            "display_name": r["display_name"], "active": r["active"],
            "locked_until": r["locked_until"].isoformat() if r["locked_until"] else None}


def _four_eyes(role: str, current: str | None = None) -> None:
    if role in FOUR_EYES_ROLES and role != current:
        raise ApiError(409, f"{role} の付与には二人目の確認が必要です（POST /api/v1/users/grants で提案し、"
                       "記録管理担当と管理者の一方が提案、他方が確認します）。 / Granting the role "
                       f"{role} needs a second person: propose it with POST /api/v1/users/grants; the admin "
                       "proposes and a records officer confirms, or the reverse.")


def _check_department(st: AppState, role: str, department: str | None) -> None:
    if role in DEPARTMENT_ROLES and not department:
        raise ApiError(422, f"department: a {role} belongs to a department")
    if department and st.profile.department(department) is None:
        raise ApiError(422, f"department: unknown department code {department!r}")


async def list_users(principal: Principal, st: AppState) -> dict[str, Any]:
    async with st.pool.acquire() as conn:
        return {"items": [_view(r) for r in await users.accounts(conn)]}


async def create_user(body: UserIn, principal: Principal, st: AppState) -> dict[str, Any]:
    _four_eyes(body.role)
    _check_department(st, body.role, body.department)
    department = body.department if body.role in DEPARTMENT_ROLES else None
    digest = await asyncio.to_thread(hasher.hash, body.password)
    async with st.pool.acquire() as conn:
        if not await users.create(conn, username=body.username, password_hash=digest, role=body.role,
                                  department=department, display_name=body.display_name,
                                  actor=principal.username):
            raise ApiError(409, f"username: {body.username!r} is taken")
        row = (await users.accounts(conn, body.username))[0]
    return _view(row)


async def change_user(username: str, body: UserChangeIn, principal: Principal, st: AppState) -> dict[str, Any]:
    async with st.pool.acquire() as conn:
        current = await users.get(conn, username)
        if current is None:
            raise ApiError(404, "No such user.")
        role = body.role or current.role
        _four_eyes(role, current.role)
        department = body.department if "department" in body.model_fields_set else current.department
        _check_department(st, role, department)
        if username == principal.username and (role != current.role or body.active is False):
            raise ApiError(409, "You cannot change your own role or deactivate yourself; ask another admin.")
        row = await users.change(conn, username, actor=principal.username, role=role,
                                 department=department if role in DEPARTMENT_ROLES else None, active=body.active, display_name=body.display_name)
    return _view(row)


# Four-eyes role grants -------------------------------------------------------------------------------------











def _grant_view(r: Any) -> dict[str, Any]:
    return {"id": r["id"], "username": r["username"], "role": r["role"], "display_name": r["display_name"],
            "new_account": r["new_account"], "proposed_by": r["proposed_by"], "proposed_role": r["proposed_role"],
            "proposed_at": r["proposed_at"].isoformat(), "state": r["state"], "decided_by": r["decided_by"],
            "decided_at": r["decided_at"].isoformat() if r["decided_at"] else None,
            "password_set": r["password_hash"] is not None}


def _password_rule(principal: Principal, password: str | None, needed: bool) -> None:
    """The records officer's side sets the password; the admin never does."""
    if principal.role == AD and password is not None:
        raise ApiError(422, "password: 管理者はこの役割のアカウントのパスワードを設定できません（記録管理担当が"
                       "設定します）。 / the admin does not set the password of this account; the records "
                       "officer does.")
    if principal.role == RO and needed and password is None:
        raise ApiError(422, "password: 記録管理担当が初期パスワードを設定してください（12文字以上）。 / the "
                       "records officer sets the account's password (at least 12 characters).")


async def list_grants(principal: Principal, st: AppState) -> dict[str, Any]:
    async with st.pool.acquire() as conn:
        return {"items": [_grant_view(r) for r in await role_grants.pending(conn)]}


async def propose_grant(body: GrantIn, principal: Principal, st: AppState) -> dict[str, Any]:
    if body.username == principal.username:
        raise ApiError(409, "自分のアカウントにこの役割を付与することはできません。 / You cannot grant this role "
                       "to your own account.")
    async with st.pool.acquire() as conn:
        current = await users.get(conn, body.username)
        if current is not None and current.role == body.role:
            raise ApiError(409, f"{body.username} は既に {body.role} です。 / {body.username!r} already has "
                           f"the role {body.role}.")
        if current is not None and current.role == AD:
            raise ApiError(409, "管理者のアカウントはこの役割を持てません。 / An admin account can never hold "
                           "this role.")
        _password_rule(principal, body.password, needed=True)
        digest = await asyncio.to_thread(hasher.hash, body.password) if body.password else None
        row = await role_grants.propose(
            conn, username=body.username, role=body.role, department=None, display_name=body.display_name,
            new_account=current is None, password_hash=digest, actor=principal.username,
            actor_role=principal.role)
        if row is None:
            raise ApiError(409, f"{body.username} には確認待ちの提案が既にあります。 / A proposal for "
                           f"{body.username!r} is already waiting.")
    return _grant_view(row)


async def _pending_grant(conn: Any, grant_id: int) -> Any:
    row = await role_grants.get(conn, grant_id, for_update=True)
    if row is None:
        raise ApiError(404, "No such role grant.")
    if row["state"] != "pending":
        raise ApiError(409, f"この提案は既に処理されています（{row['state']}）。 / This proposal is already "
                       f"{row['state']}.")
    return row


async def confirm_grant(body: ConfirmIn, grant_id: int, principal: Principal, st: AppState) -> dict[str, Any]:
    async with st.pool.acquire() as conn, conn.transaction():
        row = await _pending_grant(conn, grant_id)
        if row["proposed_by"] == principal.username:
            raise ApiError(409, "自分の提案は確認できません。別の人が確認します。 / You cannot confirm your own "
                           "proposal; another person must.")
        if row["proposed_role"] == principal.role:
            raise ApiError(409, "管理者の提案は記録管理担当が、記録管理担当の提案は管理者が確認します。 / An "
                           "admin's proposal is confirmed by a records officer, and a records officer's by "
                           "the admin.")
        if row["username"] == principal.username:
            raise ApiError(409, "自分のアカウントへの付与は確認できません。 / You cannot confirm a grant to "
                           "your own account.")
        _password_rule(principal, body.password, needed=row["password_hash"] is None)
        digest = (await asyncio.to_thread(hasher.hash, body.password) if body.password
                  else row["password_hash"])
        current = await users.get(conn, row["username"])
        if row["new_account"]:
            if current is not None:
                raise ApiError(409, f"username: {row['username']!r} is taken")
            await users.create(conn, username=row["username"], password_hash=digest, role=row["role"],
                               department=None, display_name=row["display_name"], actor=principal.username,
                               actor_role=principal.role)
        else:
            if current is None:
                raise ApiError(404, "No such user.")
            if current.role == AD:
                raise ApiError(409, "管理者のアカウントはこの役割を持てません。 / An admin account can never "
                               "hold this role.")
            await users.change(conn, row["username"], actor=principal.username, role=row["role"], department=None,
                               actor_role=principal.role)
            await users.set_password_hash(conn, row["username"], digest)  # the old password was the admin's to know
        await role_grants.decide(conn, grant_id, "confirmed", principal.username, principal.role)
        confirmed = await role_grants.get(conn, grant_id)
        account = (await users.accounts(conn, row["username"]))[0]
    return {"grant": _grant_view(confirmed), "user": _view(account)}


async def withdraw_grant(body: WithdrawIn, grant_id: int, principal: Principal, st: AppState) -> dict[str, Any]:
    async with st.pool.acquire() as conn, conn.transaction():
        await _pending_grant(conn, grant_id)
        await role_grants.decide(conn, grant_id, "withdrawn", principal.username, principal.role)
        return _grant_view(await role_grants.get(conn, grant_id))



async def reset_password(username: str, body: PasswordResetIn, principal: Principal, st: AppState) -> dict[str, Any]:
    """A new password set by the admin (the user forgot theirs): ends the user's sessions and tokens. Not for a
    role that sees contact data: the admin never knows such an account's password (four-eyes, above)."""
    async with st.pool.acquire() as conn:
        current = await users.get(conn, username)
        if current is None:
            raise ApiError(404, "No such user.")
        if current.role in FOUR_EYES_ROLES:
            raise ApiError(409, f"{current.role} のパスワードは管理者が設定できません。記録管理担当が付与の手続"
                           "（POST /api/v1/users/grants）で設定します。 / The admin does not set the password of "
                           f"a {current.role} account; the records officer does, through a role grant.")
        if username == principal.username:
            raise ApiError(409, "自分のパスワードはこの画面では変更できません。 / Use your own password change, "
                           "not a reset, for your own account.")
        digest = await asyncio.to_thread(hasher.hash, body.password)
        async with conn.transaction():
            await users.set_password_hash(conn, username, digest)
            await conn.execute("update users set credential_generation = credential_generation + 1 "
                               "where username = $1", username)
            await users.clear_attempts(conn, username)
            await sessions.delete_for_user(conn, username)
            await audit.append(conn, audit.AuditEntry(principal.username, principal.role, "user.password_reset",
                                                      username, {}))
        return _view((await users.accounts(conn, username))[0])


async def history(username: str, st: AppState, limit: int = 50) -> list[dict[str, Any]]:
    """The account's audit entries, newest first: what was changed, by whom, when (no case content)."""
    async with st.pool.acquire() as conn:
        rows = await audit.entries(conn, entity_id=username, limit=limit)
    return [{"seq": r["seq"], "at": r["at"], "actor": r["actor"], "role": r["role"], "action": r["action"],
             "detail": json.loads(r["detail"]) if isinstance(r["detail"], str) else (r["detail"] or {})}
            for r in rows if str(r["action"]).startswith(("user.", "role_grant."))]
