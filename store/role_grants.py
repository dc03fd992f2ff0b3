"""Four-eyes role grants (migration 0020): proposals waiting for a second person, and their outcome."""

from __future__ import annotations

import asyncpg

from store import audit


async def propose(conn: asyncpg.Connection, *, username: str, role: str, department: str | None,
                  display_name: str, new_account: bool, password_hash: str | None, actor: str,
                  actor_role: str) -> asyncpg.Record | None:
    """A pending proposal (None if one is already open for ``username``). Audited ``role_grant.proposed``."""
    async with conn.transaction():
        row = await conn.fetchrow(
            """insert into role_grants (username, role, department, display_name, new_account, password_hash,
                                        proposed_by, proposed_role)
               values ($1, $2, $3, $4, $5, $6, $7, $8)
               on conflict (username) where state = 'pending' do nothing
               returning *""",
            username, role, department, display_name, new_account, password_hash, actor, actor_role)
        if row is not None:
            await audit.append(conn, audit.AuditEntry(actor, actor_role, "role_grant.proposed", username, {
                "grant": row["id"], "role": role, "department": department, "new_account": new_account}))
    return row


async def get(conn: asyncpg.Connection, grant_id: int, *, for_update: bool = False) -> asyncpg.Record | None:
    lock = " for update" if for_update else ""
    return await conn.fetchrow(f"select * from role_grants where id = $1{lock}", grant_id)


async def pending(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch("select * from role_grants where state = 'pending' order by id")


async def decide(conn: asyncpg.Connection, grant_id: int, state: str, actor: str, actor_role: str) -> None:
    """Close a proposal (``confirmed`` or ``withdrawn``), in the caller's transaction; audited."""
    row = await conn.fetchrow(
        """update role_grants set state = $2, decided_by = $3, decided_at = now(), password_hash = null
           where id = $1 and state = 'pending' returning username, role, proposed_by""", grant_id, state, actor)
    await audit.append(conn, audit.AuditEntry(actor, actor_role, f"role_grant.{state}", row["username"], {
        "grant": grant_id, "role": row["role"], "proposed_by": row["proposed_by"]}))
