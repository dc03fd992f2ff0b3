"""Intake benchmark (run on demand, not part of `make test`).

    .venv/bin/python bench/intake.py --n 200 --concurrency 20

Starts the whole stack with `kaiji up --demo` (embedded PostgreSQL, Temporal dev server,
worker, API) on free ports in a temporary data folder, then:

1. registers N requests concurrently through the HTTP API (front desk);
2. drives every case to a decision: `draft-decision` (reviewer), then `approve-decision` (approver);
3. measures, in the same run and against the same embedded services, the raw figures of
   the machine: a bare Temporal start-and-complete of a trivial workflow (one trivial
   activity, own task queue, in-process worker) and a bare asyncpg single-row insert;

and prints throughput, p50/p99 latencies and the ratios Kaiji / raw, plus where the time goes:
CPU per operation of each process (Temporal, PostgreSQL, worker, API, this load generator;
CPU used meanwhile by other processes on the machine is reported, so a noisy run shows) and
activity timings read back from the Temporal histories of a sample of the cases.

The registration rate limit is switched off for the run (KAIJI_REGISTRATION_RATE_LIMIT=0).
The stack is always stopped with SIGTERM at the end. Linux only (/proc, PR_SET_PDEATHSIG).
See docs/performance.md for figures and interpretation; `make bench` runs the defaults.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
import psutil
from temporalio import activity, workflow
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.worker import Worker

from domain.clock import jst_date
from kaiji.demo import DEMO_USERS
from kaiji.processes import _die_with_parent, free_port

READY_LINE = "Press Ctrl-C to stop."  # printed by `kaiji up` once the stack runs and the demo data exists
START_TIMEOUT = 240.0
STOP_TIMEOUT = 60.0
HTTP_TIMEOUT = 120.0


# --------------------------------------------------------------------------- measurement


@dataclass
class Phase:
    name: str
    unit: str
    n: int = 0
    wall: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds per component during the phase

    @property
    def ok(self) -> int:
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        return self.ok / self.wall if self.wall > 0 else 0.0

    def pct(self, p: int) -> float:
        if not self.latencies:
            return float("nan")
        if len(self.latencies) == 1:
            return self.latencies[0]
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1]


class CpuProbe:
    """CPU seconds (user + system) used so far by each process of the stack and by this benchmark."""

    def __init__(self, root_pid: int) -> None:
        self.root = psutil.Process(root_pid)
        self.me = psutil.Process()

    @staticmethod
    def component(p: psutil.Process) -> str:
        cmd = " ".join(p.cmdline())
        if "start-dev" in cmd:
            return "temporal"
        if p.name().startswith("postgres"):
            return "postgres"
        if "kaiji.cli worker" in cmd:
            return "worker"
        if "kaiji.cli api" in cmd:
            return "api"
        return "other"

    def snapshot(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for p in [self.root, *self.root.children(recursive=True)]:
            try:
                t = p.cpu_times()
                name = self.component(p)
            except psutil.Error:  # a process that ended meanwhile
                continue
            out[name] = out.get(name, 0.0) + t.user + t.system
        t = self.me.cpu_times()
        out["bench"] = t.user + t.system  # the HTTP/Temporal/asyncpg client (and the bare in-process worker)
        m = psutil.cpu_times()
        out["machine"] = m.user + m.nice + m.system + getattr(m, "irq", 0.0) + getattr(m, "softirq", 0.0) \
            + getattr(m, "steal", 0.0)  # every process on the machine, ours included
        return out


async def run_phase(phase: Phase, items: list, concurrency: int, op: Callable[[object], Awaitable[object]],
                    probe: CpuProbe | None = None) -> list:
    """Run ``op(item)`` for every item, at most ``concurrency`` at a time; return the results (None = failed)."""
    sem = asyncio.Semaphore(concurrency)
    results: list = [None] * len(items)

    async def one(i: int, item: object) -> None:
        async with sem:
            t0 = time.perf_counter()
            try:
                results[i] = await op(item)
            except Exception as exc:  # reported, never hidden
                phase.errors.append(f"{type(exc).__name__}: {exc}"[:2000])
                return
            phase.latencies.append(time.perf_counter() - t0)

    phase.n = len(items)
    before = probe.snapshot() if probe else {}
    t0 = time.perf_counter()
    await asyncio.gather(*(one(i, item) for i, item in enumerate(items)))
    phase.wall = time.perf_counter() - t0
    if probe:
        after = probe.snapshot()
        phase.cpu = {k: max(0.0, v - before.get(k, 0.0)) for k, v in after.items()}
    return results


class HttpError(RuntimeError):
    pass


def _check(r: httpx.Response, expected: int) -> dict:
    if r.status_code != expected:
        raise HttpError(f"{r.request.method} {r.request.url.path} -> {r.status_code}: {r.text[:1500]}")
    return r.json()


# --------------------------------------------------------------------------- the stack


@dataclass
class Ports:
    api: int
    pg: int
    temporal: int
    temporal_ui: int


def start_stack(data: Path, ports: Ports) -> tuple[subprocess.Popen, Path]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAIJI_")}  # embedded services only
    env.update(KAIJI_DATA_DIR=str(data), KAIJI_API_PORT=str(ports.api), KAIJI_PG_PORT=str(ports.pg),
               KAIJI_TEMPORAL_PORT=str(ports.temporal), KAIJI_TEMPORAL_UI_PORT=str(ports.temporal_ui),
               KAIJI_LOG_LEVEL="warning", PYTHONUNBUFFERED="1",
               KAIJI_REGISTRATION_RATE_LIMIT="0")  # api/ratelimit.py: 0 = off (N registrations in seconds)
    log = data.parent / "kaiji-up.log"
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "kaiji.cli", "up", "--demo"], env=env, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True, preexec_fn=_die_with_parent,
        )
    return proc, log


async def wait_ready(proc: subprocess.Popen, log: Path, api_url: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"`kaiji up` exited with code {proc.returncode}:\n{tail(log)}")
        if READY_LINE in await asyncio.to_thread(log.read_text, errors="replace"):
            break
        if time.monotonic() > deadline:
            raise RuntimeError(f"`kaiji up` not ready within {START_TIMEOUT:.0f}s:\n{tail(log)}")
        await asyncio.sleep(0.25)
    async with httpx.AsyncClient(timeout=5) as http:
        _check(await http.get(api_url + "/readyz"), 200)


def stop_stack(proc: subprocess.Popen) -> int | None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            print(f"`kaiji up` did not stop within {STOP_TIMEOUT:.0f}s; killing it", file=sys.stderr)
            proc.kill()  # its children get SIGTERM from the kernel (PR_SET_PDEATHSIG)
            proc.wait()
    return proc.returncode


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# --------------------------------------------------------------------------- Kaiji through the HTTP API


def request_body(i: int, received_on: str) -> dict:
    return {
        "kind": "public_records", "received_on": received_on, "channel": "counter",
        "requester": {"name": f"負荷 試験{i:05d}", "type": "individual", "address": "東京都小金井市本町6-6-3",
                      "phone": "042-387-0000", "email": f"bench{i}@example.jp"},
        "subject": f"令和6年度 道路補修工事の契約書一式（ベンチマーク {i}）", "department": "toshi",
        "preferred_method": "copy",
    }


async def sign_in(http: httpx.AsyncClient, role: str) -> dict[str, str]:
    user = next(u for u in DEMO_USERS if u.role == role)
    token = _check(await http.post("/api/v1/auth/token", data={"username": user.username,
                                                                "password": user.password}), 200)
    return {"Authorization": f"Bearer {token['access_token']}"}


async def bench_kaiji(api_url: str, n: int, concurrency: int, probe: CpuProbe) -> tuple[list[Phase], list[str]]:
    limits = httpx.Limits(max_connections=concurrency + 5, max_keepalive_connections=concurrency + 5)
    async with httpx.AsyncClient(base_url=api_url, timeout=HTTP_TIMEOUT, limits=limits) as http:
        front = await sign_in(http, "front_desk")
        reviewer = await sign_in(http, "reviewer")
        approver = await sign_in(http, "approver")
        today = jst_date(datetime.now(UTC))

        register = Phase("Kaiji: register (POST /requests)", "req/s")

        async def reg(i: object) -> str:
            r = await http.post("/api/v1/requests", json=request_body(int(i), today.isoformat()), headers=front)
            case = _check(r, 201)
            if case["status"] != "under_review":
                raise HttpError(f"registered {case['id']} is {case['status']}")
            return case["id"]

        ids = [c for c in await run_phase(register, list(range(n)), concurrency, reg, probe) if c]

        draft = Phase("Kaiji: staff action draft-decision", "req/s")
        body = {"outcome": "full", "documents": [{"title": "契約書", "disclosure": "full"}],
                "disclosure_on": (today + timedelta(days=7)).isoformat()}

        async def drafted(case_id: object) -> str:
            r = await http.post(f"/api/v1/requests/{case_id}/draft-decision", json=body, headers=reviewer)
            if _check(r, 200)["status"] != "pending_approval":
                raise HttpError(f"{case_id} not pending_approval after draft-decision")
            return str(case_id)

        ids = [c for c in await run_phase(draft, ids, concurrency, drafted, probe) if c]

        approve = Phase("Kaiji: staff action approve-decision", "req/s")

        async def approved(case_id: object) -> str:
            r = await http.post(f"/api/v1/requests/{case_id}/approve-decision", json={"comment": "決裁"},
                                headers=approver)
            if _check(r, 200)["status"] != "decided":
                raise HttpError(f"{case_id} not decided after approve-decision")
            return str(case_id)

        decided = [c for c in await run_phase(approve, ids, concurrency, approved, probe) if c]

    return [register, draft, approve], decided


async def check_decided(api_url: str, case_ids: list[str]) -> dict[str, int]:
    """Cross-check against the read model (case_view): a sample of the cases we drove must be decided."""
    counts: dict[str, int] = {}
    async with httpx.AsyncClient(base_url=api_url, timeout=HTTP_TIMEOUT) as http:
        approver = await sign_in(http, "approver")
        for case_id in case_ids:
            status = _check(await http.get(f"/api/v1/requests/{case_id}", headers=approver), 200)["status"]
            counts[status] = counts.get(status, 0) + 1
    return counts


async def history_breakdown(address: str, case_ids: list[str]) -> dict[str, list[tuple[float, float]]]:
    """Per activity (in order of occurrence) and for workflow tasks: (queue wait, run time) in seconds,
    read from the Temporal histories of the sampled cases. Payloads stay encrypted: only timestamps are read."""
    client = await Client.connect(address)
    out: dict[str, list[tuple[float, float]]] = {}
    for case_id in case_ids:
        history = await client.get_workflow_handle(case_id).fetch_history()
        scheduled: dict[int, tuple[str, float]] = {}
        started: dict[int, float] = {}
        seen: dict[str, int] = {}
        for e in history.events:
            at = e.event_time.ToMicroseconds() / 1e6
            if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
                kind = e.activity_task_scheduled_event_attributes.activity_type.name
                seen[kind] = seen.get(kind, 0) + 1
                scheduled[e.event_id] = (f"activity {kind} #{seen[kind]}", at)
            elif e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
                started[e.activity_task_started_event_attributes.scheduled_event_id] = at
            elif e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
                sid = e.activity_task_completed_event_attributes.scheduled_event_id
                name, t_sched = scheduled[sid]
                out.setdefault(name, []).append((started[sid] - t_sched, at - started[sid]))
            elif e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
                scheduled[e.event_id] = ("workflow task", at)
            elif e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED:
                started[e.workflow_task_started_event_attributes.scheduled_event_id] = at
            elif e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
                sid = e.workflow_task_completed_event_attributes.scheduled_event_id
                out.setdefault("workflow task", []).append((started[sid] - scheduled[sid][1], at - started[sid]))
    return out


# --------------------------------------------------------------------------- raw baselines


@activity.defn(name="bench_noop")
async def noop(x: int) -> int:
    return x


@workflow.defn(name="BenchTrivial", sandboxed=False)  # defined in __main__: the sandbox cannot re-import it
class Trivial:
    @workflow.run
    async def run(self, x: int) -> int:
        return await workflow.execute_activity(noop, x, start_to_close_timeout=timedelta(seconds=30))


async def bench_temporal(address: str, n: int, concurrency: int, probe: CpuProbe) -> Phase:
    client = await Client.connect(address)
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    phase = Phase("bare Temporal: start + 1 activity + complete", "wf/s")
    async with Worker(client, task_queue=queue, workflows=[Trivial], activities=[noop]):

        async def one(i: object) -> int:
            return await client.execute_workflow(Trivial.run, int(i), id=f"{queue}-{i}", task_queue=queue)

        await run_phase(Phase("warm-up", ""), [f"w{i}" for i in range(5)], 5,
                        lambda i: client.execute_workflow(Trivial.run, 0, id=f"{queue}-{i}", task_queue=queue))
        await run_phase(phase, list(range(n)), concurrency, one, probe)
    return phase


async def bench_asyncpg(dsn: str, n: int, concurrency: int, probe: CpuProbe) -> Phase:
    table = f"bench_scratch_{uuid.uuid4().hex[:8]}"
    phase = Phase("bare asyncpg: single-row insert", "rows/s")
    pool = await asyncpg.create_pool(dsn, min_size=concurrency, max_size=concurrency)
    try:
        await pool.execute(f"create table {table} (id bigserial primary key, case_id text not null, "
                           "payload jsonb not null, created_at timestamptz not null default now())")
        sql = f"insert into {table} (case_id, payload) values ($1, $2::jsonb)"
        payload = '{"subject": "令和6年度 道路補修工事の契約書一式", "department": "toshi"}'

        async def one(i: object) -> None:
            await pool.execute(sql, f"R-{i}", payload)

        await run_phase(Phase("warm-up", ""), list(range(concurrency)), concurrency, one)
        await run_phase(phase, list(range(n)), concurrency, one, probe)
    finally:
        try:
            await pool.execute(f"drop table if exists {table}")
        finally:
            await pool.close()
    return phase


# --------------------------------------------------------------------------- report


def machine() -> list[tuple[str, str]]:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        nproc = str(len(os.sched_getaffinity(0)))
    mem = "?"
    try:
        kb = int(next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")).split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    temporal = "?"
    try:
        from kaiji.embedded import temporal_cli

        temporal = subprocess.run([temporal_cli(), "--version"], capture_output=True, text=True,
                                  timeout=10).stdout.strip()
    except Exception:
        pass
    return [("nproc", nproc), ("CPU", model), ("memory", mem),
            ("python", f"{platform.python_implementation()} {platform.python_version()}"),
            ("OS", f"{platform.system()} {platform.release()}"), ("temporal CLI", temporal)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


@dataclass
class Results:
    phases: list[Phase]
    statuses: dict[str, int]
    breakdown: dict[str, list[tuple[float, float]]]
    sample: int
    load_at_start: str


COMPONENTS = ("temporal", "postgres", "worker", "api", "bench", "other")


def report(args: argparse.Namespace, res: Results, elapsed: float) -> int:
    phases = res.phases
    print()
    print(f"## Intake benchmark: --n {args.n} --concurrency {args.concurrency}")
    print()
    for k, v in machine():
        print(f"- {k}: {v}")
    print(f"- load average at the start: {res.load_at_start}")
    print()
    print("| phase | ok / n | throughput | p50 ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for p in phases:
        mx = max(p.latencies) if p.latencies else float("nan")
        print(f"| {p.name} | {p.ok} / {p.n} | {p.throughput:,.1f} {p.unit} | {ms(p.pct(50))} | {ms(p.pct(99))} "
              f"| {ms(mx)} |")
    by = {p.name: p for p in phases}
    reg, draft, approve = (by["Kaiji: register (POST /requests)"], by["Kaiji: staff action draft-decision"],
                           by["Kaiji: staff action approve-decision"])
    wf, pg = by["bare Temporal: start + 1 activity + complete"], by["bare asyncpg: single-row insert"]

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.3f}" if b else "n/a"

    print()
    print("| ratio | value |")
    print("|---|---:|")
    print(f"| Kaiji registration throughput / bare Temporal throughput | {ratio(reg.throughput, wf.throughput)} |")
    print(f"| Kaiji registration p50 / bare Temporal p50 | {ratio(reg.pct(50), wf.pct(50))} |")
    print(f"| staff action (draft-decision) p50 / bare Temporal p50 | {ratio(draft.pct(50), wf.pct(50))} |")
    print(f"| staff action (approve-decision) p50 / bare Temporal p50 | {ratio(approve.pct(50), wf.pct(50))} |")
    print(f"| draft-decision throughput / bare Temporal throughput | {ratio(draft.throughput, wf.throughput)} |")
    print(f"| approve-decision throughput / bare Temporal throughput | {ratio(approve.throughput, wf.throughput)} |")
    print(f"| Kaiji registration throughput / asyncpg insert throughput | {ratio(reg.throughput, pg.throughput)} |")

    print()
    print("CPU per operation (ms of CPU, user + system, per successful operation; "
          "'bench' = the load generator, incl. the bare in-process worker; "
          "phases under 1 s are below the resolution of per-process CPU accounting):")
    print()
    print("| phase | " + " | ".join(COMPONENTS) + " | total | cores busy (run) | cores busy (other processes) |")
    print("|---|" + "---:|" * (len(COMPONENTS) + 3))
    for p in phases:
        if not p.ok or not p.wall:
            continue
        cells = [ms(p.cpu.get(c, 0.0) / p.ok) for c in COMPONENTS]
        total = sum(v for k, v in p.cpu.items() if k != "machine")
        foreign = max(0.0, p.cpu.get("machine", 0.0) - total)
        print(f"| {p.name} | " + " | ".join(cells) + f" | {ms(total / p.ok)} | {total / p.wall:.2f} "
              f"| {foreign / p.wall:.2f} |")

    if res.breakdown:
        print()
        print(f"Inside the case workflows (Temporal histories of {res.sample} sampled cases; "
              "ms, p50 / p99):")
        print()
        print("| step | count | queue wait p50 | queue wait p99 | run p50 | run p99 |")
        print("|---|---:|---:|---:|---:|---:|")
        for name in sorted(res.breakdown):
            rows = res.breakdown[name]
            waits = Phase(name, "", latencies=[w for w, _ in rows])
            runs = Phase(name, "", latencies=[r for _, r in rows])
            print(f"| {name} | {len(rows)} | {ms(waits.pct(50))} | {ms(waits.pct(99))} | {ms(runs.pct(50))} "
                  f"| {ms(runs.pct(99))} |")
    noisy = [p.name for p in phases if p.wall >= 1.0 and p.ok  # shorter phases: CPU ticks (10 ms) too coarse
             and (p.cpu.get("machine", 0.0) - sum(v for k, v in p.cpu.items() if k != "machine")) / p.wall > 0.2]
    if noisy:
        print(f"\nWARNING: other processes on this machine used more than 0.2 cores during: {', '.join(noisy)}; "
              "those figures are not clean.")
    print()
    print(f"sampled case statuses after approve-decision (GET /requests/{{id}}): {res.statuses}")
    print(f"total run time incl. start and stop of the stack: {elapsed:.0f} s")
    failures = 0
    for p in phases:
        if p.errors:
            failures += len(p.errors)
            print(f"\n{len(p.errors)} error(s) in {p.name}; first 5:", file=sys.stderr)
            for e in p.errors[:5]:
                print(f"  {e}", file=sys.stderr)
    return 1 if failures else 0


# --------------------------------------------------------------------------- main


async def bench(args: argparse.Namespace, proc: subprocess.Popen, log: Path, ports: Ports) -> Results:
    from kaiji.embedded import owner_url  # the stack's PostgreSQL asks for a password (issue 17)
    api_url = f"http://127.0.0.1:{ports.api}"
    temporal = f"127.0.0.1:{ports.temporal}"
    t0 = time.monotonic()
    await wait_ready(proc, log, api_url)
    print(f"stack ready in {time.monotonic() - t0:.0f} s (API {api_url}, Temporal {temporal}, "
          f"PostgreSQL 127.0.0.1:{ports.pg})", flush=True)
    probe = CpuProbe(proc.pid)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print("raw baseline: bare Temporal …", flush=True)
    wf = await bench_temporal(temporal, args.n, args.concurrency, probe)
    print("raw baseline: bare asyncpg …", flush=True)
    pg = await bench_asyncpg(owner_url(log.parent / "data", ports.pg, "kaiji"), args.n, args.concurrency, probe)
    print(f"Kaiji: {args.n} registrations, then draft-decision and approve-decision each …", flush=True)
    kaiji, decided = await bench_kaiji(api_url, args.n, args.concurrency, probe)
    sample = decided[:: max(1, len(decided) // 20)]  # ~20 cases
    statuses = await check_decided(api_url, sample)
    breakdown = await history_breakdown(temporal, sample)
    return Results([*kaiji, wf, pg], statuses, breakdown, len(sample), load)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="requests (and baseline operations) per phase")
    parser.add_argument("--concurrency", type=int, default=20, help="operations in flight at a time")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folder (and its logs)")
    args = parser.parse_args()
    if args.n < 1 or args.concurrency < 1:
        parser.error("--n and --concurrency must be >= 1")

    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="kaiji-bench-"))
    tmp.chmod(0o755)  # as root, the embedded PostgreSQL runs as another user and must reach its folder
    data = tmp / "data"
    ports = Ports(free_port(), free_port(), free_port(), free_port())
    while len({ports.api, ports.pg, ports.temporal, ports.temporal_ui}) < 4:
        ports = Ports(free_port(), free_port(), free_port(), free_port())
    proc, log = start_stack(data, ports)
    code = 1
    try:
        results = asyncio.run(bench(args, proc, log, ports))
        code = report(args, results, time.monotonic() - started)
    except KeyboardInterrupt:
        code = 130
    except Exception as exc:
        print(f"bench failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        print(tail(log), file=sys.stderr)
    finally:
        rc = stop_stack(proc)
        if rc not in (0, None):
            print(f"`kaiji up` exited with code {rc}; log: {log}", file=sys.stderr)
        if args.keep:
            print(f"data folder kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
