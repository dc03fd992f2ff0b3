"""Reports benchmark (on demand; `make bench-reports`): the annual report over a million events, the
as-of fold, the ledger import and the policy simulator, against a real embedded PostgreSQL.

    .venv/bin/python bench/reports.py --requests 100000 --import-rows 10000

Synthetic history: ``--requests`` requests spread over ten fiscal years (10 % a year), each a realistic
stream of about ten events made by the domain's own functions (receipt, assignment, reminder, draft,
approval, delivery, disclosure, appeal window, closure; some extended, some with a third party, some
withdrawn), folded with the projections' own row functions (case_view, report_facts) and loaded with COPY. Then, timed:

1. the live annual report of the last year (report_facts; goal ≤ 1 s), first and again;
2. the same report as of an instant (a fold of the events recorded by then; goal ≤ 10 s), and as of the live
   report's own instant (a fold that must give the live report's bytes);
3. ``kaiji import ledger`` of ``--import-rows`` ledger rows (goal ≤ 60 s);
4. ``kaiji simulate`` of the last year, period 14 → 7 days (goal ≤ 60 s for 10,000 cases).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import dataclasses
import hashlib
import io
import json
import os
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.reports import service  # noqa: E402
from domain.actors import Actor  # noqa: E402
from domain.events import draft  # noqa: E402
from domain.profile import load_profile  # noqa: E402
from domain.reports.facts import request_facts  # noqa: E402
from domain.requests.evolve import fold  # noqa: E402
from domain.requests.registration import RegisterRequest, receive  # noqa: E402
from domain.simulation import simulate, with_overrides  # noqa: E402
from kaiji import embedded  # noqa: E402
from kaiji.ledger_import import import_ledger  # noqa: E402
from kaiji.processes import Supervisor, free_port  # noqa: E402
from store import reports  # noqa: E402
from store.db import connect, ensure_database  # noqa: E402
from store.events import NewEvent  # noqa: E402
from store.migrate import migrate  # noqa: E402
from store.projections.cases import _COLUMNS, case_row  # noqa: E402

PROFILE = load_profile("koganei")
DEPTS = [d.code for d in PROFILE.departments]
FRONT, REVIEWER, APPROVER = (Actor("madoguchi", "front_desk"), Actor("shinsa", "reviewer", "toshi"),
                             Actor("kacho", "approver", "toshi"))
SYSTEM = Actor("system", "system")
OUTCOMES = [("full", None, ()), ("partial", None, ("9-2",)), ("partial", None, ("9-2", "9-4-ウ")),
            ("non_disclosure", "not_held", ()), ("non_disclosure", "exempt", ("9-5",)),
            ("neither_confirm_nor_deny", None, ("9-2",))]


def lifecycle(rng: random.Random, case_id: str, received: date) -> list:
    """One request's events, as the workflow would have recorded them."""
    at = datetime.combine(received, datetime.min.time(), tzinfo=UTC) + timedelta(hours=1)
    rules = PROFILE.case_rules("public_records")
    inp = RegisterRequest(case_id=case_id, kind="public_records", received_on=received.isoformat(), channel="counter",
                          subject=f"件名 {case_id}", department=rng.choice(DEPTS), preferred_method="copy",
                          requester_party_id=f"P-{rng.randrange(3000)}", requester_type="individual", actor=FRONT,
                          rules=rules, entered_at=at, requester_category=rng.choice(["resident", "nonresident"]))
    events = receive(inp)
    events.append(draft("ReviewerAssigned", REVIEWER, at, department=inp.department, reviewer="shinsa",
                        old_department=inp.department))
    if rng.random() < 0.05:
        return [*events, draft("RequestWithdrawn", FRONT, at + timedelta(days=2),
                               withdrawn_on=(received + timedelta(days=2)).isoformat(), reason="")]
    events.append(draft("ReminderSent", SYSTEM, at + timedelta(days=9), work_due=events[0].data["work_due"],
                        decision_due=events[0].data["decision_due"], department=inp.department, reviewer=None))
    outcome, ground, clauses = rng.choice(OUTCOMES)
    decided = received + timedelta(days=rng.randrange(5, 20))
    part = {"outcome": outcome, "non_disclosure_ground": ground, "reason_text": "理由",
            "exemptions": [{"clause": c, "reason": "理由"} for c in clauses],
            "documents": [{"title": "文書", "disclosure": "full"}], "disclosure_on": None}
    events.append(draft("DecisionDrafted", REVIEWER, at + timedelta(days=4), drafted_by="shinsa", parts=[part],
                        **part))
    events.append(draft("DecisionApproved", APPROVER, at + timedelta(days=5), decided_on=decided.isoformat(),
                        approved_by="kacho", outcome=outcome, appeal_window_ends=(decided + timedelta(days=92)).isoformat(),
                        parts=[{"decision_id": f"{case_id}-D1"}]))
    events.append(draft("NoticeDelivered", FRONT, at + timedelta(days=7), delivered_on=decided.isoformat(),
                        appeal_window_ends=(decided + timedelta(days=92)).isoformat()))
    if outcome in ("full", "partial"):
        events.append(draft("Disclosed", FRONT, at + timedelta(days=12), executed_on=decided.isoformat(),
                            method="copy", pages=10, fee_yen=100))
    events.append(draft("AppealWindowClosed", SYSTEM, at + timedelta(days=95),
                        appeal_window_ends=(decided + timedelta(days=92)).isoformat()))
    events.append(draft("CaseClosed", SYSTEM, at + timedelta(days=95), reason="final"))
    return events


