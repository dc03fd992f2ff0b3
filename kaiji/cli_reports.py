"""`kaiji report annual`, `kaiji import ledger`, `kaiji simulate`: the office's figures from the shell."""

from __future__ import annotations

import asyncio
import dataclasses
import getpass
import sys
from datetime import date, datetime, time
from pathlib import Path
from typing import Annotated

import typer

report_app = typer.Typer(no_args_is_help=True, help="Reports for the council and the assembly")
FORMATS = ("json", "csv", "xlsx", "pdf")


def _cut(as_of: str | None) -> datetime | None:
    """A date means "as it stood at the end of that Japan day"; an instant is taken as written."""
    from domain.clock import JST

    if not as_of:
        return None
    try:
        if len(as_of) == 10:
            return datetime.combine(date.fromisoformat(as_of), time.max, tzinfo=JST)
        moment = datetime.fromisoformat(as_of)
    except ValueError:
        typer.echo(f"--as-of: {as_of!r} is neither YYYY-MM-DD nor an ISO 8601 instant", err=True)
        raise typer.Exit(2) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=JST)


def operator() -> str:
    """Who ran the command, for the audit entry: the shell's user (the CLI has no sign-in)."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


@report_app.command("annual")
def annual(
    fiscal_year: Annotated[int, typer.Option("--fiscal-year", min=2000, max=2098, help="e.g. 2025 (令和7年度)")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="cut-off: YYYY-MM-DD (end of day JST) or instant")] = None,
    fmt: Annotated[str, typer.Option("--format", help="json | csv | xlsx | pdf")] = "json",
    out: Annotated[Path | None, typer.Option("--out", help="file to write (default: standard output)")] = None,
) -> None:
    """The annual operation-status report (運用状況) as it stood at the cut-off."""
    from api.reports import formats, service
    from api.reports.tables import tables
    from domain.era import format_fiscal_year
    from domain.profile import load_profile
    from kaiji.cli import _settings, _with_conn
    from store import audit

    if fmt not in FORMATS:
        typer.echo(f"--format: one of {', '.join(FORMATS)}", err=True)
        raise typer.Exit(2)
    if fmt in ("xlsx", "pdf") and out is None:
        typer.echo(f"--format {fmt} needs --out FILE", err=True)
        raise typer.Exit(2)
    profile = load_profile(_settings().profile)
    cut = _cut(as_of)

    async def run(conn):
        report, _ = await service.build(conn, profile, fiscal_year, cut)
        await audit.append(conn, audit.AuditEntry(operator(), "operator", "export", f"annual:{fiscal_year}",
                                                  {"what": f"annual.{fmt}", "as_of": report["as_of"]}))
        return report

    report = asyncio.run(_with_conn(run))
    title = f"{format_fiscal_year(fiscal_year)} {profile.municipality}情報公開制度等の運用状況"
    body = {
        "json": lambda: service.canonical(report),
        "csv": lambda: formats.to_csv(tables(report, profile)),
        "xlsx": lambda: formats.to_xlsx(tables(report, profile), title=title, as_of=report["as_of"]),
        "pdf": lambda: formats.to_pdf(tables(report, profile), title=title, municipality=profile.municipality,
                                      as_of=report["as_of"]),
    }[fmt]()
    if out is None:
        sys.stdout.buffer.write(body + (b"\n" if fmt == "json" else b""))
    else:
        out.write_bytes(body)
        typer.echo(f"{title}: {out} ({len(body):,} bytes, as of {report['as_of']})", err=True)


def simulate(
    fiscal_year: Annotated[int, typer.Option("--fiscal-year", min=2000, max=2098)],
    settings: Annotated[list[str], typer.Option("--set", help="profile KEY=VALUE, e.g. "
                                                "request_kinds.public_records.period_days=7")],
    as_json: Annotated[bool, typer.Option("--json", help="the full result as JSON")] = False,
) -> None:
    """Replay a fiscal year under changed rules and report what would have differed (nothing is written)."""
    import json

    from domain.profile import load_profile
    from domain.requests.evolve import fold
    from domain.simulation import SimulationError, simulate, with_overrides
    from kaiji.cli import _settings, _with_conn
    from store import reports

    pairs = {}
    for item in settings:
        key, sep, value = item.partition("=")
        if not sep or not key:
            typer.echo(f"--set {item!r}: write KEY=VALUE", err=True)
            raise typer.Exit(2)
        pairs[key.strip()] = value.strip()
    current = load_profile(_settings().profile)
    try:
        changed = with_overrides(current, pairs)
    except SimulationError as exc:
        typer.echo(f"kaiji simulate: {exc}", err=True)
        raise typer.Exit(2) from None
    streams = asyncio.run(_with_conn(lambda c: reports.request_streams(c, fiscal_year)))
    states = {k: dataclasses.asdict(fold(v)) for k, v in streams.items()}
    result = simulate(streams, states, current, changed, fiscal_year)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=1))
        return
    typer.echo(f"{fiscal_year}年度 (FY{fiscal_year}) with {', '.join(f'{k}={v}' for k, v in pairs.items())}:")
    typer.echo(f"  requests received:            {result['requests']}")
    typer.echo(f"  decision dates moved:         {result['deadlines_moved']}")
    typer.echo(f"  decisions that would be late: {result['newly_late']}")
    for dept, n in result["newly_late_by_department"].items():
        typer.echo(f"    {dept:<12} {n}")
    typer.echo(f"  no longer late:               {result['no_longer_late']}")
    typer.echo(f"  extensions beyond the limit:  {result['extensions_beyond_new_limit']}")
    typer.echo("(read-only: nothing was written)")


import_app = typer.Typer(no_args_is_help=True, help="Bring in history from outside Kaiji")


@import_app.command("ledger")
def import_ledger(
    file: Annotated[Path, typer.Argument(help="the old ledger, .csv or .xlsx (one row per decision)")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="check and count; write nothing")] = False,
) -> None:
    """Historical requests and decisions from the old ledger, as closed imported cases (idempotent)."""
    from domain.profile import load_profile
    from kaiji.cli import _settings, _with_conn
    from kaiji.ledger_import import import_ledger as run

    if not file.is_file():
        typer.echo(f"kaiji import ledger: {file}: no such file", err=True)
        raise typer.Exit(2)
    profile = load_profile(_settings().profile)
    try:
        report = asyncio.run(_with_conn(lambda c: run(c, file, profile, dry_run=dry_run, operator=operator())))
    except ValueError as exc:
        typer.echo(f"kaiji import ledger: {exc}", err=True)
        raise typer.Exit(2) from None
    if report.errors:
        typer.echo(f"{file.name}: {len(report.errors)} error(s); nothing was imported", err=True)
        for e in report.errors:
            typer.echo(f"  row {e.row}, {e.column}: {e.reason}", err=True)
        raise typer.Exit(1)
    verb = "would import" if dry_run else "imported"
    typer.echo(f"{file.name}: {report.rows} row(s), {report.requests} request(s), {report.decisions} decision(s); "
               f"{verb} {len(report.created) if not dry_run else report.requests - report.skipped}, "
               f"already imported {report.skipped}")
    if report.created:
        typer.echo(f"  cases {report.created[0]} … {report.created[-1]}")
