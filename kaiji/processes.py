"""Child processes of `kaiji up`: started in order, stopped in reverse, none left behind."""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM if `kaiji up` itself dies (even by SIGKILL): no orphans."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


class PortInUse(RuntimeError):
    pass


def ensure_port_free(host: str, port: int, setting: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            raise PortInUse(f"port {port} on {host} is already in use (set {setting} to another port)") from None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Child:
    name: str
    process: subprocess.Popen
    stop_signal: int = signal.SIGTERM
    spawn: Callable[[], subprocess.Popen] | None = None  # starts the same command again
    restartable: bool = False
    deaths: deque[float] = field(default_factory=deque)  # monotonic times of recent unexpected exits
    restart_at: float | None = None


@dataclass(frozen=True)
class RestartPolicy:
    """Restart with exponential backoff; give up after more than ``limit`` deaths within ``window`` s."""

    limit: int = 5
    window: float = 60.0
    base_delay: float = 0.5
    max_delay: float = 10.0

    def next_delay(self, deaths: deque[float], now: float) -> float | None:
        deaths.append(now)
        while deaths and deaths[0] < now - self.window:
            deaths.popleft()
        if len(deaths) > self.limit:
            return None
        return min(self.max_delay, self.base_delay * 2 ** (len(deaths) - 1))


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Supervisor:
    log_dir: Path
    children: list[Child] = field(default_factory=list)
    notify: Callable[[str], None] = _say

    def start(self, name: str, argv: list[str], *, env: dict[str, str] | None = None, user: str | None = None,
              to_terminal: bool = False, stop_signal: int = signal.SIGTERM, cwd: Path | None = None,
              restartable: bool = False, prepare: Callable[[], None] | None = None) -> Child:
        """Start ``argv``; ``prepare`` runs before each start (e.g. clear a dead server's pid file)."""
        self.log_dir.mkdir(parents=True, exist_ok=True)

        def spawn() -> subprocess.Popen:
            if prepare is not None:
                prepare()
            out = None if to_terminal else open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115
            process = subprocess.Popen(
                argv, env=env, user=user, stdout=out, stderr=subprocess.STDOUT if out else None,
                stdin=subprocess.DEVNULL, start_new_session=True, preexec_fn=_die_with_parent, cwd=cwd,
            )
            if out:
                out.close()
            return process

        child = Child(name, spawn(), stop_signal, spawn=spawn, restartable=restartable)
        self.children.append(child)
        return child

    def tend(self, policy: RestartPolicy, now: float | None = None) -> Child | None:
        """Restart the restartable children that died, each after its backoff; return the first child the
        stack cannot do without (not restartable, or dead too often within the window), else None."""
        now = time.monotonic() if now is None else now
        for child in self.children:
            if child.process.poll() is None:
                continue
            if not child.restartable or child.spawn is None:
                return child
            if child.restart_at is None:
                delay = policy.next_delay(child.deaths, now)
                if delay is None:
                    self.notify(f"kaiji: {child.name} exited (code {child.process.returncode}) "
                                f"{len(child.deaths)} times within {policy.window:.0f}s; giving up")
                    return child
                child.restart_at = now + delay
                self.notify(f"kaiji: {child.name} exited unexpectedly (code {child.process.returncode}); "
                            f"restarting in {delay:.1f}s ({len(child.deaths)}/{policy.limit} within "
                            f"{policy.window:.0f}s)")
            elif now >= child.restart_at:
                child.restart_at = None
                try:
                    child.process = child.spawn()
                except Exception as exc:  # counts as one more death: the next pass backs off further
                    self.notify(f"kaiji: {child.name} could not be restarted: {exc}")
                    continue
                self.notify(f"kaiji: {child.name} restarted (pid {child.process.pid})")
        return None

    def failed(self) -> Child | None:
        return next((c for c in self.children if c.process.poll() is not None), None)

    def stop_all(self, timeout: float = 20.0) -> None:
        """Stop children newest first (API, worker, Temporal, PostgreSQL); kill what will not stop."""
        for child in reversed(self.children):
            if child.process.poll() is None:
                try:
                    child.process.send_signal(child.stop_signal)
                except ProcessLookupError:
                    pass
            deadline = time.monotonic() + timeout
            while child.process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            if child.process.poll() is None:
                os.killpg(child.process.pid, signal.SIGKILL)
                child.process.wait()
        self.children.clear()
