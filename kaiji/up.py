"""`kaiji up`: the whole stack on one machine, stopped cleanly by Ctrl-C or SIGTERM."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
import time
from dataclasses import dataclass

import asyncpg
import httpx
from temporalio.client import Client

from kaiji import embedded
from kaiji.processes import PortInUse, RestartPolicy, Supervisor, ensure_port_free
from kaiji.settings import Settings
from store import roles
from store.db import ensure_database
from store.migrate import migrate


class StartupFailed(RuntimeError):
    pass


@dataclass
class Stack:
    settings: Settings
    supervisor: Supervisor

    @property
    def api_url(self) -> str:
        return f"http://{self.settings.api_host}:{self.settings.api_port}"

    @property
    def ui_url(self) -> str | None:
        if not self.settings.embedded:
            return None
        return f"http://127.0.0.1:{self.settings.temporal_ui_port}"


async def _wait(check, what: str, sup: Supervisor, within: float = 60) -> None:
    deadline = time.monotonic() + within
    while True:
        dead = sup.failed()
        if dead is not None:
            raise StartupFailed(f"{dead.name} exited with code {dead.process.returncode}; "
                                f"see {sup.log_dir / (dead.name + '.log')}")
        try:
            if await check():
                return
        except Exception:  # not up yet
            pass
        if time.monotonic() > deadline:
            raise StartupFailed(f"{what} did not become ready within {within:.0f}s")
        await asyncio.sleep(0.2)


def codec_endpoint(settings: Settings) -> str:
    """Where the Temporal UI (in the staff member's browser) asks the API to decrypt payloads."""
    host = settings.api_host if settings.api_host not in ("0.0.0.0", "::", "") else "127.0.0.1"
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{settings.api_port}/api/v1/temporal-codec"


def _check_ports(settings: Settings) -> None:
    ports = [(settings.api_host, settings.api_port, "KAIJI_API_PORT")]
    if settings.embedded:
        ports += [("127.0.0.1", settings.pg_port, "KAIJI_PG_PORT"),
                  ("127.0.0.1", settings.temporal_port, "KAIJI_TEMPORAL_PORT"),
                  ("127.0.0.1", settings.temporal_ui_port, "KAIJI_TEMPORAL_UI_PORT")]
    for host, port, name in ports:
        ensure_port_free(host, port, name)


async def start_stack(settings: Settings, *, reset: bool = False) -> Stack:
    data = settings.data_path
    _check_ports(settings)  # before --reset: a busy port (maybe a running stack) must not cost the data
    if reset and data.exists():
        shutil.rmtree(data)
    data.mkdir(parents=True, exist_ok=True)
    sup = Supervisor(log_dir=data / "logs")
    env = dict(os.environ)
    try:
        if settings.database_url is None:
            embedded.start_postgres(sup, data, settings.pg_port, restartable=True)
            upgrade = embedded.trusts_everyone(data)  # a cluster from before password authentication
            admin = (f"postgresql://{embedded.OWNER}@127.0.0.1:{settings.pg_port}/postgres" if upgrade
                     else settings.embedded_owner_url("postgres"))

            async def pg_ready() -> bool:
                conn = await asyncpg.connect(admin, timeout=2)
                await conn.close()
                return True

            await _wait(pg_ready, "PostgreSQL", sup)
            if await embedded.secure_existing(data, settings.pg_port):
                print("kaiji: PostgreSQL now asks for passwords (scram-sha-256); they are in "
                      f"{data / 'secrets'}", file=sys.stderr)
            await ensure_database(settings.embedded_owner_url())
            env["KAIJI_DATABASE_URL"] = settings.embedded_database_url()
        if settings.temporal_address is None:
            embedded.start_temporal(sup, data, settings.temporal_port, settings.temporal_ui_port,
                                    codec_endpoint=codec_endpoint(settings), restartable=True)
            address = settings.effective_temporal_address()

            async def temporal_ready() -> bool:
                client = await Client.connect(address)
                return await client.service_client.check_health()

            await _wait(temporal_ready, "Temporal", sup)
            env["KAIJI_TEMPORAL_ADDRESS"] = address
        conn = await asyncpg.connect(settings.effective_migrate_url())
        try:
            await migrate(conn)
            if settings.database_url is None:  # the embedded app role logs in with its generated password
                await roles.set_password(conn, embedded.app_password(data))
        finally:
            await conn.close()
        env["KAIJI_DATA_DIR"] = str(data)
        py = sys.executable
        # Every child is restarted with backoff if it dies (run_until_stopped): worker, API, and the embedded
        # PostgreSQL (its stale pid file cleared first) and Temporal dev server (state in temporal.db).
        sup.start("worker", [py, "-m", "kaiji.cli", "worker"], env=env, to_terminal=True, restartable=True)
        sup.start("api", [py, "-m", "kaiji.cli", "api"], env=env, to_terminal=True, stop_signal=signal.SIGINT,
                  restartable=True)
        stack = Stack(settings, sup)

        async def api_ready() -> bool:
            async with httpx.AsyncClient(timeout=2) as http:
                return (await http.get(stack.api_url + "/readyz")).status_code == 200

        await _wait(api_ready, "the API", sup)
        return stack
    except BaseException:
        sup.stop_all()
        raise


def run_until_stopped(stack: Stack) -> int:
    """Block until Ctrl-C / SIGTERM, or until a child the stack cannot do without dies (PostgreSQL, Temporal,
    or a worker or API that keeps dying: more than KAIJI_RESTART_LIMIT times within
    KAIJI_RESTART_WINDOW_SECONDS); then stop everything. Returns the exit code."""
    stop = {"signal": None}

    def on_signal(signum: int, _frame: object) -> None:
        stop["signal"] = signum

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    code = 0
    policy = RestartPolicy(limit=stack.settings.restart_limit, window=stack.settings.restart_window_seconds)
    while stop["signal"] is None:
        dead = stack.supervisor.tend(policy)  # restarts a dead worker or API after its backoff
        if dead is not None:
            print(f"kaiji: {dead.name} stopped unexpectedly (exit {dead.process.returncode}); stopping the stack",
                  file=sys.stderr)
            code = 1
            break
        time.sleep(0.2)
    print("kaiji: stopping…", file=sys.stderr)
    stack.supervisor.stop_all()
    print("kaiji: stopped", file=sys.stderr)
    return code


__all__ = ["PortInUse", "Stack", "StartupFailed", "run_until_stopped", "start_stack"]
