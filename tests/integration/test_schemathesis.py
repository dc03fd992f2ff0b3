"""Schemathesis against the running API: a token per role, and anonymous; 0 failures of any check.

The app of the package's ``api`` fixture (real PostgreSQL, Temporal dev server and worker) is served
over real HTTP on 127.0.0.1 by uvicorn, as a task in this event loop (its pool and Temporal client
belong to this loop); the ``schemathesis`` CLI runs in subprocesses against that URL with every check
(``--checks all``: server errors, status codes, content types, headers, response schemas, negative
data rejection, positive data acceptance, ignored auth, unsupported methods, ...).

Two kinds of run, all at once:

* per role (and anonymous), every operation: the examples, fuzzing and stateful phases, bounded by
  ``MAX_EXAMPLES`` and a fixed seed, so each role meets the 401/403/404 answers it must get;
* the coverage phase (boundary values and each kind of invalid input; not bounded by
  ``--max-examples``) once per operation, as a role the authorisation matrix lets through and on a
  real object, so the input reaches validation and the handler instead of stopping at 403 or 404.
  Operations are spread over the roles and cut into chunks, one process each, to keep it short.

The objects are made first: requests (one decided, appealed and before a court), their notices. The
per-role runs use their ids as path parameters half of the time.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from api.authz import MATRIX
from tests.integration.conftest import STAFF, Api
from tests.integration.test_appeals import TWO_DOCUMENTS, decided, file

MAX_EXAMPLES = 5
SEED = 20250317
COVERAGE_CHUNK = 5  # operations per coverage process
PARALLEL = 12  # processes at once: a run sends one request at a time, so most of it is waiting
RUN_TIMEOUT = 300.0
ROLES = ("johokokai", "madoguchi", "shinsa", "kacho", "kankyo", "shingikai", "admin", "anonymous")
# Signing out would revoke the run's own token half-way; only the anonymous runs call it.
SIGN_OUT = "POST /api/v1/auth/logout"
# Schema-valid input can still break a rule the schema cannot state (a date in the future, a department
# code of the profile, a step the case is not ready for): that is a 422 with a reason, not a failure.
POSITIVE_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]
PATH_IDS = {"case_id": "requests", "request_id": "requests", "appeal_id": "appeals", "suit_id": "suits",
            "notice_id": "notices", "breach_id": "breaches"}


@dataclass
class Run:
    label: str
    who: str  # a username of tests/integration/conftest.py STAFF, or "anonymous"
    phases: str
    operations: list[str] | None = None  # operationIds; None: all
    refused: list[str] | None = None  # operationIds the role may not call: one example each is enough
    code: int = -1
    output: str = ""
    seconds: float = 0.0

    def summary(self) -> str:
        lines = [line.strip(" =") for line in self.output.splitlines() if line.startswith("====") and " in " in line]
        return (lines or ["(no summary line)"])[-1]


class _Server(uvicorn.Server):
    """uvicorn without its signal handlers: Ctrl-C stays pytest's."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _may(who: str, key: str) -> bool:
    grant = MATRIX[key]
    if who == "anonymous":
        return grant.public
    return key != SIGN_OUT and STAFF[who][0] in grant.roles


def plan(openapi: dict) -> list[Run]:
    """One run per role over every operation, then the coverage runs: each operation once, as a role
    allowed to call it (the operations with the fewest such roles placed first, on the least loaded)."""
    may = {
        operation["operationId"]: [who for who in ROLES if _may(who, f"{method.upper()} {path}")]
        for path, operations in openapi["paths"].items() for method, operation in operations.items()
    }
    runs = [Run(who, who, "examples,fuzzing,stateful", refused=[op for op, whom in may.items() if who not in whom])
            for who in ROLES]
    allowed = {op: whom or ["anonymous"] for op, whom in may.items()}
    owned: dict[str, list[str]] = {who: [] for who in ROLES}
    for op in sorted(allowed, key=lambda op: len(allowed[op])):
        owned[min(allowed[op], key=lambda who: len(owned[who]))].append(op)
    for who, ops in owned.items():
        for i in range(0, len(ops), COVERAGE_CHUNK):
            runs.append(Run(f"{who}/coverage{i // COVERAGE_CHUNK + 1}", who, "coverage", ops[i:i + COVERAGE_CHUNK]))
    return runs


def _config(path: Path, ids: dict[str, list[str]], refused: list[str] | None, fixed: dict[str, str] | None) -> Path:
    lines = ["[checks.positive_data_acceptance]", f"expected-statuses = {json.dumps(POSITIVE_STATUSES)}", ""]
    for name, values in ids.items():
        if values:
            lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values)}", ""]
    lines.append("[parameters]")
    if fixed:  # the coverage phase: the input around a real object
        lines += [f'"path.{param}" = {json.dumps(value)}' for param, value in fixed.items()]
    else:
        lines += [f'"path.{param}" = {{ dictionary = "{name}", probability = 0.5 }}'
                  for param, name in PATH_IDS.items() if ids.get(name)]
    if refused:
        lines += ["", "[[operations]]", f"include-operation-id = {json.dumps(refused)}", "generation.max-examples = 1"]
    path.write_text("\n".join(lines) + "\n")
    return path