async def load(conn, n: int, first_fy: int, rng: random.Random) -> int:
    years = 10
    events_csv, views_csv, facts_csv = io.StringIO(), io.StringIO(), io.StringIO()
    ev, vw, fw = csv.writer(events_csv), csv.writer(views_csv), csv.writer(facts_csv)
    total = 0
    for i in range(n):
        fy = first_fy + i * years // n
        case_id = f"R-{fy}-{i % (n // years) + 1:05d}"
        received = date(fy, 4, 1) + timedelta(days=rng.randrange(330))
        drafts = lifecycle(rng, case_id, received)
        parts = []
        for v, e in enumerate(drafts, start=1):
            ne = NewEvent(e.type, e.actor, e.role, e.occurred_at, e.data)
            ev.writerow([case_id, v, e.type, e.actor, e.role, e.occurred_at.isoformat(), e.occurred_at.isoformat(),
                         json.dumps(e.data, ensure_ascii=False), ne.payload_hash()])
            parts.append(f"{case_id}:{v}:{ne.payload_hash()}")
        total += len(drafts)
        case = fold((e.type, e.data) for e in drafts)
        row = case_row(case, len(drafts), drafts[-1].occurred_at)
        vw.writerow(["" if row[c] is None else json.dumps(row[c], ensure_ascii=False) if c == "state"
                     else row[c].isoformat() if hasattr(row[c], "isoformat") else row[c] for c in _COLUMNS])
        fw.writerow([case_id, row["received_on"].isoformat(), row["updated_at"].isoformat(),
                     hashlib.sha256(",".join(parts).encode()).hexdigest(),
                     json.dumps(request_facts(case), ensure_ascii=False)])
    await conn.copy_to_table("events", source=io.BytesIO(events_csv.getvalue().encode()), format="csv",
                             columns=["stream_id", "version", "type", "actor", "role", "occurred_at", "recorded_at",
                                      "data", "payload_hash"])
    await conn.copy_to_table("case_view", source=io.BytesIO(views_csv.getvalue().encode()), format="csv",
                             columns=list(_COLUMNS), null="")
    await conn.copy_to_table("report_facts", source=io.BytesIO(facts_csv.getvalue().encode()), format="csv",
                             columns=["case_id", "received_on", "updated_at", "inputs", "facts"])
    await conn.execute("analyze")
    return total


