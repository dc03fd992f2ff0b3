"""`kaiji registers import FILE [--dry-run]`: the city's existing register entries as version-1 entries.

All or nothing, like `kaiji import ledger`: the file (.csv UTF-8 / Shift_JIS, or .xlsx first sheet) is read and
checked whole (domain/registers/importing.py), then every new row is written in one transaction, in batches.
A row already imported (same register and number) with the same content is skipped; with other content it is
refused (row and column named) — a change of an imported entry is a 変更 through the API, not a re-import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import asyncpg

from domain import clock
from domain.ledger import RowError
from domain.profile import Profile
from domain.registers import importing
from kaiji.ledger_import import read_table
from store import registers


@dataclass
class RegisterImportReport:
    rows: int = 0
    by_register: dict[str, int] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)


async def import_registers(conn: asyncpg.Connection, path: Path, profile: Profile, *, dry_run: bool,
                           operator: str) -> RegisterImportReport:
    header, raw = read_table(path)
    parsed = importing.parse(header, raw, profile, clock.today())
    report = RegisterImportReport(rows=sum(1 for r in raw if any(c not in (None, "") for c in r)),
                                  errors=list(parsed.errors))
    if report.errors:
        return report
    async with conn.transaction():
        done = await registers.imported(conn, [(r.register, r.source_number) for r in parsed.rows])
        new = []
        for r in parsed.rows:
            before = done.get((r.register, r.source_number))
            if before is None:
                new.append(r)
                continue
            report.skipped += 1
            if before[1] != r.digest():
                report.errors.append(RowError(r.row, "番号", f"番号 {r.source_number} は取込済み（{before[0]}）で、"
                                              "内容が違います。変更は登録簿の「変更」で記録してください。"))
        report.by_register = {reg: sum(1 for r in new if r.register == reg) for reg in importing.rules.REGISTERS}
        if report.errors or dry_run:
            return report
        report.created = await registers.import_entries(
            conn, [(r.register, r.source_number, r.digest(), r.content, r.effective_on) for r in new],
            source=path.name, actor=operator)
    return report
