"""Child processes of `kaiji up`: started in order, stopped in reverse, none left behind."""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import time
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


@dataclass
class Supervisor:
    log_dir: Path
    children: list[Child] = field(default_factory=list)

    def start(self, name: str, argv: list[str], *, env: dict[str, str] | None = None, user: str | None = None,
              to_terminal: bool = False, stop_signal: int = signal.SIGTERM, cwd: Path | None = None) -> Child:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        out = None if to_terminal else open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115
        process = subprocess.Popen(
            argv, env=env, user=user, stdout=out, stderr=subprocess.STDOUT if out else None,
            stdin=subprocess.DEVNULL, start_new_session=True, preexec_fn=_die_with_parent, cwd=cwd,
        )
        if out:
            out.close()
        child = Child(name, process, stop_signal)
        self.children.append(child)
        return child

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