def ledger_file(path: Path, rows: int, rng: random.Random) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["受付番号", "受付日", "請求者区分", "件名", "担当課", "実施機関", "決定日", "決定区分", "適用条項", "延長", "備考"])
        for i in range(rows):
            received = date(2015, 4, 1) + timedelta(days=rng.randrange(330))
            label, clauses = rng.choice([("公開", ""), ("部分公開", "9-2"), ("不存在", ""), ("非公開", "9-4-ウ")])
            w.writerow([f"H27-{i:05d}", received.isoformat(), "", f"件名{i}", rng.choice(DEPTS), "",
                        (received + timedelta(days=10)).isoformat(), label, clauses, "無", ""])


def timed(label: str, goal: float, results: list) -> object:
    class Timer:
        def __enter__(self):
            self.t, self.cpu = time.perf_counter(), time.process_time()

        def __exit__(self, *exc):
            took, cpu = time.perf_counter() - self.t, time.process_time() - self.cpu
            results.append((label, took, goal))
            print(f"  {label:<48} {took:8.2f} s   (goal ≤ {goal:g} s; {cpu:.2f} s CPU in this process)", flush=True)

    return Timer()


async def main(args: argparse.Namespace) -> int:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="kaiji-bench-") as d:
        sup = Supervisor(log_dir=Path(d) / "logs")
        try:
            port = free_port()
            embedded.start_postgres(sup, Path(d), port)
            dsn = embedded.owner_url(Path(d), port, "bench")  # scram (issue 17)
            for _ in range(300):
                try:
                    await ensure_database(dsn)
                    break
                except Exception:
                    await asyncio.sleep(0.1)
            conn = await connect(dsn)
            await migrate(conn)
            t = time.perf_counter()
            events = await load(conn, args.requests, 2016, rng)
            print(f"loaded {args.requests:,} requests, {events:,} events in {time.perf_counter() - t:.1f} s", flush=True)
            results: list = []
            fy = 2025
            print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores: above 2, others' work "
                  "is in the figures)", flush=True)
            with timed(f"annual report FY{fy}, live projections", 1, results):
                report, _ = await service.build(conn, PROFILE, fy, None)
            print(f"    {report['requests']['total']:,} requests, {report['decisions']['total']:,} decisions")
            with timed("  the same again (warm caches)", 1, results):
                await service.build(conn, PROFILE, fy, None)
            as_of = datetime(fy + 1, 4, 10, tzinfo=UTC)
            with timed(f"annual report FY{fy}, as of {as_of.date()} (fold)", 10, results):
                again, _ = await service.build(conn, PROFILE, fy, as_of)
            assert again["decisions"] == report["decisions"], "the fold and the projections disagree"
            with timed("  as of the live report's instant (fold)", 10, results):
                folded, _ = await service.build(conn, PROFILE, fy, datetime.fromisoformat(report["as_of"]))
            assert service.canonical(folded) == service.canonical(report), "the live report is not the fold at now"
            print("    the same bytes as the live report")
            with timed(f"simulate FY{fy}: period 14 → 7 days", 60, results):
                streams = await reports.request_streams(conn, fy)
                states = {k: dataclasses.asdict(fold(v)) for k, v in streams.items()}
                sim = simulate(streams, states, PROFILE,
                               with_overrides(PROFILE, {"request_kinds.public_records.period_days": "7"}), fy)
            print(f"    {sim['requests']:,} requests, {sim['newly_late']:,} would be late")
            path = Path(d) / "ledger.csv"
            ledger_file(path, args.import_rows, rng)
            with timed(f"import ledger, {args.import_rows:,} rows", 60, results):
                imported = await import_ledger(conn, path, PROFILE, dry_run=False, operator="bench")
            assert not imported.errors, imported.errors[:3]
            print(f"    {len(imported.created):,} cases created")
            await conn.close()
        finally:
            sup.stop_all()
    missed = [r for r in results if r[1] > r[2]]
    print("all goals met" if not missed else f"goals missed: {', '.join(r[0] for r in missed)}")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--import-rows", type=int, default=10_000)
    sys.exit(asyncio.run(main(parser.parse_args())))
