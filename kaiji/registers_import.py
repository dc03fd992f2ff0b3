"""`kaiji registers import FILE [--dry-run]`: the city's register entries, first as version-1 entries (新規), then
each later file of the same registers applied as dated versions (変更 / 廃止; APPI 75(1): the ファイル簿 is kept
up to date when a file changes or ends).

All or nothing, like `kaiji import ledger`: the file (.csv UTF-8 / Shift_JIS, or .xlsx first sheet) is read and
checked whole (domain/registers/importing.py), then compared with what is stored under one advisory lock and the
entries' row locks, and every version is written in one transaction, in batches. Any error in any row (row and
column named) and nothing is written.

A row's key is its register and the city's own number (番号), mapped to the Kaiji entry by ``register_imports``:

* an unknown key is a 新規 (unless its 区分 says 変更 or 廃止: then the 番号 is wrong, an error);
* a known key whose content is the entry's latest version, or still the version the import last wrote (the
  entry was changed in Kaiji since and the file does not say otherwise), is 変更なし: importing the same file
  twice changes nothing;
* otherwise it is a 変更 with the row's content, dated by its 登録日 (default the day of the import), under the
  API's rules (never before the version it follows, never after a 廃止, the number of persons stays on its side
  of 1,000: APPI 75 / 施行令 20);
* 区分 廃止 with its 廃止日 is a 廃止 (an entry already abolished: 変更なし).

Entries imported before and missing from the file are not abolished: they are listed for staff to check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg

from domain import clock
from domain.ledger import RowError
from domain.profile import Profile
from domain.registers import importing, rules
from kaiji.ledger_import import read_table
from store import registers


@dataclass
class RegisterImportReport:
    rows: int = 0
    by_register: dict[str, int] = field(default_factory=dict)  # 新規 per register
    created: list[str] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)  # {entry_id, version, source_number, fields}
    abolished: list[dict[str, Any]] = field(default_factory=list)  # {entry_id, version, source_number}
    unchanged: int = 0
    kept_in_kaiji: list[str] = field(default_factory=list)  # changed in Kaiji since; the file has the old content
    missing: list[dict[str, Any]] = field(default_factory=list)  # imported before, not in this file, in force
    errors: list[RowError] = field(default_factory=list)

    @property
    def skipped(self) -> int:  # the earlier name of 変更なし
        return self.unchanged


def _content(v: dict[str, Any]) -> dict[str, Any]:
    return {f: (list(v[f]) if isinstance(v[f], list | tuple) else v[f]) for f in rules.CONTENT_FIELDS}


def _plan_row(r: importing.ImportRow, before: dict[str, Any] | None, latest: dict[str, Any] | None,
              base: dict[str, Any] | None, source: str, report: RegisterImportReport) -> dict[str, Any] | None:
    """What one row does to a known entry: None (変更なし, or an error appended), or the version to write."""
    key = f"番号 {r.source_number}"
    if before is None or latest is None:  # a key not imported before
        if r.change in ("changed", "abolished"):
            label = rules.CHANGE_LABELS[r.change]
            report.errors.append(RowError(r.row, "番号", f"{key} は取り込まれていないので{label}できません。"
                                          "番号か登録簿を確かめてください。"))
        return None
    entry = before["entry_id"]
    if r.abolishes:
        if latest["change"] == "abolished":
            report.unchanged += 1
            return None
        content, fields = _content(latest), []
    else:
        assert r.content is not None
        if r.content == _content(latest) or (base is not None and r.content == _content(base)):
            if r.content != _content(latest):
                report.kept_in_kaiji.append(entry)
            report.unchanged += 1
            return None
        content = r.content
        fields = [f for f in rules.CONTENT_FIELDS if content[f] != latest[f]]
        try:
            rules.check_register(latest["register"], content["persons"])
        except rules.RegisterRuleError as err:
            report.errors.append(RowError(r.row, "本人の数", f"{entry}: {err} 廃止して、もう一方の登録簿に新規で登録してください。"))
            return None
    change = "abolished" if r.abolishes else "changed"
    try:
        rules.next_version_rule(latest, change, r.effective_on)
    except rules.RegisterRuleError as err:
        report.errors.append(RowError(r.row, "廃止日" if r.abolishes else "登録日", f"{entry}: {err}"))
        return None
    label = rules.CHANGE_LABELS[change]
    return {
        "entry_id": entry, "version": latest["version"] + 1, "change": change, "effective_on": r.effective_on,
        "content": content, "row_hash": r.digest(), "source_number": r.source_number, "fields": fields,
        "register": r.register,
        "reason": f"登録簿ファイルからの{label}（{source}、{key}{'：' + '、'.join(fields) if fields else ''}）",
    }


async def import_registers(conn: asyncpg.Connection, path: Path, profile: Profile, *, dry_run: bool,
                           operator: str) -> RegisterImportReport:
    header, raw = read_table(path)
    parsed = importing.parse(header, raw, profile, clock.today())
    report = RegisterImportReport(rows=sum(1 for r in raw if any(c not in (None, "") for c in r)),
                                  errors=list(parsed.errors))
    if not parsed.rows:  # a missing column, or every row wrong: nothing to compare
        return report
    async with conn.transaction():
        await registers.import_lock(conn)
        done = await registers.imported(conn, [(r.register, r.source_number) for r in parsed.rows])
        latest = await registers.import_latest(conn, [d["entry_id"] for d in done.values()])
        # what the import last wrote, read only where the row is not the entry as it stands
        contents = {(r.register, r.source_number): r.content for r in parsed.rows}
        base = await registers.versions_at(conn, [
            (d["entry_id"], d["version"]) for key, d in done.items()
            if d["entry_id"] in latest and d["version"] != latest[d["entry_id"]]["version"]
            and contents.get(key) is not None and contents[key] != _content(latest[d["entry_id"]])])
        new: list[importing.ImportRow] = []
        versions: list[dict[str, Any]] = []
        for r in parsed.rows:
            before = done.get((r.register, r.source_number))
            if before is None and r.change not in ("changed", "abolished"):
                new.append(r)
                continue
            entry = None if before is None else before["entry_id"]
            planned = _plan_row(r, before, latest.get(entry or ""),
                                None if before is None else base.get((entry, before["version"])),
                                path.name, report)
            if planned is not None:
                versions.append(planned)
        report.by_register = {reg: sum(1 for r in new if r.register == reg) for reg in rules.REGISTERS}
        report.changed = [{k: v[k] for k in ("entry_id", "version", "source_number", "fields")}
                          for v in versions if v["change"] == "changed"]
        report.abolished = [{k: v[k] for k in ("entry_id", "version", "source_number")}
                            for v in versions if v["change"] == "abolished"]
        in_file = {(r.register, r.source_number) for r in parsed.rows}
        report.missing = [m for m in await registers.imported_not_abolished(
            conn, sorted({r.register for r in parsed.rows})) if (m["register"], m["source_number"]) not in in_file]
        if report.errors:  # the rows' own errors and those against what is stored, in row order; nothing written
            report.errors.sort(key=lambda e: e.row)
            report.changed, report.abolished, report.missing, report.kept_in_kaiji = [], [], [], []
            return report
        if dry_run:
            return report
        report.created = await registers.import_entries(
            conn, [(r.register, r.source_number, r.digest(), r.content, r.effective_on) for r in new],
            source=path.name, actor=operator)
        await registers.import_versions(conn, versions, source=path.name, actor=operator)
        if report.created or versions:
            await registers.import_audit(
                conn, source=path.name, actor=operator, created=report.created,
                changed=[{"id": v["entry_id"], "version": v["version"]} for v in report.changed],
                abolished=[{"id": v["entry_id"], "version": v["version"]} for v in report.abolished],
                by_register={reg: {"new": report.by_register[reg],
                                   "changed": sum(1 for v in versions if v["register"] == reg
                                                  and v["change"] == "changed"),
                                   "abolished": sum(1 for v in versions if v["register"] == reg
                                                    and v["change"] == "abolished")}
                             for reg in rules.REGISTERS})
    return report
