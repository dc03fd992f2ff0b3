"""The proof of issue 16 (`make proof`, not in `make test`): Kaiji beyond one machine, on this machine.

One PostgreSQL and one Temporal dev server; two `kaiji api` and two `kaiji worker` processes started with
production settings (KAIJI_DATABASE_URL + KAIJI_TEMPORAL_ADDRESS, secrets from the environment, each with a
data folder of its own: nothing embedded, nothing shared but the services). 50 request lifecycles
(register → draft → approve) go through both APIs, four at a time; one worker and one API are killed (-9)
while calls are in flight. A careful client repeats with the same Idempotency-Key, on the other API when
its API is gone.

Checks: every case is decided; no duplicate event or notice; a sign-in lockout earned on one API holds on
the other; `kaiji audit verify` and `kaiji projections rebuild --check` pass.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import asyncpg
import httpx
import pytest

from domain import clock
from kaiji import embedded
from kaiji.processes import Child, Supervisor, free_port
from kaiji.security.fields import generate_search_key_spec
from kaiji.security.keys import generate_key_spec
from store import roles

LIFECYCLES = 50
PARALLEL = 4
KILL_WORKER_AT, KILL_API_AT = 15, 30
GIVE_UP = 180.0
PASSWORD = "proof-password-2026"
STAFF = {"madoguchi": ("front_desk", None), "shinsa": ("reviewer", "toshi"), "kacho": ("approver", "toshi"),
         "johokokai": ("records_officer", None), "lockme": ("front_desk", None)}


@dataclass
class Stack:
    env: dict[str, str]
    apis: list[str]
    api_children: list[Child]
    worker_children: list[Child]
    logs: Path


def _wait(what: str, ok, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if ok():
                return
        except Exception:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{what} did not come up within {timeout}s")


APP_PASSWORD = uuid.uuid4().hex


async def _set_app_password(owner_dsn: str) -> None:
    conn = await asyncpg.connect(owner_dsn)
    try:
        await roles.set_password(conn, APP_PASSWORD)
    finally:
        await conn.close()


def kaiji(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kaiji.cli", *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=180)


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    folder = Path(tempfile.mkdtemp(prefix="kaiji-proof-"))
    os.chmod(folder, 0o755)
    sup = Supervisor(log_dir=folder / "logs")
    try:
        pg_port, t_port, t_ui = free_port(), free_port(), free_port()
        embedded.start_postgres(sup, folder / "pg", pg_port)
        embedded.start_temporal(sup, folder / "temporal", t_port, t_ui)
        base = {k: v for k, v in os.environ.items() if not k.startswith("KAIJI_")}
        env = base | {
            # production shape: migrations as the owner, API and worker as the least-privilege kaiji_app
            "KAIJI_MIGRATE_DATABASE_URL": embedded.owner_url(folder / "pg", pg_port, "kaiji"),
            "KAIJI_DATABASE_URL": f"postgresql://kaiji_app:{APP_PASSWORD}@127.0.0.1:{pg_port}/kaiji",
            "KAIJI_SEAL_KEY": uuid.uuid4().hex + uuid.uuid4().hex,  # one seal key for every API and worker
            "KAIJI_TEMPORAL_ADDRESS": f"127.0.0.1:{t_port}",
            "KAIJI_TEMPORAL_NAMESPACE": "default",
            "KAIJI_TASK_QUEUE": "proof",
            "KAIJI_ENCRYPTION_KEYS": generate_key_spec("proof1"),
            "KAIJI_SEARCH_KEY": generate_search_key_spec(),
            "KAIJI_TOKEN_SECRET": uuid.uuid4().hex + uuid.uuid4().hex,
            "KAIJI_DATABASE_POOL_SIZE": "8",
            "KAIJI_LOG_FORMAT": "json",
            "KAIJI_ACTION_TIMEOUT_SECONDS": "10",
            "KAIJI_RESERVATION_GRACE_SECONDS": "20",
            "KAIJI_RECONCILE_EVERY_SECONDS": "5",
            "KAIJI_REGISTRATION_RATE_LIMIT": "0",  # 50 registrations by one clerk in a minute or two
        }
        pg = embedded.postgres_bin()
        _wait("PostgreSQL", lambda: subprocess.run([str(pg / "pg_isready"), "-h", "127.0.0.1", "-p", str(pg_port)],
                                                   capture_output=True).returncode == 0)
        subprocess.run([str(pg / "createdb"), "-h", "127.0.0.1", "-p", str(pg_port), "-U", "postgres", "kaiji"],
                       check=True, capture_output=True,
                       env=os.environ | {"PGPASSWORD": embedded.owner_password(folder / "pg")})
        migrated = kaiji(env, "migrate")
        assert migrated.returncode == 0, migrated.stderr
        asyncio.run(_set_app_password(env["KAIJI_MIGRATE_DATABASE_URL"]))  # what an operator does once
        for name, (role, dept) in STAFF.items():
            r = kaiji(env, "user", "add", name, "--role", role, *(["--department", dept] if dept else []),
                      stdin=PASSWORD + "\n")
            assert r.returncode == 0, r.stderr
        workers = [sup.start(f"worker-{n}", [sys.executable, "-m", "kaiji.cli", "worker"],
                             env=env | {"KAIJI_DATA_DIR": str(folder / f"worker-{n}")}) for n in (1, 2)]
        apis, api_children = [], []
        for n in (1, 2):
            port = free_port()
            api_children.append(sup.start(f"api-{n}", [sys.executable, "-m", "kaiji.cli", "api"],
                                          env=env | {"KAIJI_API_PORT": str(port),
                                                     "KAIJI_DATA_DIR": str(folder / f"api-{n}")}))
            apis.append(f"http://127.0.0.1:{port}")
        for url in apis:
            _wait(url, lambda url=url: httpx.get(f"{url}/readyz", timeout=5).status_code == 200)
        yield Stack(env, apis, api_children, workers, folder / "logs")
    finally:
        sup.stop_all()


class Caller:
    """POSTs until a definite answer, with the same Idempotency-Key on every repeat, failing over to the
    other API when the preferred one does not answer (killed)."""

    def __init__(self, apis: list[str], prefer: int) -> None:
        self.apis, self.prefer = apis, prefer
        self.http = httpx.Client(timeout=40)
        self.failovers = 0

    def post(self, path: str, *, headers: dict[str, str], key: str | None = None, **kw) -> httpx.Response:
        headers = headers | ({"Idempotency-Key": key} if key else {})
        deadline = time.monotonic() + GIVE_UP
        while True:
            url = self.apis[self.prefer]
            try:
                r = self.http.post(url + path, headers=headers, **kw)
            except httpx.HTTPError:
                self.prefer, self.failovers = 1 - self.prefer, self.failovers + 1
                r = None
            if r is not None and r.status_code != 503 and not (
                    r.status_code == 409 and r.json()["error"]["code"] == "expired"):
                return r
            if time.monotonic() > deadline:
                pytest.fail(f"{path}: no definite answer within {GIVE_UP}s")
            time.sleep(min(2.0, float(r.headers.get("Retry-After", 1))) if r is not None else 0.2)


def sign_in(url: str, username: str, password: str = PASSWORD) -> httpx.Response:
    return httpx.post(f"{url}/api/v1/auth/token", data={"username": username, "password": password}, timeout=30)


def bearer(url: str, username: str) -> dict[str, str]:
    r = sign_in(url, username)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_fifty_lifecycles_on_two_apis_and_two_workers_through_kills(stack: Stack) -> None:
    started = time.monotonic()
    api1, api2 = stack.apis
    # A lockout earned on one API holds on the other (login_throttle in PostgreSQL).
    for n in range(5):
        r = sign_in(stack.apis[n % 2], "lockme", "wrong-password-123")
        assert r.status_code == 401, r.text
    for url in (api1, api2):
        r = sign_in(url, "lockme")  # even the right password
        assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0, r.text

    # A token from one API is good on the other (one KAIJI_TOKEN_SECRET).
    tokens = {name: bearer(api1 if i % 2 else api2, name) for i, name in enumerate(("madoguchi", "shinsa", "kacho"))}
    disclosure_on = (clock.today() + timedelta(days=7)).isoformat()
    killed: list[str] = []
    lock = threading.Lock()

    def kill(child: Child, name: str) -> None:
        os.killpg(os.getpgid(child.process.pid), signal.SIGKILL)
        with lock:
            killed.append(name)

    def lifecycle(i: int) -> tuple[str, int]:
        if i == KILL_WORKER_AT:
            threading.Timer(0.2, kill, (stack.worker_children[0], "worker-1")).start()
        if i == KILL_API_AT:
            threading.Timer(0.2, kill, (stack.api_children[1], "api-2")).start()
        caller, run = Caller(stack.apis, i % 2), uuid.uuid4().hex
        try:
            r = caller.post("/api/v1/requests", headers=tokens["madoguchi"], key=f"{run}-register", json={
                "kind": "public_records", "channel": "counter", "department": "toshi", "preferred_method": "copy",
                "requester": {"name": f"証明 花子{i}", "type": "individual", "address": "小金井市本町6-6-3"},
                "subject": f"複数台の証明 {i}"})
            assert r.status_code in (200, 201), r.text
            case_id = r.json()["id"]
            caller.prefer = 1 - caller.prefer  # the next step through the other API
            r = caller.post(f"/api/v1/requests/{case_id}/draft-decision", headers=tokens["shinsa"],
                            key=f"{run}-draft", json={"outcome": "full", "disclosure_on": disclosure_on,
                                                      "documents": [{"title": "契約書", "disclosure": "full"}]})
            assert r.status_code == 200, r.text
            caller.prefer = 1 - caller.prefer
            r = caller.post(f"/api/v1/requests/{case_id}/approve-decision", headers=tokens["kacho"],
                            key=f"{run}-approve", json={})
            assert r.status_code == 200 and r.json()["status"] == "decided", r.text
            return case_id, caller.failovers
        finally:
            caller.http.close()

    with ThreadPoolExecutor(PARALLEL) as pool:
        results = list(pool.map(lifecycle, range(LIFECYCLES)))
    driven = time.monotonic() - started
    case_ids = [c for c, _ in results]
    assert sorted(killed) == ["api-2", "worker-1"]
    assert stack.api_children[1].process.poll() is not None and stack.worker_children[0].process.poll() is not None
    assert len(set(case_ids)) == LIFECYCLES

    records = bearer(api1, "johokokai")
    for case_id in case_ids:
        r = httpx.get(f"{api1}/api/v1/requests/{case_id}/events", headers=records, timeout=30)
        assert r.status_code == 200, r.text
        types = Counter(e["type"] for e in r.json()["events"])
        assert types["RequestReceived"] == 1 and types["DecisionDrafted"] == 1 and types["DecisionApproved"] == 1, (
            case_id, types)
        case = httpx.get(f"{api1}/api/v1/requests/{case_id}", headers=records, timeout=30).json()
        notices = Counter(n["type"] for n in case["notices"])
        assert case["status"] == "decided" and notices and all(n == 1 for n in notices.values()), (case_id, notices)
    # and across the whole database, not only through the API's eyes
    dupes = subprocess.run(
        [str(embedded.postgres_bin() / "psql"), stack.env["KAIJI_DATABASE_URL"], "-At", "-c",
         "select count(*) from (select case_id, notice_type from notices group by 1, 2 having count(*) > 1) d"],
        capture_output=True, text=True, timeout=30)
    assert dupes.returncode == 0 and dupes.stdout.strip() == "0", dupes.stdout + dupes.stderr
    r = httpx.get(f"{api1}/readyz", timeout=10)
    assert r.status_code == 200, r.text  # the surviving worker polls the task queue

    verify = kaiji(stack.env, "audit", "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    check = kaiji(stack.env, "projections", "rebuild", "--check")
    assert check.returncode == 0, check.stdout + check.stderr
    print(f"\nproof: {LIFECYCLES} lifecycles ({PARALLEL} at a time) through 2 APIs and 2 workers in {driven:.1f}s, "
          f"killed {sorted(killed)}, {sum(f for _, f in results)} failover(s); {verify.stdout.strip()}")
