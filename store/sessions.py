"""Browser sessions (opaque id in an HttpOnly cookie, stored hashed) and revoked bearer tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg


@dataclass(frozen=True)
class SessionUser:
    username: str
    role: str
    department: str | None
    expires_at: datetime


def hash_id(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


async def create(conn: asyncpg.Connection, username: str, ttl: timedelta,
                 generation: int = 0) -> tuple[str, datetime]:
    """A new session for ``username``; returns (session id for the cookie, expiry)."""
    session_id = secrets.token_urlsafe(32)
    expires_at = datetime.now(UTC) + ttl
    await conn.execute("delete from sessions where expires_at < now()")
    await conn.execute("insert into sessions (id_hash, username, expires_at, credential_generation) "
                       "values ($1, $2, $3, $4)", hash_id(session_id), username, expires_at, generation)
    return session_id, expires_at


async def lookup(conn: asyncpg.Connection, session_id: str) -> SessionUser | None:
    """The live session's user (current role and department), or None if unknown, expired or inactive."""
    r = await conn.fetchrow(
        """select u.username, u.role, u.department, s.expires_at from sessions s join users u using (username)
           where s.id_hash = $1 and s.expires_at > now() and u.active
                 and u.credential_generation = s.credential_generation""",
        hash_id(session_id),
    )
    return None if r is None else SessionUser(r["username"], r["role"], r["department"], r["expires_at"])


async def delete(conn: asyncpg.Connection, session_id: str) -> bool:
    return await conn.fetchval("delete from sessions where id_hash = $1 returning true", hash_id(session_id)) or False


async def delete_for_user(conn: asyncpg.Connection, username: str) -> int:
    """End every session of a user (password reset, deactivation, role change)."""
    return len(await conn.fetch("delete from sessions where username = $1 returning 1", username))


async def revoke_token(conn: asyncpg.Connection, jti: str, username: str, expires_at: datetime) -> None:
    await conn.execute("delete from revoked_tokens where expires_at < now()")
    await conn.execute(
        "insert into revoked_tokens (jti, username, expires_at) values ($1, $2, $3) on conflict (jti) do nothing",
        jti, username, expires_at,
    )


@dataclass(frozen=True)
class TokenHolder:
    revoked: bool
    active: bool
    generation: int | None


async def token_holder(conn: asyncpg.Connection, jti: str, username: str) -> TokenHolder:
    """Whether a bearer token was signed out, and its user's *current* account (active, credential generation)."""
    r = await conn.fetchrow(
        """select exists(select 1 from revoked_tokens where jti = $1) as revoked, u.active, u.credential_generation
           from (select 1) one left join users u on u.username = $2""", jti, username)
    return TokenHolder(r["revoked"], bool(r["active"]), r["credential_generation"])
