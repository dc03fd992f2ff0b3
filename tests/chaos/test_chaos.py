"""Chaos (issue 17, `make chaos`, not in `make test`): 30 request lifecycles through a real `kaiji up` while
the worker is killed (-9) three times, then Temporal, then PostgreSQL.

Every case must reach its state (decided), with no duplicate events or notices; `kaiji audit verify` and
`kaiji projections rebuild --check` must pass; every 503 must come within the bound (plus slack), and
repeats with the same Idempotency-Key must never act twice.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import timedelta

import httpx
import psutil
import pytest

from domain import clock
from tests.integration.test_stack import Launcher, Up, _demo_users, _stop, _wait_ready, launcher  # noqa: F401

BOUND = 10.0  # KAIJI_ACTION_TIMEOUT_SECONDS of the chaos stack
SLACK = 3.0
LIFECYCLES = 30
GIVE_UP = 180.0  # seconds one call may keep retrying through an outage


class Client:
    def __init__(self, api: str) -> None:
        self.api = api
        self.outage_answers: list[tuple[str, float, str]] = []  # (path, seconds, outcome) of every 503
        self.http = httpx.Client(base_url=api, timeout=BOUND + 30)

    def call(self, path: str, *, json: dict | None = None, data: dict | None = None,
             headers: dict[str, str] | None = None, key: str | None = None) -> httpx.Response:
        """POST until a definite answer, as a careful client does: same Idempotency-Key on every repeat."""
        headers = dict(headers or {}) | ({"Idempotency-Key": key} if key else {})
        deadline = time.monotonic() + GIVE_UP
        while True:
            started = time.monotonic()
            try:
                r = self.http.post(path, json=json, data=data, headers=headers)
            except httpx.HTTPError:  # the API itself is restarting
                r = None
            took = time.monotonic() - started
            if r is not None and r.status_code == 503:
                outcome = (r.json()["error"].get("details") or {}).get("outcome", "")
                self.outage_answers.append((path, took, str(outcome)))
            elif r is not None and not (r.status_code == 409 and r.json()["error"]["code"] == "expired"):
                return r
            if time.monotonic() > deadline:
                pytest.fail(f"{path}: no definite answer within {GIVE_UP}s")
            time.sleep(min(2.0, float(r.headers.get("Retry-After", 1)) if r is not None else 0.5))


def _child(run: Up, match) -> psutil.Process:
    for p in psutil.Process(run.proc.pid).children():
        try:
            if match(p):
                return p
        except psutil.Error:
            continue
    raise AssertionError("no such child")


def _kill_group(p: psutil.Process) -> None:
    os.killpg(os.getpgid(p.pid), signal.SIGKILL)


def _worker(p: psutil.Process) -> bool:
    return p.cmdline()[-2:] == ["kaiji.cli", "worker"]


def _temporal(p: psutil.Process) -> bool:
    return "temporal" in p.name()


def _postgres(p: psutil.Process) -> bool:
    return p.name() == "postgres"


FAULTS = {5: ("worker", _worker), 10: ("worker", _worker), 15: ("worker", _worker),
          20: ("temporal", _temporal), 25: ("postgres", _postgres)}


def _kaiji(run: Up, *args: str) -> subprocess.CompletedProcess:
    # the embedded stack's own URLs (app role; the owner for `projections rebuild`), passwords from run.data
    env = {**os.environ, "KAIJI_PG_PORT": str(run.ports["KAIJI_PG_PORT"]), "KAIJI_DATA_DIR": str(run.data)}
    env.pop("KAIJI_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "kaiji.cli", *args], capture_output=True, text=True, env=env,
                          timeout=120)


def test_thirty_lifecycles_through_kills_of_worker_temporal_and_postgres(launcher: Launcher) -> None:  # noqa: F811
    run = launcher.start("--demo", env_extra={"KAIJI_ACTION_TIMEOUT_SECONDS": str(BOUND),
                                              "KAIJI_RESERVATION_GRACE_SECONDS": "20",
                                              "KAIJI_RECONCILE_EVERY_SECONDS": "5"})
    _wait_ready(run)
    users = _demo_users(run.stdout())
    client = Client(run.api)

    def sign_in(role: str) -> dict[str, str]:
        username, password = users[role]
        r = client.call("/api/v1/auth/token", data={"username": username, "password": password})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    front, reviewer, approver = sign_in("front_desk"), sign_in("reviewer"), sign_in("approver")
    disclosure_on = (clock.today() + timedelta(days=7)).isoformat()
    killed: list[str] = []
    case_ids: list[str] = []
    for i in range(LIFECYCLES):
        if i in FAULTS:  # strike while this lifecycle's calls are in flight
            name, match = FAULTS[i]
            victim = _child(run, match)
            threading.Timer(0.2, _kill_group, (victim,)).start()
            killed.append(name)
        run_key = uuid.uuid4().hex
        r = client.call("/api/v1/requests", headers=front, key=f"{run_key}-register", json={
            "kind": "public_records", "channel": "counter", "department": "toshi", "preferred_method": "copy",
            "requester": {"name": f"混沌 太郎{i}", "type": "individual", "address": "小金井市本町6-6-3"},
            "subject": f"障害試験 {i}"})
        assert r.status_code in (200, 201), r.text
        case_id = r.json()["id"]
        case_ids.append(case_id)
        r = client.call(f"/api/v1/requests/{case_id}/draft-decision", headers=reviewer, key=f"{run_key}-draft",
                        json={"outcome": "full", "documents": [{"title": "契約書", "disclosure": "full"}],
                              "disclosure_on": disclosure_on})
        assert r.status_code == 200, r.text
        r = client.call(f"/api/v1/requests/{case_id}/approve-decision", headers=approver, key=f"{run_key}-approve",
                        json={})
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "decided"
    assert killed == ["worker", "worker", "worker", "temporal", "postgres"]
    assert "restarting" in run.stderr()

    records = sign_in("records_officer")
    for case_id in case_ids:
        r = httpx.get(f"{run.api}/api/v1/requests/{case_id}/events", headers=records, timeout=30)
        assert r.status_code == 200, r.text
        types = Counter(e["type"] for e in r.json()["events"])
        assert types["RequestReceived"] == 1 and types["DecisionDrafted"] == 1 and types["DecisionApproved"] == 1, (
            case_id, types)
        case = httpx.get(f"{run.api}/api/v1/requests/{case_id}", headers=records, timeout=30).json()
        notices = Counter(n["type"] for n in case["notices"])
        assert case["status"] == "decided" and all(n == 1 for n in notices.values()), (case_id, notices)
    assert len(set(case_ids)) == LIFECYCLES
    slow = [a for a in client.outage_answers if a[1] > BOUND + SLACK]
    assert not slow, f"503s beyond the bound: {slow}"
    verify = _kaiji(run, "audit", "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    check = _kaiji(run, "projections", "rebuild", "--check")
    assert check.returncode == 0, check.stdout + check.stderr
    print(f"\nchaos: {LIFECYCLES} lifecycles, faults {killed}, {len(client.outage_answers)} outage answers "
          f"(max {max((a[1] for a in client.outage_answers), default=0):.1f}s), "
          f"outcomes {Counter(a[2] for a in client.outage_answers)}")
    _stop(run)
