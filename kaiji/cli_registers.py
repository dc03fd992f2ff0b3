"""`kaiji registers import FILE`: the city's 個人情報ファイル簿 / 取扱登録簿 entries, a later file applied as 変更 /
廃止 versions (idempotent: the same file twice changes nothing)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from kaiji.registers_import import RegisterImportReport

registers_app = typer.Typer(no_args_is_help=True, help="The personal-information registers")


@registers_app.command("import")
def import_registers(
    file: Annotated[Path, typer.Argument(help=".csv or .xlsx, one row per entry (docs/decisions/registers.md)")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="check and count; write nothing")] = False,
) -> None:
    """Register entries from the city's registers: new rows as 新規, changed rows as 変更, rows whose 区分 is 廃止
    as 廃止 (a re-import of the same file changes nothing; entries missing from the file are listed, not
    abolished)."""
    from domain.profile import load_profile
    from kaiji.cli import _settings, _with_conn
    from kaiji.cli_reports import operator
    from kaiji.registers_import import import_registers as run

    if not file.is_file():
        typer.echo(f"kaiji registers import: {file}: no such file", err=True)
        raise typer.Exit(2)
    profile = load_profile(_settings().profile)
    try:
        report = asyncio.run(_with_conn(lambda c: run(c, file, profile, dry_run=dry_run, operator=operator())))
    except ValueError as exc:
        typer.echo(f"kaiji registers import: {exc}", err=True)
        raise typer.Exit(2) from None
    if report.errors:
        typer.echo(f"{file.name}: {len(report.errors)} error(s); nothing was imported", err=True)
        for e in report.errors:
            typer.echo(f"  row {e.row}, {e.column}: {e.reason}", err=True)
        raise typer.Exit(1)
    typer.echo(summary(file.name, report, dry_run=dry_run))


def summary(name: str, report: RegisterImportReport, *, dry_run: bool) -> str:
    """新規 n, 変更 n, 廃止 n, 変更なし n; then what was written and what staff should check."""
    from domain.registers.importing import COLUMNS
    from domain.registers.rules import REGISTER_LABELS

    headings = {f: h for h, (f, _) in COLUMNS.items()}
    per_register = "、".join(f"{REGISTER_LABELS[r]} {n}" for r, n in report.by_register.items())
    lines = [f"{name}: {report.rows} row(s){' (dry run: nothing written)' if dry_run else ''}; "
             f"新規 {sum(report.by_register.values())} ({per_register}), 変更 {len(report.changed)}, "
             f"廃止 {len(report.abolished)}, 変更なし {report.unchanged}"]
    if report.created:
        lines.append(f"  新規 {', '.join(report.created[:3])}{' …' if len(report.created) > 3 else ''}")
    for v in report.changed:
        fields = "、".join(headings.get(f, f) for f in v["fields"])
        lines.append(f"  変更 {v['entry_id']} v{v['version']} (番号 {v['source_number']}: {fields})")
    for v in report.abolished:
        lines.append(f"  廃止 {v['entry_id']} v{v['version']} (番号 {v['source_number']})")
    if report.kept_in_kaiji:
        lines.append(f"  changed in Kaiji after the last import, the file still has the earlier content (kept as in "
                     f"Kaiji): {', '.join(report.kept_in_kaiji)}")
    if report.missing:
        one = len(report.missing) == 1
        lines.append(f"  to check: {len(report.missing)} entr{'y' if one else 'ies'} imported before "
                     f"{'is' if one else 'are'} not in this file and {'was' if one else 'were'} NOT abolished "
                     "(mark a row 区分 廃止 with its 廃止日, or abolish it in Kaiji):")
        lines += [f"    {REGISTER_LABELS[m['register']]} 番号 {m['source_number']} ({m['entry_id']})"
                  for m in report.missing]
    return "\n".join(lines)
