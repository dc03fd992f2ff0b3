"""Issue 17, "PostgreSQL trusts everyone and the app is superuser": the role the API and worker log in as
(kaiji_app, store/roles.py) cannot run OS commands, edit the record, or change the schema; the embedded
cluster asks every connection for a password."""

from __future__ import annotations

import stat

import asyncpg
import pytest

from kaiji import embedded
from store import roles
from tests.conftest import as_app_role

REFUSED = (asyncpg.InsufficientPrivilegeError, asyncpg.exceptions.ObjectNotInPrerequisiteStateError)


@pytest.fixture
async def app_conn(database_url: str, conn):
    await roles.apply(conn)  # as `kaiji migrate` does on each database (a clone of the template lacks its ACL)
    conn = await asyncpg.connect(as_app_role(database_url))
    yield conn
    await conn.close()


async def test_the_app_role_is_no_superuser(app_conn) -> None:
    row = await app_conn.fetchrow("select rolsuper, rolcreatedb, rolcreaterole, rolbypassrls, rolreplication "
                                  "from pg_roles where rolname = current_user")
    assert not any(row.values()), dict(row)


async def test_the_app_role_cannot_run_os_commands(app_conn) -> None:
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await app_conn.execute("create temp table _x (t text)")
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await app_conn.execute("copy users (username) from program 'id'")
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await app_conn.execute("copy users to '/tmp/kaiji-users.csv'")


@pytest.mark.parametrize("statement", [
    "update events set data = '{}'", "delete from events", "truncate events",
    "update audit_log set actor = 'mallory'", "delete from audit_log", "truncate audit_log",
    "update notices set party_id = null", "delete from notices", "truncate notices",
    "delete from published_reports", "update schema_migrations set name = name",
])
async def test_the_app_role_cannot_alter_the_record(app_conn, statement: str) -> None:
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await app_conn.execute(statement)


async def test_the_app_role_cannot_switch_the_guards_off_or_change_the_schema(app_conn) -> None:
    with pytest.raises(REFUSED):
        await app_conn.execute("set session_replication_role = replica")
    for ddl in ("create table stolen (x int)", "alter table events disable trigger all", "drop table audit_log",
                "create role mallory superuser", "alter role kaiji_app superuser",
                "create function f() returns int language sql as 'select 1'"):
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await app_conn.execute(ddl)


async def test_the_app_role_may_do_what_the_processes_do(app_conn) -> None:
    """Reads everywhere, appends to the record, edits the working tables."""
    await app_conn.execute("insert into audit_log (seq, at, actor, role, action, prev_hash, hash) "
                           "select 1, now(), 'x', 'admin', 'probe', '', '' where false")
    assert await app_conn.fetchval("select count(*) from events") == 0
    await app_conn.execute("update users set display_name = display_name where false")
    await app_conn.execute("delete from sessions where false")


async def test_pg_hba_refuses_connections_without_the_password(pg_server: str, services_dir) -> None:
    host = pg_server.split("@", 1)[1]
    for url in (f"postgresql://postgres@{host}/postgres", f"postgresql://postgres:wrong@{host}/postgres",
                f"postgresql://kaiji_app@{host}/postgres", f"postgresql://kaiji_app:wrong@{host}/postgres"):
        with pytest.raises((asyncpg.InvalidPasswordError, asyncpg.InvalidAuthorizationSpecificationError,
                            asyncpg.InterfaceError)):
            await asyncpg.connect(url, timeout=5)
    hba = (services_dir / "pgdata" / "pg_hba.conf").read_text()
    assert "trust" not in hba.replace("# ", "")
    secret = services_dir / "secrets" / embedded.OWNER_PASSWORD_FILE
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600


async def test_a_cluster_made_with_trust_is_switched_to_passwords() -> None:
    """A data folder from before issue 17 (``initdb --auth=trust``): `kaiji up` sets the superuser's password
    from the new 0600 file and reloads pg_hba with scram-sha-256."""
    import asyncio
    import os
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    from kaiji.processes import Supervisor, free_port

    data = Path(tempfile.mkdtemp(prefix="kaiji-trust-"))
    os.chmod(data, 0o755)
    sup = Supervisor(log_dir=data / "logs")
    try:
        pgdata = data / "pgdata"
        pgdata.mkdir()
        user = embedded._system_user()
        if user:
            import pwd

            pw = pwd.getpwnam(user)
            os.chown(pgdata, pw.pw_uid, pw.pw_gid)
        subprocess.run([  # noqa: ASYNC221 (test setup: one initdb)
                        str(embedded.postgres_bin() / "initdb"), "-D", str(pgdata), "-U", "postgres", "--auth=trust",
                        "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"],
                       check=True, user=user, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        assert embedded.trusts_everyone(data)
        port = free_port()
        embedded.start_postgres(sup, data, port)
        for _ in range(300):
            try:
                await (await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres", timeout=2)).close()
                break
            except (OSError, asyncpg.PostgresError):
                await asyncio.sleep(0.1)
        assert await embedded.secure_existing(data, port)
        assert not embedded.trusts_everyone(data)
        with pytest.raises((asyncpg.InvalidPasswordError, asyncpg.InvalidAuthorizationSpecificationError,
                            asyncpg.InterfaceError)):
            await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres", timeout=5)
        conn = await asyncpg.connect(embedded.owner_url(data, port), timeout=5)
        assert await conn.fetchval("select 1") == 1
        await conn.close()
        assert not await embedded.secure_existing(data, port)  # once only
    finally:
        sup.stop_all()
        shutil.rmtree(data, ignore_errors=True)
