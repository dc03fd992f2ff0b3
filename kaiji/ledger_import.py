"""`kaiji import ledger FILE [--dry-run]`: the old ledger's requests as closed, imported cases.

All or nothing: the file is read and checked whole, then every request is written in one transaction
(events + projections + one audit entry); a row error anywhere imports nothing. A request already
imported with the same content is skipped, with different content refused (row and column named).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import asyncpg

from domain import clock
from domain.era import fiscal_year
from domain.ledger import LedgerRequest, RowError, import_events, parse
from domain.profile import Profile
from domain.requests.evolve import fold
from store import audit, events, ledger, registry
from store.projections import all_projections
from store.projections import cases as case_projection


@dataclass
class ImportReport:
    rows: int = 0
    requests: int = 0
    decisions: int = 0
    created: list[str] = field(default_factory=list)
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)


def read_table(path: Path) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of a .csv (UTF-8, BOM welcome; Shift_JIS as Excel writes it) or .xlsx (first sheet)."""
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        values = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
        wb.close()
    elif path.suffix.lower() == ".csv":
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp932")
        values = list(csv.reader(io.StringIO(text)))
    else:
        raise ValueError(f"{path.name}: a ledger is a .csv or .xlsx file")
    if not values:
        raise ValueError(f"{path.name}: the file is empty")
    return [str(h or "") for h in values[0]], values[1:]


def _hash(request: LedgerRequest) -> str:
    data = {k: v for k, v in asdict(request).items() if k != "rows"}
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


async def import_ledger(conn: asyncpg.Connection, path: Path, profile: Profile, *, dry_run: bool,
                        operator: str) -> ImportReport:
    header, rows = read_table(path)
    parsed = parse(header, rows, profile)
    report = ImportReport(rows=sum(1 for r in rows if any(c not in (None, "") for c in r)),
                          requests=len(parsed.requests), errors=list(parsed.errors))
    report.decisions = sum(len(r.decisions) for r in parsed.requests)
    today = clock.today()
    for r in parsed.requests:
        if r.received_on > today.isoformat():
            report.errors.append(RowError(r.rows[0], "受付日", "未来の日付です。"))
    if report.errors:
        return report
    now = clock.now()
    async with conn.transaction():
        done = await ledger.imported(conn, [r.ledger_number for r in parsed.requests])
        new = []
        for r in parsed.requests:
            if r.ledger_number in done:
                if done[r.ledger_number][1] != _hash(r):
                    report.errors.append(RowError(r.rows[0], "受付番号", f"受付番号 {r.ledger_number} は取込済み"
                                                  f"（{done[r.ledger_number][0]}）で、内容が違います。"))
                report.skipped += 1
            else:
                new.append(r)
        if report.errors or dry_run:
            return report
        await _write(conn, new, profile, now, path.name, report)
        await audit.append(conn, audit.AuditEntry(operator, "operator", "ledger.import", None, {
            "file": path.name, "rows": report.rows, "requests": len(report.created), "skipped": report.skipped,
            "first": report.created[0] if report.created else None,
            "last": report.created[-1] if report.created else None}))
    return report


async def _write(conn: asyncpg.Connection, new: list[LedgerRequest], profile: Profile, now: Any, source: str,
                 report: ImportReport) -> None:
    """Write the new requests in batches: numbers reserved per fiscal year in one statement, events and
    case rows by ``executemany`` — a 10,000-row ledger is a few dozen round trips, not 100,000."""
    by_year: dict[int, list[LedgerRequest]] = {}
    for r in new:  # numbered in ledger order within each fiscal year, as the one-by-one import did
        by_year.setdefault(fiscal_year(clock.parse_date(r.received_on)), []).append(r)
    ids: dict[int, str] = {}
    for fy, requests in by_year.items():
        for r, case_id in zip(requests, await registry.next_case_ids(conn, "R", fy, len(requests)), strict=True):
            ids[id(r)] = case_id
    streams: dict[str, list[events.NewEvent]] = {}
    for r in new:
        drafted = import_events(r, ids[id(r)], profile, now, source=source)
        streams[ids[id(r)]] = [events.NewEvent(e.type, e.actor, e.role, e.occurred_at, e.data, e.schema_version)
                               for e in drafted]
    for chunk in _chunks(list(streams.items()), 1000):
        await events.append_new_streams(conn, dict(chunk))
        await case_projection.write_new(conn, [
            (fold((e.type, e.data) for e in stream), len(stream), stream[-1].occurred_at) for _, stream in chunk])
    for projection in all_projections():  # the others (an imported NCND decision reaches the council view)
        if projection is case_projection.PROJECTION:
            continue
        for case_id, stream in streams.items():
            if any(e.type in projection.handles for e in stream):
                await projection.refresh(conn, case_id, len(stream))
    await ledger.record_many(conn, [(r.ledger_number, ids[id(r)], _hash(r), source) for r in new])
    report.created.extend(ids[id(r)] for r in new)


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)]
