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
    failed_logins: int
    locked_until: datetime | None


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
                r["active"], r["failed_logins"], r["locked_until"])


async def record_login(conn: asyncpg.Connection, username: str, *, ok: bool, lock_after: int,
                       lock_until: datetime) -> int:
    """Count failures; lock the account after ``lock_after`` in a row. Returns the failure count."""
    if ok:
        await conn.execute("update users set failed_logins = 0, locked_until = null where username = $1", username)
        return 0
    return await conn.fetchval(
        """update users set failed_logins = failed_logins + 1,
               locked_until = case when failed_logins + 1 >= $2 then $3 else locked_until end
           where username = $1 returning failed_logins""",
        username, lock_after, lock_until,
    ) or 0


async def set_password_hash(conn: asyncpg.Connection, username: str, password_hash: str) -> None:
    await conn.execute("update users set password_hash = $2 where username = $1", username, password_hash)
