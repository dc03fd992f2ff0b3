"""Ordered ``.sql`` migrations, recorded in ``schema_migrations``; idempotent."""

from __future__ import annotations

from importlib import resources

import asyncpg

from store import roles

# One fixed advisory-lock key so two processes migrating at once take turns.
_MIGRATION_LOCK = 0x4B41494A49  # "KAIJI"


def migration_files() -> list[tuple[str, str]]:
    """(name, sql) of every migration, in filename order."""
    folder = resources.files("store") / "migrations"
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".sql"))
    return [(n, (folder / n).read_text(encoding="utf-8")) for n in names]


async def migrate(conn: asyncpg.Connection) -> list[str]:
    """Apply the migrations not yet recorded; return the names applied now."""
    applied_now: list[str] = []
    async with conn.transaction():
        await conn.execute("select pg_advisory_xact_lock($1)", _MIGRATION_LOCK)
        await conn.execute(
            "create table if not exists schema_migrations ("
            " name text primary key, applied_at timestamptz not null default now())"
        )
        done = {r["name"] for r in await conn.fetch("select name from schema_migrations")}
        for name, sql in migration_files():
            if name in done:
                continue
            await conn.execute(sql)
            await conn.execute("insert into schema_migrations (name) values ($1)", name)
            applied_now.append(name)
        await roles.apply(conn)  # the app role's privileges, over every table there is now
    return applied_now
