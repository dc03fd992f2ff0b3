"""`kaiji calendar check [--apply]`: open cases whose dates the installed holiday table would change."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

calendar_app = typer.Typer(no_args_is_help=True, help="The office calendar: holidays and closure days")


@calendar_app.command("check")
def calendar_check(apply: Annotated[bool, typer.Option(help="record the new dates on the cases")] = False) -> None:
    """Open cases whose dates the installed holiday table (jpholiday) would change; exit 1 if any (unless --apply)."""
    from domain.profile import load_profile
    from kaiji.calendar_check import audit_apply, check, describe, table_version
    from kaiji.calendar_delivery import deliver
    from kaiji.cli import _settings, _with_conn
    from kaiji.cli_reports import operator
    from kaiji.secrets import load_secrets
    from kaiji.temporal import connect_client, leave_command

    settings = _settings()
    profile = load_profile(settings.profile)

    async def run():
        result = await _with_conn(lambda c: check(c, profile, operator()))
        if not apply or not result.pending:
            return result, None
        client = await connect_client(settings, load_secrets(settings))
        await _with_conn(lambda c: audit_apply(c, result))
        return result, await deliver(client, result.change, [o.case_id for o in result.pending])

    result, delivery = asyncio.run(run())
    for outcome in (delivery.affected if delivery else result.pending):
        typer.echo(describe(outcome))
    if delivery is not None:
        typer.echo(f"applied: {len(delivery.affected)} case(s) changed (jpholiday {table_version()})")
        for case_id in delivery.unreached:
            typer.echo(f"UNREACHED: {case_id}", err=True)
        leave_command(1 if delivery.unreached else 0)  # a Temporal client was used: no teardown abort
    if not result.pending:
        typer.echo(f"no open case would change (jpholiday {table_version()})")
        return
    typer.echo(f"{len(result.pending)} open case(s) would change; run `kaiji calendar check --apply`")
    raise typer.Exit(1)
