"""`kaiji registers import FILE`: the city's existing 個人情報ファイル簿 / 取扱登録簿 entries (idempotent)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

registers_app = typer.Typer(no_args_is_help=True, help="The personal-information registers")


@registers_app.command("import")
def import_registers(
    file: Annotated[Path, typer.Argument(help=".csv or .xlsx, one row per entry (docs/decisions/registers.md)")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="check and count; write nothing")] = False,
) -> None:
    """Register entries from the city's existing registers, as version-1 entries (a re-import adds nothing)."""
    from domain.profile import load_profile
    from domain.registers.rules import REGISTER_LABELS
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
    counts = "、".join(f"{REGISTER_LABELS[r]} {n}" for r, n in report.by_register.items())
    verb = "would import" if dry_run else "imported"
    typer.echo(f"{file.name}: {report.rows} row(s); {verb} {sum(report.by_register.values())} ({counts}), "
               f"already imported {report.skipped}")
    if report.created:
        typer.echo(f"  entries {', '.join(report.created[:3])}{' …' if len(report.created) > 3 else ''}")