async def _execute(run: Run, base_url: str, ids: dict[str, list[str]], cwd: Path, headers: dict[str, str],
                   fixed: dict[str, str] | None) -> None:
    config = _config(cwd / f"{run.label.replace('/', '-')}.toml", ids, run.refused, fixed)
    args = [
        "-m", "schemathesis.cli", "--config-file", str(config), "run", f"{base_url}/openapi.json",
        "--checks", "all", "--phases", run.phases, "--max-examples", str(MAX_EXAMPLES), "--seed", str(SEED),
        "--generation-database", "none", "--request-timeout", "60", "--no-color",
        # one worker: several threads in one process trip a thread-safety bug in hypothesis
        "--workers", "1",
    ]
    for name, value in headers.items():
        args += ["--header", f"{name}: {value}"]
    if run.operations is not None:
        args += ["--include-operation-id-regex", "^(" + "|".join(run.operations) + ")$"]
    elif run.who != "anonymous":
        args += ["--exclude-path", SIGN_OUT.split(" ", 1)[1]]
    started = time.monotonic()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, *args, cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, "NO_COLOR": "1", "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"},
    )
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), RUN_TIMEOUT)
        run.code = proc.returncode if proc.returncode is not None else -1
    except TimeoutError:
        proc.kill()
        out, _ = await proc.communicate()
        out += b"\n(timed out)"
    run.output, run.seconds = out.decode(errors="replace"), time.monotonic() - started


async def test_schemathesis_per_role(api: Api) -> None:
    assert api.app is not None
    toshi = await api.register()
    kankyo = await api.register(department="kankyo")
    request = await decided(api, TWO_DOCUMENTS)  # decided, appealed and before a court
    appeal = await file(api, request["id"])
    r = await api.http.post(f"/api/v1/requests/{request['id']}/suits", headers=api.as_("johokokai"),
                            json={"court": "東京地方裁判所", "case_number": "令和8年(行ウ)第1号"})
    assert r.status_code == 201, r.text
    breach = await api.http.post("/api/v1/breaches", headers=api.as_("shinsa"), json={
        "title": "通知の誤送付", "description": "別人に送付", "persons": 1, "sensitive": True})
    assert breach.status_code == 201, breach.text
    ids = {"breaches": [breach.json()["id"]], "requests": [toshi["id"], kankyo["id"], request["id"]],
           "appeals": [appeal["id"]],
           "suits": [r.json()["id"]], "notices": [n["id"] for n in toshi["notices"] + request["notices"]]}
    runs = plan(api.app.openapi())

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = _Server(uvicorn.Config(api.app, lifespan="off", log_level="warning", access_log=False,
                                    timeout_graceful_shutdown=5))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    started = time.monotonic()
    try:
        while not server.started:
            assert not serving.done(), "uvicorn stopped before it started"
            await asyncio.sleep(0.02)
        with tempfile.TemporaryDirectory(prefix="kaiji-st-") as tmp:
            gate = asyncio.Semaphore(PARALLEL)

            async def one(run: Run) -> None:
                async with gate:
                    headers = {} if run.who == "anonymous" else api.as_(run.who)
                    fixed = None if run.operations is None else {
                        "case_id": (kankyo if run.who == "kankyo" else toshi)["id"], "request_id": request["id"],
                        "appeal_id": appeal["id"], "suit_id": ids["suits"][0], "notice_id": ids["notices"][0],
                        "breach_id": ids["breaches"][0]}
                    await _execute(run, f"http://127.0.0.1:{port}", ids, Path(tmp), headers, fixed)

            await asyncio.gather(*(one(run) for run in runs))
    finally:
        server.should_exit = True
        await serving
        sock.close()
    print(f"\nschemathesis: {len(runs)} runs, at most {MAX_EXAMPLES} examples per operation and phase, "
          f"seed {SEED}, {time.monotonic() - started:.0f} s")
    for run in runs:
        scope = f"{len(run.operations)} operations" if run.operations is not None else "all operations"
        print(f"  {run.label:<22} {run.phases:<26} {scope:<15} exit {run.code}  {run.seconds:5.1f} s  {run.summary()}")
    failed = [run for run in runs if run.code != 0]
    assert not failed, "\n\n".join(f"===== schemathesis: {run.label} ({run.phases}) =====\n{run.output}"
                                   for run in failed)
