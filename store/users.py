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
                        lock_for: timedelta, address: str = "") -> datetime | None:
    """Count a sign-in attempt *before* the password is checked; return the lock's end if this attempt is over
    the limit. Counting first, in one statement, means parallel guesses cannot slip past the limit while
    argon2 runs. The count is per attempted username *and client address* (migration 0019), account or not,
    so a lock set from one address does not lock the name's owner out of another; a lock that has run out
    starts afresh."""
    key = _throttle_key(username)
    r = await conn.fetchrow(
        """insert into login_throttle as t (username, address, failures, locked_until, updated_at)
           values ($1, $2, 1, null, now())
           on conflict (username, address) do update set
               failures = case when t.locked_until <= now() then 1 else t.failures + 1 end,
               locked_until = case when t.locked_until <= now() then null else t.locked_until end,
               updated_at = now()
           returning failures, locked_until""", key, address)
    if r["failures"] <= allowed:
        return None
    return r["locked_until"] or await conn.fetchval(
        """update login_throttle set locked_until = coalesce(locked_until, now() + $3::interval)
           where username = $1 and address = $2 returning locked_until""", key, address, lock_for)


async def name_lock(conn: asyncpg.Connection, username: str, *, allowed: int,
                    window: timedelta) -> datetime | None:
    """The lock on a username from *all* addresses together: more than ``allowed`` failures within ``window``
    (many addresses guessing one name). Returns when the newest of them leaves the window, or None."""
    r = await conn.fetchrow(
        """select coalesce(sum(failures), 0) as failures, max(updated_at) as last from login_throttle
           where username = $1 and updated_at > now() - $2::interval""", _throttle_key(username), window)
    return r["last"] + window if r["failures"] > allowed else None


async def address_lock(conn: asyncpg.Connection, address: str) -> datetime | None:
    """The end of the current lock on a client address, or None."""
    return await conn.fetchval(
        "select locked_until from login_throttle_address where address = $1 and locked_until > now()", address)


async def claim_address_attempt(conn: asyncpg.Connection, address: str, *, allowed: int,
                                window: timedelta, lock_for: timedelta) -> datetime | None:
    """Count one password check from ``address`` (any username); more than ``allowed`` within ``window`` locks the
    address for ``lock_for``: returns the lock's end, or None. Counted before the check, in one statement."""
    r = await conn.fetchrow(
        """insert into login_throttle_address as t (address, attempts, window_started, updated_at)
           values ($1, 1, now(), now())
           on conflict (address) do update set
               attempts = case when t.window_started <= now() - $2::interval then 1 else t.attempts + 1 end,
               window_started = case when t.window_started <= now() - $2::interval then now()
                                     else t.window_started end,
               locked_until = case when t.locked_until <= now() then null else t.locked_until end,
               updated_at = now()
           returning attempts, locked_until""", address, window)
    if r["attempts"] <= allowed:
        return None
    return r["locked_until"] or await conn.fetchval(
        """update login_throttle_address set locked_until = coalesce(locked_until, now() + $2::interval)
           where address = $1 returning locked_until""", address, lock_for)


async def clear_attempts(conn: asyncpg.Connection, username: str, address: str = "") -> None:
    """A successful sign-in ends the name's count from that address and gives the address its attempt back
    (a client with one good account cannot reset its count for guessing others: only its own attempt)."""
    await conn.execute("delete from login_throttle where username = $1 and address = $2",
                       _throttle_key(username), address)
    await conn.execute("""update login_throttle_address set attempts = greatest(attempts - 1, 0)
                          where address = $1""", address)


async def set_password_hash(conn: asyncpg.Connection, username: str, password_hash: str) -> None:
    await conn.execute("update users set password_hash = $2 where username = $1", username, password_hash)


async def accounts(conn: asyncpg.Connection, username: str | None = None) -> list[asyncpg.Record]:
    """Accounts as the admin sees them (no password hash), with any current sign-in lock."""
    return await conn.fetch(
        """select u.username, u.role, u.department, u.display_name, u.active, u.created_at,
                  case when t.locked_until > now() then t.locked_until end as locked_until
           from users u left join lateral (select max(locked_until) as locked_until from login_throttle
                                           where username = lower(u.username)) t on true
           where $1::text is null or u.username = $1 order by u.username""", username)


async def create(conn: asyncpg.Connection, *, username: str, password_hash: str, role: str,
                 department: str | None, display_name: str, actor: str, actor_role: str = "admin") -> bool:
    """A new account (False if the username is taken). Audited as ``user.created``."""
    async with conn.transaction():
        created = await conn.fetchval(
            """insert into users (username, password_hash, role, department, display_name)
               values ($1, $2, $3, $4, $5) on conflict (username) do nothing returning true""",
            username, password_hash, role, department, display_name)
        if created:
            await audit.append(conn, audit.AuditEntry(actor, actor_role, "user.created", username,
                                                      {"role": role, "department": department}))
    return bool(created)


KEEP: Any = object()  # change(): leave the department as it is


async def change(conn: asyncpg.Connection, username: str, *, actor: str, role: str | None = None,
                 department: str | None = KEEP, active: bool | None = None,
                 display_name: str | None = None, actor_role: str = "admin") -> asyncpg.Record | None:
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
        await _audit_role_change(conn, actor, actor_role, username, before, new_role, new_dept)
        if before["active"] != new_active:
            await audit.append(conn, audit.AuditEntry(actor, actor_role, "user.activated" if new_active else
                                                      "user.deactivated", username, {}))
        if (before["role"], before["department"], before["active"]) != (new_role, new_dept, new_active):
            await sessions.delete_for_user(conn, username)
    return (await accounts(conn, username))[0]
