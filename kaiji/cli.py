"""The `kaiji` command (typer): run the stack or one component, migrate, users, audit, projections, keys."""

from __future__ import annotations

import asyncio
import signal
import sys
from typing import Annotated

import typer

from kaiji.cli_calendar import calendar_app
from kaiji.cli_registers import registers_app
from kaiji.cli_reports import import_app, report_app, simulate
from kaiji.settings import SettingsError, load_settings

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Kaiji (開示): disclosure case engine")
audit_app = typer.Typer(no_args_is_help=True, help="The tamper-evident audit chain")
projections_app = typer.Typer(no_args_is_help=True, help="Read models built from events")
user_app = typer.Typer(no_args_is_help=True, help="Staff accounts")
keys_app = typer.Typer(no_args_is_help=True, help="Encryption keys for personal data")
app.add_typer(audit_app, name="audit")
app.add_typer(projections_app, name="projections")
app.add_typer(user_app, name="user")
app.add_typer(keys_app, name="keys")
app.add_typer(report_app, name="report")
app.add_typer(import_app, name="import")
app.command("simulate")(simulate)
app.add_typer(calendar_app, name="calendar")
app.add_typer(registers_app, name="registers")


def _settings():
    try:
        return load_settings()
    except SettingsError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None


async def _with_conn(fn):
    from store.db import connect

    conn = await connect(_settings().effective_database_url())
    try:
        return await fn(conn)
    finally:
        await conn.close()


