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


async def _connect(dsn: str, source: str):
    """A connection, or exit 1 with one line saying where to and why not (a certificate the CA did not sign,
    a refused login, nobody listening) instead of a traceback; the URL's password is never printed."""
    import ssl
    from urllib.parse import urlsplit

    import asyncpg

    from store.db import connect

    try:
        return await connect(dsn)
    except (OSError, ssl.SSLError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
        where = urlsplit(dsn)
        reason = str(exc) or type(exc).__name__
        if isinstance(exc, ssl.SSLCertVerificationError):
            reason += " (is sslrootcert the CA that signed the server's certificate, and is the host its name?)"
        typer.echo(f"kaiji: cannot connect to PostgreSQL at {where.hostname}:{where.port or 5432}{where.path} "
                   f"({source}): {reason}", err=True)
        raise typer.Exit(1) from None


async def _with_conn(fn, *, owner: bool = False):
    """A connection as the app role, or (``owner``: migrate, projections rebuild, keys rotate) as the schema
    owner, KAIJI_MIGRATE_DATABASE_URL (store/roles.py)."""
    settings = _settings()
    conn = await _connect(settings.effective_migrate_url() if owner else settings.effective_database_url(),
                          "KAIJI_MIGRATE_DATABASE_URL" if owner and settings.migrate_database_url
                          else "KAIJI_DATABASE_URL" if settings.database_url else "the embedded PostgreSQL")
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
        applied = await migrate(conn)
        settings = _settings()
        from store import roles

        if settings.database_url is None:  # embedded: the app role's password from its 0600 file
            from kaiji.embedded import app_password

            await roles.set_password(conn, app_password(settings.data_path))
        elif settings.migrate_database_url:  # production: the app's URL names kaiji_app with its password
            from urllib.parse import unquote, urlsplit

            app_dsn = urlsplit(settings.database_url)
            if app_dsn.username == roles.APP_ROLE and app_dsn.password:
                await roles.set_password(conn, unquote(app_dsn.password))
        return applied, await plaintext_count(conn)

    applied, plaintext = asyncio.run(_with_conn(run, owner=True))
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
    """Recompute the chain and check it against the newest signed checkpoint (`kaiji audit checkpoint`):
    exit 0 with count, head and the checkpoint's age, or 1 naming what is broken."""
    from kaiji import audit_checkpoint
    from store import audit

    settings = _settings()

    async def run(conn):
        return await audit.verify(conn, expect_head=expect_head), await audit_checkpoint.verify(conn, settings)

    result, signed = asyncio.run(_with_conn(run))
    if not result.ok:
        typer.echo(f"BROKEN at seq {result.broken_seq}: {result.reason}", err=True)
        raise typer.Exit(1)
    if not signed.ok:
        typer.echo(f"BROKEN: {signed.reason}", err=True)
        raise typer.Exit(1)
    typer.echo(f"ok: {result.entries} entries, head {result.head_seq}:{result.head}")
    if signed.checkpoint is None:
        typer.echo("warning: no signed checkpoint yet (run `kaiji audit checkpoint`)", err=True)
    else:
        typer.echo(f"checkpoint: seq {signed.checkpoint.seq} signed {signed.checkpoint.at} "
                   f"({_age(signed.age_seconds or 0)} ago), signature valid, chain matches")


def _age(seconds: int) -> str:
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    return f"{days}d {hours}h" if days else f"{hours}h {rest // 60}m"


@audit_app.command("checkpoint")
def audit_checkpoint_cmd(
    create_key: Annotated[bool, typer.Option(help="generate KAIJI_AUDIT_CHECKPOINT_KEY (0600) if it is absent")] = False,
) -> None:
    """Sign the chain head (Ed25519, key outside the database) and write it to the checkpoint directory."""
    from kaiji import audit_checkpoint

    settings = _settings()
    try:
        written = asyncio.run(_with_conn(lambda c: audit_checkpoint.write(c, settings, create_key=create_key)))
    except audit_checkpoint.CheckpointError as exc:
        typer.echo(f"refused: {exc}", err=True)
        raise typer.Exit(1) from None
    cp = written.checkpoint
    state = "written" if written.created else "already signed"
    typer.echo(f"checkpoint {state}: seq {cp.seq}:{cp.hash} key {cp.key_id} -> {written.path}")


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

    diffs = asyncio.run(_with_conn(lambda c: rebuild(c, check=check), owner=True))  # a scratch schema: DDL
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

    parties, notes = asyncio.run(_with_conn(rotate_all, owner=True))  # notices' ciphertext: owner only
    key = secrets.keyring.primary_id
    typer.echo(f"parties: re-encrypted {parties} record(s) with key {key}")
    typer.echo(f"notices: re-encrypted {notes.reencrypted} record(s) with key {key}")
    if notes.encrypted:
        typer.echo(f"notices: encrypted {notes.encrypted} record(s) stored in plaintext before migration 0009")


@app.command("backup")
def backup_cmd(folder: Annotated[str, typer.Argument(help="a new folder: kaiji.dump + manifest.json")],
               pg_bin: Annotated[str | None, typer.Option(help="folder of pg_dump (default: the wheel's)")] = None,
               ) -> None:
    """Dump PostgreSQL (pg_dump, one snapshot) with the audit head of that snapshot (kaiji/backup.py)."""
    from pathlib import Path

    from kaiji.backup import BackupError, backup

    try:
        m = asyncio.run(backup(_settings().effective_database_url(), Path(folder),
                               pg_bin=Path(pg_bin) if pg_bin else None))
    except BackupError as exc:
        typer.echo(f"kaiji backup: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"backup in {folder}: audit head {m.audit_head}, {m.open_cases} open case(s), "
               f"schema {m.last_migration}")
    typer.echo("keep the audit head apart from the dump as well (it proves the restore is complete)")


@app.command("restore")
def restore_cmd(folder: Annotated[str, typer.Argument(help="a folder written by `kaiji backup`")],
                expect_head: Annotated[str | None, typer.Option(help="seq:hash kept apart (default: the manifest's)")] = None,
                pg_bin: Annotated[str | None, typer.Option(help="folder of pg_restore (default: the wheel's)")] = None,
                workflows: Annotated[bool, typer.Option(help="check the open cases' workflows on Temporal "
                                                             "(default: when KAIJI_TEMPORAL_ADDRESS is set)")] = True,
                ) -> None:
    """Restore a backup into the EMPTY database of KAIJI_DATABASE_URL, then check audit, projections, workflows."""
    from pathlib import Path

    from temporalio.client import Client

    from kaiji.backup import BackupError, check_workflows, restore
    from kaiji.temporal import leave_command, tls_config

    settings = _settings()
    url = settings.effective_database_url()
    used_temporal = workflows and bool(settings.temporal_address)

    async def run():
        report = await restore(url, Path(folder), pg_bin=Path(pg_bin) if pg_bin else None, expect_head=expect_head)
        if used_temporal:
            client = await Client.connect(settings.temporal_address, namespace=settings.temporal_namespace,
                                          tls=tls_config(settings), api_key=settings.temporal_api_key)
            await check_workflows(report, url, client)
        return report

    try:
        report = asyncio.run(run())
    except BackupError as exc:
        typer.echo(f"kaiji restore: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"restored {folder} (taken {report.manifest.taken_at}, schema {report.manifest.last_migration})")
    typer.echo(f"audit: {'ok' if report.audit_ok else 'BROKEN'}: {report.audit_detail}")
    for d in report.projection_differences:
        typer.echo(f"projections: DIFFERENCE: {d}", err=True)
    if not report.projection_differences:
        typer.echo("projections match the events")
    if report.workflows_checked:
        typer.echo(f"workflows: {report.workflows_found} open case(s) running, {len(report.workflows_missing)} missing"
                   + (": " + ", ".join(report.workflows_missing[:20]) if report.workflows_missing else ""))
    if used_temporal:
        leave_command(0 if report.ok else 1)
    if not report.ok:
        raise typer.Exit(1)


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
