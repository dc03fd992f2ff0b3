"""The least-privilege role ``kaiji_app`` (issue 17): what the API and the worker may do, nothing more.

Migrations, ``projections rebuild`` (a scratch schema) and ``keys rotate`` (rewrites notice ciphertext)
run as the schema owner (``KAIJI_MIGRATE_DATABASE_URL``); the API and the worker connect as ``kaiji_app``:

- no superuser, no CREATEDB/CREATEROLE (migration 0017): no ``COPY … FROM PROGRAM``, no
  ``session_replication_role`` (which would switch the append-only triggers off), no new roles;
- no CREATE on any schema (PostgreSQL 15+ default, revoked from PUBLIC here too), no TEMPORARY: no DDL;
- SELECT/INSERT/UPDATE/DELETE on the tables of ``public``, USAGE on their sequences, except the append-only
  ones (events, audit_log, notices, published_reports): SELECT and INSERT only, so a refused UPDATE is a
  privilege error before the trigger even runs; ``schema_migrations`` read-only.

`apply` runs at the end of every ``migrate`` (idempotent), after whatever tables the migrations created.
"""

from __future__ import annotations

import asyncpg

APP_ROLE = "kaiji_app"
APPEND_ONLY = ("events", "audit_log", "notices", "published_reports")

GRANTS = f"""
revoke create on schema public from public;
revoke all on all tables in schema public from public;
grant usage on schema public to {APP_ROLE};
grant select, insert, update, delete on all tables in schema public to {APP_ROLE};
revoke truncate, references, trigger on all tables in schema public from {APP_ROLE};
grant usage, select on all sequences in schema public to {APP_ROLE};
revoke insert, update, delete on schema_migrations from {APP_ROLE};
do $$ begin
    execute format('revoke temporary on database %I from public', current_database());
end $$;
"""


async def apply(conn: asyncpg.Connection) -> None:
    """Grant ``kaiji_app`` what the processes use (see the module's docstring)."""
    await conn.execute(GRANTS)
    present = {r["relname"] for r in await conn.fetch(
        "select relname from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r'")}
    for table in APPEND_ONLY:
        if table in present:
            await conn.execute(f"revoke update, delete, truncate on {table} from {APP_ROLE}")


async def set_password(conn: asyncpg.Connection, password: str) -> None:
    """Set ``kaiji_app``'s password (stored as a SCRAM verifier; the embedded stack's comes from a 0600 file)."""
    sql = await conn.fetchval("select format('alter role %I password %L', $1::text, $2::text)", APP_ROLE, password)
    await conn.execute(sql)