@app.command()
def up(demo: Annotated[bool, typer.Option(help="create demo users and cases")] = False,
       reset: Annotated[bool, typer.Option(help="wipe the data folder first")] = False) -> None:
    """Start PostgreSQL, Temporal (with Web UI), the worker and the API; Ctrl-C stops them all."""
    from kaiji.up import PortInUse, StartupFailed, run_until_stopped, start_stack

    settings = _settings()
    # SIGTERM while starting or seeding: unwind like Ctrl-C so the started children are stopped too.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        stack = asyncio.run(start_stack(settings, reset=reset))
    except (PortInUse, StartupFailed) as exc:
        typer.echo(f"kaiji up: {exc}", err=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    lines = ["Kaiji is ready.", f"  API:          {stack.api_url}  (OpenAPI: {stack.api_url}/docs)"]
    if stack.ui_url:
        lines.append(f"  Temporal UI:  {stack.ui_url}")
    lines.append(f"  Data folder:  {settings.data_path}")
    if demo:
        from kaiji.demo import seed

        try:
            users = asyncio.run(seed(settings, stack.api_url))
        except BaseException as exc:  # stop the stack we just started; never leave it running headless
            stack.supervisor.stop_all()
            if isinstance(exc, KeyboardInterrupt):
                raise typer.Exit(130) from None
            detail = getattr(getattr(exc, "response", None), "text", "")
            first = (str(exc).splitlines() or [type(exc).__name__])[0]
            typer.echo(f"kaiji up: creating the demo data failed: {first} {detail}".rstrip(), err=True)
            raise typer.Exit(1) from None
        lines.append("  Demo users (username / password / role / department):")
        lines += [f"    {u.username:<10} {u.password:<22} {u.role:<16} {u.department or ''}" for u in users]
    lines.append("Press Ctrl-C to stop.")
    print("\n".join(lines), flush=True)
    raise typer.Exit(run_until_stopped(stack))


@app.command()
def worker() -> None:
    """Run the Temporal worker against the configured services."""
    from worker import run_worker

    asyncio.run(run_worker(_settings()))


@app.command()
def api() -> None:
    """Run the HTTP API against the configured services."""
    import uvicorn

    from api.app import create_app

    settings = _settings()
    uvicorn.run(create_app(settings), host=settings.api_host, port=settings.api_port, log_config=None,
                access_log=False)


@app.command("migrate")
def migrate_cmd() -> None:
    """Apply database migrations (idempotent)."""
    from store.migrate import migrate
    from store.notices import plaintext_count

    async def run(conn):
        return await migrate(conn), await plaintext_count(conn)

    applied, plaintext = asyncio.run(_with_conn(run))
    typer.echo(f"applied {len(applied)} migration(s)" + (": " + ", ".join(applied) if applied else ""))
    if plaintext:
        typer.echo(f"{plaintext} notice(s) stored before migration 0009 are not encrypted yet: "
                   "run `kaiji keys rotate` to encrypt them")


@user_app.command("add")
def user_add(username: str, role: Annotated[str, typer.Option()],
             department: Annotated[str | None, typer.Option()] = None, display_name: str = "") -> None:
    """Create (or reset) a staff account; the password is read from stdin."""
    import re

    from domain.actors import ROLES, USERNAME_PATTERN
    from kaiji.security.passwords import PasswordHasher
    from store import users

    if not re.fullmatch(USERNAME_PATTERN, username):
        typer.echo(f"username must match {USERNAME_PATTERN} (lower case letters, digits, _ . -)", err=True)
        raise typer.Exit(2)
    if role not in ROLES:
        typer.echo(f"unknown role {role!r}; one of: {', '.join(ROLES)}", err=True)
        raise typer.Exit(2)
    if role in ("reviewer", "approver") and not department:
        typer.echo(f"role {role} needs --department", err=True)
        raise typer.Exit(2)
    password = sys.stdin.readline().rstrip("\n")
    if len(password) < 12:
        typer.echo("the password must have at least 12 characters", err=True)
        raise typer.Exit(2)
    digest = PasswordHasher().hash(password)
    asyncio.run(_with_conn(lambda c: users.add(c, username=username, password_hash=digest, role=role,
                                               department=department, display_name=display_name)))
    typer.echo(f"user {username} ({role}) saved")


@audit_app.command("verify")
def audit_verify(expect_head: Annotated[str | None, typer.Option(help="seq:hash from `kaiji audit head`")] = None) -> None:
    """Recompute the chain: exit 0 with count and head, or 1 naming the first broken entry."""
    from store import audit

    result = asyncio.run(_with_conn(lambda c: audit.verify(c, expect_head=expect_head)))
    if result.ok:
        typer.echo(f"ok: {result.entries} entries, head {result.head_seq}:{result.head}")
        return
    typer.echo(f"BROKEN at seq {result.broken_seq}: {result.reason}", err=True)
    raise typer.Exit(1)


@audit_app.command("head")
def audit_head() -> None:
    """Print the current head (seq:hash) to keep somewhere safe."""
    from store import audit

    seq, digest = asyncio.run(_with_conn(audit.head))
    typer.echo(f"{seq}:{digest}")


@projections_app.command("rebuild")
def projections_rebuild(check: Annotated[bool, typer.Option(help="only compare; exit 1 on a difference")] = False) -> None:
    """Replay every event into fresh projections (and replace the live ones unless --check)."""
    from store.rebuild import rebuild

    diffs = asyncio.run(_with_conn(lambda c: rebuild(c, check=check)))
    if diffs:
        for d in diffs:
            typer.echo(f"DIFFERENCE: {d}", err=True)
        if check:
            raise typer.Exit(1)
    typer.echo("projections match the events" if not diffs else "projections rebuilt")


@keys_app.command("rotate")
def keys_rotate() -> None:
    """Re-encrypt every personal value (parties, notices) with the first key of KAIJI_ENCRYPTION_KEYS."""
    from kaiji.secrets import load_secrets
    from store import notices
    from store.parties import PartyVault

    secrets = load_secrets(_settings())
    vault = PartyVault(secrets.cipher, secrets.search_key)

    async def rotate_all(conn):
        return await vault.rotate(conn), await notices.rotate(conn, secrets.cipher)

    parties, notes = asyncio.run(_with_conn(rotate_all))
    key = secrets.keyring.primary_id
    typer.echo(f"parties: re-encrypted {parties} record(s) with key {key}")
    typer.echo(f"notices: re-encrypted {notes.reencrypted} record(s) with key {key}")
    if notes.encrypted:
        typer.echo(f"notices: encrypted {notes.encrypted} record(s) stored in plaintext before migration 0009")


@app.command("reservations")
def reservations_cmd() -> None:
    """Case ids reserved whose case has not started: waiting for the worker's reconciler, or voided."""
    from store import registry

    rows = asyncio.run(_with_conn(registry.reservations))
    if not rows:
        typer.echo("no reservations waiting or voided")
    for r in rows:
        state = f"voided {r['voided_at'].isoformat(timespec='seconds')}: {r['void_reason']}" if r["voided_at"] \
            else "waiting for the reconciler"
        typer.echo(f"{r['case_id']}  {r['kind']:<7}  reserved {r['created_at'].isoformat(timespec='seconds')}  {state}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
