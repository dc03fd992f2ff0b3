"""Staff accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

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
    generation: int = 0


async def add(conn: asyncpg.Connection, *, username: str, password_hash: str, role: str,
              department: str | None, display_name: str = "", actor: str = "kaiji-cli") -> None:
    """Create or reset an account. Creation and role changes are audited; a reset ends the user's sessions."""
    async with conn.transaction():
        before = await conn.fetchrow("select role, department from users where username = $1 for update", username)
        await conn.execute(
            """insert into users (username, password_hash, role, department, display_name)
               values ($1, $2, $3, $4, $5)
               on conflict (username) do update set password_hash = excluded.password_hash, role = excluded.role,
                   department = excluded.department, display_name = excluded.display_name, active = true,
                   credential_generation = users.credential_generation + 1""",
            username, password_hash, role, department, display_name,
        )
        new = {"role": role, "department": department}
        if before is None:
            await audit.append(conn, audit.AuditEntry(actor, "system", "user.created", username, new))
            return
        await sessions.delete_for_user(conn, username)
        await _audit_role_change(conn, actor, "system", username, before, role, department)


async def _audit_role_change(conn: asyncpg.Connection, actor: str, actor_role: str, username: str,
                             before: asyncpg.Record, role: str, department: str | None) -> None:
    """One ``user.role_changed`` entry, if the role or department really changed."""
    if (before["role"], before["department"]) != (role, department):
        await audit.append(conn, audit.AuditEntry(actor, actor_role, "user.role_changed", username, {
            "from": {"role": before["role"], "department": before["department"]},
            "to": {"role": role, "department": department}}))


async def get(conn: asyncpg.Connection, username: str) -> User | None:
    r = await conn.fetchrow("select * from users where username = $1", username)
    if r is None:
        return None
    return User(r["username"], r["role"], r["department"], r["display_name"], r["password_hash"],
                r["active"], r["credential_generation"])


def _throttle_key(username: str) -> str:
    return username.strip().lower()[:200]


async def claim_attempt(conn: asyncpg.Connection, username: str, *, allowed: int,
                        lock_for: timedelta) -> datetime | None:
    """Count a sign-in attempt *before* the password is checked; return the lock's end if this attempt is over
    the limit. Counting first, in one statement, means parallel guesses cannot slip past the limit while
    argon2 runs. The count is per attempted username, account or not; a lock that has run out starts afresh."""
    r = await conn.fetchrow(
        """insert into login_throttle as t (username, failures, locked_until, updated_at) values ($1, 1, null, now())
           on conflict (username) do update set
               failures = case when t.locked_until <= now() then 1 else t.failures + 1 end,
               locked_until = case when t.locked_until <= now() then null else t.locked_until end,
               updated_at = now()
           returning failures, locked_until""", _throttle_key(username))
    if r["failures"] <= allowed:
        return None
    return r["locked_until"] or await conn.fetchval(
        """update login_throttle set locked_until = coalesce(locked_until, now() + $2::interval)
           where username = $1 returning locked_until""", _throttle_key(username), lock_for)


async def clear_attempts(conn: asyncpg.Connection, username: str) -> None:
    """A successful sign-in ends the count."""
    await conn.execute("delete from login_throttle where username = $1", _throttle_key(username))


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


KEEP: Any = object()  # change(): leave the department as it is


async def change(conn: asyncpg.Connection, username: str, *, actor: str, role: str | None = None,
                 department: str | None = KEEP, active: bool | None = None,
                 display_name: str | None = None) -> asyncpg.Record | None:
    """Change an account. A role/department change or a deactivation is one audit entry, ends the user's
    sessions and bumps the credential generation (so every token issued before is refused)."""
    async with conn.transaction():
        before = await conn.fetchrow("select * from users where username = $1 for update", username)
        if before is None:
            return None
        new_role = role or before["role"]
        new_dept = before["department"] if department is KEEP else department
        new_active = before["active"] if active is None else active
        await conn.execute(
            """update users set role = $2, department = $3, active = $4, display_name = coalesce($5, display_name),
                   credential_generation = credential_generation
                       + case when (role, department, active) is distinct from ($2, $3, $4) then 1 else 0 end
               where username = $1""", username, new_role, new_dept, new_active, display_name)
        await _audit_role_change(conn, actor, "admin", username, before, new_role, new_dept)
        if before["active"] != new_active:
            await audit.append(conn, audit.AuditEntry(actor, "admin", "user.activated" if new_active else
                                                      "user.deactivated", username, {}))
        if (before["role"], before["department"], before["active"]) != (new_role, new_dept, new_active):
            await sessions.delete_for_user(conn, username)
    return (await accounts(conn, username))[0]
