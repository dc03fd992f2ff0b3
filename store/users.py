"""Staff accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg

from store import audit, sessions


@dataclass(frozen=True)
class User:
    username: str
    role: str
    department: str | None
    display_name: str
    password_hash: str
    active: bool


async def add(conn: asyncpg.Connection, *, username: str, password_hash: str, role: str,
              department: str | None, display_name: str = "", actor: str = "kaiji-cli") -> None:
    """Create or reset an account. Creation and role changes are audited; a reset ends the user's sessions."""
    async with conn.transaction():
        before = await conn.fetchrow("select role, department from users where username = $1 for update", username)
        await conn.execute(
            """insert into users (username, password_hash, role, department, display_name)
               values ($1, $2, $3, $4, $5)
               on conflict (username) do update set password_hash = excluded.password_hash, role = excluded.role,
                   department = excluded.department, display_name = excluded.display_name, active = true""",
            username, password_hash, role, department, display_name,
        )
        new = {"role": role, "department": department}
        if before is None:
            await audit.append(conn, audit.AuditEntry(actor, "system", "user.created", username, new))
            return
        await sessions.delete_for_user(conn, username)
        if (before["role"], before["department"]) != (role, department):
            detail = {"from": {"role": before["role"], "department": before["department"]}, "to": new}
            await audit.append(conn, audit.AuditEntry(actor, "system", "user.role_changed", username, detail))


async def get(conn: asyncpg.Connection, username: str) -> User | None:
    r = await conn.fetchrow("select * from users where username = $1", username)
    if r is None:
        return None
    return User(r["username"], r["role"], r["department"], r["display_name"], r["password_hash"],
                r["active"])


def _throttle_key(username: str) -> str:
    return username.strip().lower()[:200]


async def locked_until(conn: asyncpg.Connection, username: str) -> datetime | None:
    """When the lock on this attempted username ends (known account or not)."""
    return await conn.fetchval("select locked_until from login_throttle where username = $1 and locked_until > now()",
                               _throttle_key(username))


async def record_login(conn: asyncpg.Connection, username: str, *, ok: bool, lock_after: int,
                       lock_until: datetime) -> int:
    """Count failures per attempted username; lock it after ``lock_after`` in a row. Returns the failure count."""
    key = _throttle_key(username)
    if ok:
        await conn.execute("delete from login_throttle where username = $1", key)
        return 0
    return await conn.fetchval(
        """insert into login_throttle as t (username, failures, locked_until, updated_at)
               values ($1, 1, case when 1 >= $2::int then $3::timestamptz end, now())
           on conflict (username) do update set failures = t.failures + 1, updated_at = now(),
               locked_until = case when t.failures + 1 >= $2 then $3 else t.locked_until end
           returning failures""",
        key, lock_after, lock_until,
    ) or 0


async def set_password_hash(conn: asyncpg.Connection, username: str, password_hash: str) -> None:
    await conn.execute("update users set password_hash = $2 where username = $1", username, password_hash)


async def accounts(conn: asyncpg.Connection, username: str | None = None) -> list[asyncpg.Record]:
    """Accounts as the admin sees them (no password hash), with any current sign-in lock."""
    return await conn.fetch(
        """select u.username, u.role, u.department, u.display_name, u.active, u.created_at,
                  case when t.locked_until > now() then t.locked_until end as locked_until
           from users u left join login_throttle t on t.username = lower(u.username)
           where $1::text is null or u.username = $1 order by u.username""", username)


async def create(conn: asyncpg.Connection, *, username: str, password_hash: str, role: str,
                 department: str | None, display_name: str, actor: str) -> bool:
    """A new account (False if the username is taken). Audited as ``user.created``."""
    async with conn.transaction():
        created = await conn.fetchval(
            """insert into users (username, password_hash, role, department, display_name)
               values ($1, $2, $3, $4, $5) on conflict (username) do nothing returning true""",
            username, password_hash, role, department, display_name)
        if created:
            await audit.append(conn, audit.AuditEntry(actor, "admin", "user.created", username,
                                                      {"role": role, "department": department}))
    return bool(created)


async def change(conn: asyncpg.Connection, username: str, *, actor: str, role: str | None = None,
                 department: str | None = None, clear_department: bool = False, active: bool | None = None,
                 display_name: str | None = None) -> asyncpg.Record | None:
    """Change an account. A role/department change or a deactivation is one audit entry and ends the
    user's sessions (bearer tokens are refused at once: api/auth.py compares them with the account)."""
    async with conn.transaction():
        before = await conn.fetchrow("select * from users where username = $1 for update", username)
        if before is None:
            return None
        new_role = role or before["role"]
        new_dept = None if clear_department else (department or before["department"])
        new_active = before["active"] if active is None else active
        await conn.execute(
            """update users set role = $2, department = $3, active = $4, display_name = coalesce($5, display_name)
               where username = $1""", username, new_role, new_dept, new_active, display_name)
        if (before["role"], before["department"]) != (new_role, new_dept):
            await audit.append(conn, audit.AuditEntry(actor, "admin", "user.role_changed", username, {
                "from": {"role": before["role"], "department": before["department"]},
                "to": {"role": new_role, "department": new_dept}}))
        if before["active"] != new_active:
            await audit.append(conn, audit.AuditEntry(actor, "admin", "user.activated" if new_active else
                                                      "user.deactivated", username, {}))
        if (before["role"], before["department"], before["active"]) != (new_role, new_dept, new_active):
            await sessions.delete_for_user(conn, username)
    return (await accounts(conn, username))[0]
