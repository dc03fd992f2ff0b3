"""A municipality's year of disclosure requests through the real stack (on demand, not part of `make test`).

    .venv/bin/python bench/year.py --n 300 --concurrency 20     # day to day
    .venv/bin/python bench/year.py --n 7600 --concurrency 20    # the Tokyo-sized year (issue 15)

Starts the stack like bench/intake.py (`kaiji up --demo` on free ports, a temporary folder), then:

1. **alone** (concurrency 1, nothing else running): 20 registrations, then one staff action without a
   notice (`draft-decision`) on each: the unloaded latency of one registration and of one action;
2. **bare baselines** in the same run: Temporal start + 1 activity + complete, asyncpg single-row
   insert (as in bench/intake.py), and **registration alone at --concurrency** for the throughput ratio;
3. **the year**: N realistic lifecycles, at most --concurrency at a time, in --batches equal batches.
   Each lifecycle is the action mix of issue 15 (chosen per case from a fixed seed): register; a
   correction for 20 %; an extension for 10 %; a third-party consultation for 8 %; a decision
   (full 55 %, partial 20 %, two decisions in one draft 8 %, non-disclosure 10 %, dismissed 7 %),
   approved; delivery of the notice; disclosure for full and partial decisions; an appeal (審査請求)
   filed against 5 % of the adverse ones. The appeal window closing (a three-month timer) is not
   waited for.

Prints lifecycles/s of the first and the last batch, p50/p99 per action, CPU per lifecycle per
process (API, worker, Temporal, PostgreSQL) per batch, and the ratios to the bare baselines.
Figures and their reading: docs/performance.md. `make bench-year` runs the defaults.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from intake import (
    COMPONENTS,
    HTTP_TIMEOUT,
    CpuProbe,
    HttpError,
    Phase,
    Ports,
    _check,
    bench_asyncpg,
    bench_temporal,
    free_port,
    machine,
    ms,
    request_body,
    run_phase,
    sign_in,
    start_stack,
    stop_stack,
    tail,
    wait_ready,
)

from domain.clock import jst_date

PARTIAL = {
    "outcome": "partial",
    "exemptions": [{"clause": "9-2", "reason": "個人の氏名が記載されており、特定の個人を識別できるため"}],
    "documents": [{"title": "契約書", "disclosure": "partial"}, {"title": "設計書", "disclosure": "full"}],
}
FULL = {"outcome": "full", "documents": [{"title": "契約書", "disclosure": "full"}]}
NON_DISCLOSURE = {
    "outcome": "non_disclosure",
    "non_disclosure_ground": "not_held",
    "reason_text": "当該工事は発注されておらず、契約書は作成していないため",
}
DISMISSED = {"outcome": "dismissed", "reason_text": "請求の対象が市販の刊行物であるため"}
MIX = [("full", 55), ("partial", 20), ("two", 8), ("non_disclosure", 10), ("dismissed", 7)]


class Lifecycle:
    """One request from receipt to its last act, with the latency of every action."""

    def __init__(self, i: int, seed: int, today: str, soon: str) -> None:
        rnd = random.Random(seed * 1_000_003 + i)
        self.i, self.today, self.soon = i, today, soon
        self.correction = rnd.random() < 0.20
        self.extension = rnd.random() < 0.10
        self.third_party = rnd.random() < 0.08
        self.outcome = rnd.choices([m for m, _ in MIX], weights=[w for _, w in MIX])[0]
        self.appeal = rnd.random() < 0.05 and self.outcome in ("partial", "non_disclosure")

    def draft(self) -> dict:
        if self.outcome == "two":
            return {
                "decisions": [
                    FULL | {"disclosure_on": self.soon},
                    NON_DISCLOSURE | {"documents": [{"title": "設計変更協議録", "disclosure": "withheld"}]},
                ]
            }
        return {"full": FULL, "partial": PARTIAL, "non_disclosure": NON_DISCLOSURE, "dismissed": DISMISSED}[
            self.outcome
        ] | ({"disclosure_on": self.soon} if self.outcome in ("full", "partial") else {})


class Year:
    def __init__(
        self, http: httpx.AsyncClient, who: dict[str, dict[str, str]], today: str, soon: str
    ) -> None:
        self.http, self.who, self.today, self.soon = http, who, today, soon
        self.latency: dict[str, list[float]] = {}
        self.notices = 0
        self.actions = 0

    async def _post(self, action: str, path: str, body: dict, role: str, expect: int = 200) -> dict:
        t0 = time.perf_counter()
        r = await self.http.post(path, json=body, headers=self.who[role])
        out = _check(r, expect)
        self.latency.setdefault(action, []).append(time.perf_counter() - t0)
        self.actions += 1
        return out

    async def act(self, case_id: str, action: str, body: dict, role: str) -> dict:
        return await self._post(action, f"/api/v1/requests/{case_id}/{action}", body, role)

    async def lifecycle(self, lc: Lifecycle) -> str:
        case = await self._post(
            "register", "/api/v1/requests", request_body(lc.i, self.today), "front_desk", 201
        )
        cid = case["id"]
        if lc.correction:
            await self.act(
                cid,
                "request-correction",
                {"respond_by": self.soon, "what": "対象文書を特定してください"},
                "reviewer",
            )
            await self.act(cid, "record-correction", {"note": "特定済み"}, "front_desk")
        if lc.extension:
            due = datetime.fromisoformat(case["decision_due"]).date() + timedelta(days=20)
            await self.act(
                cid,
                "extend",
                {"new_due": due.isoformat(), "reason": "文書が大量で調査に時間を要するため"},
                "reviewer",
            )
        if lc.third_party:
            r = await self.act(
                cid,
                "consult-third-party",
                {
                    "party": {
                        "name": f"株式会社小金井建設{lc.i}",
                        "type": "corporation",
                        "address": "小金井市前原町1-1",
                    }
                },
                "reviewer",
            )
            await self.act(
                cid,
                "record-third-party-opinion",
                {"party_id": r["third_parties"][0]["party_id"], "objects": False, "summary": "異議なし"},
                "front_desk",
            )
        await self.act(cid, "draft-decision", lc.draft(), "reviewer")
        decided = await self.act(cid, "approve-decision", {"comment": "決裁"}, "approver")
        if decided["status"] != "decided":
            raise HttpError(f"{cid} is {decided['status']} after approve-decision")
        self.notices += len(decided["notices"])
        for d in decided.get("decisions") or [{}]:
            body = {"delivered_on": self.today} | (
                {"decision_id": d["decision_id"]} if d.get("decision_id") else {}
            )
            await self.act(cid, "record-notice-delivery", body, "front_desk")
        if lc.outcome in ("full", "partial", "two"):
            await self.act(cid, "record-disclosure", {"method": "copy", "pages": 12}, "front_desk")
        if lc.appeal:
            await self._post(
                "file-appeal",
                f"/api/v1/requests/{cid}/appeals",
                {"grounds": "非公開部分の公開を求める"},
                "front_desk",
                201,
            )
        return cid


def pct(values: list[float], p: int) -> float:
    return Phase("", "", latencies=values).pct(p)


async def bench(args: argparse.Namespace, proc, log: Path, ports: Ports) -> int:
    from kaiji.embedded import owner_url  # the stack's PostgreSQL asks for a password (issue 17)
    api_url = f"http://127.0.0.1:{ports.api}"
    temporal = f"127.0.0.1:{ports.temporal}"
    await wait_ready(proc, log, api_url)
    probe = CpuProbe(proc.pid)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    today_d = jst_date(datetime.now(UTC))
    today, soon = today_d.isoformat(), (today_d + timedelta(days=7)).isoformat()
    limits = httpx.Limits(
        max_connections=args.concurrency + 5, max_keepalive_connections=args.concurrency + 5
    )
    phases: list[Phase] = []
    async with httpx.AsyncClient(base_url=api_url, timeout=HTTP_TIMEOUT, limits=limits) as http:
        who = {role: await sign_in(http, role) for role in ("front_desk", "reviewer", "approver")}
        year = Year(http, who, today, soon)

        # 1. alone: one at a time
        print("alone: 20 registrations and 20 draft-decisions, one at a time …", flush=True)
        alone_reg = Phase("alone: register", "req/s")
        alone_act = Phase("alone: draft-decision (no notice)", "req/s")

        async def reg(i: object) -> str:
            case = _check(
                await http.post(
                    "/api/v1/requests", json=request_body(900_000 + int(i), today), headers=who["front_desk"]
                ),
                201,
            )
            return case["id"]

        ids = [c for c in await run_phase(alone_reg, list(range(20)), 1, reg) if c]
        await run_phase(
            alone_act,
            ids,
            1,
            lambda cid: year.act(cid, "draft-decision", FULL | {"disclosure_on": soon}, "reviewer"),
        )
        phases += [alone_reg, alone_act]

        # 2. baselines and registration throughput at the same concurrency
        m = min(args.n, 200)
        print(
            f"baselines: bare Temporal, bare asyncpg, {m} registrations at c={args.concurrency} …", flush=True
        )
        wf = await bench_temporal(temporal, m, args.concurrency, probe)
        pg = await bench_asyncpg(
            owner_url(log.parent / "data", ports.pg, "kaiji"), m, args.concurrency, probe
        )
        many_reg = Phase(f"register at c={args.concurrency}", "req/s")
        await run_phase(many_reg, [800_000 + i for i in range(m)], args.concurrency, reg, probe)
        phases += [wf, pg, many_reg]

        # 3. the year, in batches
        year.latency.clear()
        lifecycles = [Lifecycle(i, args.seed, today, soon) for i in range(args.n)]
        size = max(1, -(-args.n // args.batches))
        batches: list[Phase] = []
        for b in range(0, args.n, size):
            phase = Phase(
                f"year batch {len(batches) + 1} (lifecycles {b + 1}–{min(args.n, b + size)})", "lc/s"
            )
            await run_phase(phase, lifecycles[b : b + size], args.concurrency, year.lifecycle, probe)
            batches.append(phase)
            print(
                f"  {phase.name}: {phase.ok}/{phase.n} in {phase.wall:.1f} s = {phase.throughput:.2f} lc/s "
                f"(load {' '.join(f'{x:.2f}' for x in os.getloadavg())})",
                flush=True,
            )
            if phase.errors:
                print(f"  first error: {phase.errors[0]}", flush=True)

    # report
    total_wall = sum(p.wall for p in batches)
    done = sum(p.ok for p in batches)
    print()
    print(
        f"## Year benchmark: --n {args.n} --concurrency {args.concurrency} --batches {args.batches} "
        f"--seed {args.seed}"
    )
    print()
    for k, v in machine():
        print(f"- {k}: {v}")
    print(f"- load average at the start: {load}; at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print()
    print("| phase | ok / n | throughput | p50 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|")
    for p in [*phases, *batches]:
        print(
            f"| {p.name} | {p.ok} / {p.n} | {p.throughput:,.2f} {p.unit} | {ms(p.pct(50))} | {ms(p.pct(99))} |"
        )
    print()
    print(
        f"year: {done} lifecycles in {total_wall:,.0f} s = {done / total_wall:.2f} lifecycles/s; "
        f"{year.actions} actions ({year.actions / max(done, 1):.2f} per lifecycle), "
        f"{year.notices} notices on the decided cases"
    )
    if done:
        print(
            f"the {args.n}-lifecycle year at this rate: {args.n / (done / total_wall) / 60:.1f} min; "
            f"7,600 lifecycles: {7600 / (done / total_wall) / 60:.1f} min"
        )
    first, last = batches[0], batches[-1]
    if first.throughput:
        print(f"last batch / first batch throughput: {last.throughput / first.throughput:.2f}")
    print()
    print("| action (during the year) | count | p50 ms | p99 ms |")
    print("|---|---:|---:|---:|")
    for name, values in year.latency.items():
        print(f"| {name} | {len(values)} | {ms(pct(values, 50))} | {ms(pct(values, 99))} |")
    print()
    print("CPU per lifecycle (ms, user + system) per batch; 'other' = other processes on the machine:")
    print()
    print("| batch | " + " | ".join(COMPONENTS[:5]) + " | other (machine) |")
    print("|---|" + "---:|" * 6)
    for p in batches:
        if not p.ok:
            continue
        ours = sum(v for k, v in p.cpu.items() if k != "machine")
        cells = [ms(p.cpu.get(c, 0.0) / p.ok) for c in COMPONENTS[:5]]
        print(
            f"| {p.name} | "
            + " | ".join(cells)
            + f" | {ms(max(0.0, p.cpu.get('machine', 0) - ours) / p.ok)} |"
        )
    print()
    print("| ratio | value |")
    print("|---|---:|")
    if wf.throughput:
        print(
            f"| registration throughput at c={args.concurrency} / bare Temporal throughput "
            f"| {many_reg.throughput / wf.throughput:.2f} |"
        )
        print(
            f"| registration alone p50 / bare Temporal p50 (c={args.concurrency}) | "
            f"{alone_reg.pct(50) / wf.pct(50):.2f} |"
        )
    if pg.throughput:
        print(
            f"| registration throughput / asyncpg insert throughput | 1 / {pg.throughput / max(many_reg.throughput, 1e-9):,.0f} |"
        )
    errors = sum(len(p.errors) for p in [*phases, *batches])
    if errors:
        for p in [*phases, *batches]:
            for e in p.errors[:3]:
                print(f"error in {p.name}: {e}", file=sys.stderr)
    return 1 if errors else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300, help="lifecycles in the year")
    parser.add_argument("--concurrency", type=int, default=20, help="lifecycles in flight at a time")
    parser.add_argument("--batches", type=int, default=5, help="batches (first vs last shows the cost trend)")
    parser.add_argument("--seed", type=int, default=15, help="the action mix is drawn from this seed")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folder (and its logs)")
    args = parser.parse_args()
    if args.n < 1 or args.concurrency < 1 or args.batches < 1:
        parser.error("--n, --concurrency and --batches must be >= 1")
    tmp = Path(tempfile.mkdtemp(prefix="kaiji-year-"))
    tmp.chmod(0o755)  # as root, the embedded PostgreSQL runs as another user and must reach its folder
    ports = Ports(free_port(), free_port(), free_port(), free_port())
    while len({ports.api, ports.pg, ports.temporal, ports.temporal_ui}) < 4:
        ports = Ports(free_port(), free_port(), free_port(), free_port())
    proc, log = start_stack(tmp / "data", ports)
    started = time.monotonic()
    code = 1
    try:
        code = asyncio.run(bench(args, proc, log, ports))
    except KeyboardInterrupt:
        code = 130
    except Exception as exc:
        print(f"bench failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        print(tail(log), file=sys.stderr)
    finally:
        rc = stop_stack(proc)
        if rc not in (0, None):
            print(f"`kaiji up` exited with code {rc}; log: {log}", file=sys.stderr)
        print(f"total run time incl. start and stop of the stack: {time.monotonic() - started:.0f} s")
        if args.keep:
            print(f"data folder kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
