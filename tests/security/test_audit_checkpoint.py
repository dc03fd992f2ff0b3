"""Signed audit checkpoints (issue 17): a chain rewritten whole by a superuser is caught.

Real PostgreSQL (a fresh database per test), the real `kaiji` CLI, and the daily Temporal Schedule on the
test session's dev server."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
from temporalio.client import Client
from temporalio.worker import Worker

from activities.audit_checkpoint import AuditCheckpointActivities
from kaiji import audit_checkpoint
from kaiji.settings import Settings
from store import audit
from store.db import create_pool
from tests.conftest import TEMPLATE_DB
from workflows.audit_checkpoint import CRON, AuditCheckpointWorkflow, ensure_schedule


def settings_for(database_url: str, tmp_path: Path, **extra: object) -> Settings:
    return Settings(database_url=database_url, data_dir=tmp_path / "data", **extra)  # embedded: key generated


async def some_entries(conn: asyncpg.Connection, n: int = 5) -> None:
    for i in range(n):
        await audit.append(conn, audit.AuditEntry("johokokai", "records_officer", "case.read", f"R-{i}",
                                                  {"fields": ["address"]}))


async def rewrite_whole_chain(conn: asyncpg.Connection, seq: int) -> None:
    """What the issue did as superuser: triggers off, one entry changed, every later hash recomputed."""
    await conn.execute("set session_replication_role = replica")
    await conn.execute("update audit_log set actor = 'someone-else' where seq = $1", seq)
    prev = audit.GENESIS
    for r in await conn.fetch("select * from audit_log order by seq"):
        digest = audit.entry_hash(prev, seq=r["seq"], at=r["at"], actor=r["actor"], role=r["role"],
                                  action=r["action"], entity_id=r["entity_id"], detail=r["detail"])
        await conn.execute("update audit_log set prev_hash = $2, hash = $3 where seq = $1", r["seq"], prev, digest)
        prev = digest
    await conn.execute("set session_replication_role = origin")


async def test_rewritten_chain_is_caught_by_the_newest_checkpoint(database_url: str, conn, tmp_path: Path) -> None:
    settings = settings_for(database_url, tmp_path)
    await some_entries(conn)
    written = await audit_checkpoint.write(conn, settings)
    assert written.created and written.checkpoint.seq == 5
    key = audit_checkpoint.key_path(settings)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert json.loads(written.path.read_text())["hash"] == (await audit.head(conn))[1]
    assert (await audit_checkpoint.write(conn, settings)).created is False  # same head: the same file
    await some_entries(conn, 2)
    ok = await audit_checkpoint.verify(conn, settings)
    assert ok.ok and ok.checkpoint is not None and ok.checkpoint.seq == 5 and 0 <= (ok.age_seconds or 0) < 60

    await rewrite_whole_chain(conn, 3)
    assert (await audit.verify(conn)).ok  # the chain alone cannot see it
    caught = await audit_checkpoint.verify(conn, settings)
    assert not caught.ok and caught.chain_ok and caught.broken_seq == 5
    assert "differs from the checkpoint signed at seq 5" in (caught.reason or "")
    try:
        await audit_checkpoint.write(conn, settings)
        raise AssertionError("a rewritten chain must not be signed")
    except audit_checkpoint.CheckpointError as exc:
        assert "not signing" in str(exc)


async def test_a_forged_or_edited_checkpoint_is_refused(database_url: str, conn, tmp_path: Path) -> None:
    settings = settings_for(database_url, tmp_path)
    await some_entries(conn)
    written = await audit_checkpoint.write(conn, settings)
    data = json.loads(written.path.read_text())
    await rewrite_whole_chain(conn, 2)
    data["hash"] = (await audit.head(conn))[1]  # the attacker "updates" the checkpoint to the new chain
    os.chmod(written.path, 0o644)
    written.path.write_text(json.dumps(data))
    result = await audit_checkpoint.verify(conn, settings)
    assert not result.ok and "signature is not valid" in (result.reason or "")


async def test_each_database_has_its_own_checkpoints(database_url: str, conn, tmp_path: Path, pg_server: str) -> None:
    settings = settings_for(database_url, tmp_path)
    await some_entries(conn, 4)
    written = await audit_checkpoint.write(conn, settings)
    other_name = "t_" + uuid.uuid4().hex[:12]
    admin = await asyncpg.connect(f"{pg_server}/postgres")
    await admin.execute(f'create database "{other_name}" template {TEMPLATE_DB}')
    await admin.close()
    other = await asyncpg.connect(f"{pg_server}/{other_name}")
    try:
        assert (await audit_checkpoint.verify(other, settings)).checkpoint is None  # not judged by another's
        _, folder = await audit_checkpoint.database_folder(other, audit_checkpoint.directory(settings))
        folder.mkdir(parents=True)
        (folder / written.path.name).write_bytes(written.path.read_bytes())  # a copied file is no proof
        copied = await audit_checkpoint.verify(other, settings)
        assert not copied.ok and "signature is not valid" in (copied.reason or "")
    finally:
        await other.close()
        admin = await asyncpg.connect(f"{pg_server}/postgres")
        await admin.execute(f'drop database if exists "{other_name}" with (force)')
        await admin.close()


async def test_age_is_reported(database_url: str, conn, tmp_path: Path) -> None:
    settings = settings_for(database_url, tmp_path)
    await some_entries(conn, 1)
    signed = datetime.now(UTC) - timedelta(days=2, hours=3)
    await audit_checkpoint.write(conn, settings, now=signed)
    result = await audit_checkpoint.verify(conn, settings)
    assert result.ok and 2 * 86400 + 3 * 3600 - 5 <= (result.age_seconds or 0) <= 2 * 86400 + 3 * 3600 + 60
    view = result.checkpoint_view()
    assert view is not None and view["seq"] == 1 and view["ok"] is True


def kaiji(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kaiji.cli", *args], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=60)


async def test_cli_checkpoint_and_verify(database_url: str, conn, tmp_path: Path) -> None:
    env = {"KAIJI_DATABASE_URL": database_url, "KAIJI_DATA_DIR": str(tmp_path / "data"),
           "KAIJI_AUDIT_CHECKPOINT_DIR": str(tmp_path / "elsewhere")}
    await some_entries(conn)
    first = await asyncio.to_thread(kaiji, "audit", "verify", env=env)
    assert first.returncode == 0 and "no signed checkpoint yet" in first.stderr, first.stderr
    made = await asyncio.to_thread(kaiji, "audit", "checkpoint", env=env)
    assert made.returncode == 0 and "checkpoint written: seq 5:" in made.stdout, made.stderr
    assert len(list((tmp_path / "elsewhere").rglob("checkpoint-*.json"))) == 1
    good = await asyncio.to_thread(kaiji, "audit", "verify", env=env)
    assert good.returncode == 0 and "checkpoint: seq 5 signed" in good.stdout and "signature valid" in good.stdout
    await rewrite_whole_chain(conn, 4)
    bad = await asyncio.to_thread(kaiji, "audit", "verify", env=env)
    assert bad.returncode == 1 and "differs from the checkpoint signed at seq 5" in bad.stderr, bad.stdout
    refused = await asyncio.to_thread(kaiji, "audit", "checkpoint", env=env)
    assert refused.returncode == 1 and "refused" in refused.stderr


async def test_production_key_is_not_generated_unasked(database_url: str, conn, tmp_path: Path) -> None:
    settings = Settings(database_url=database_url, temporal_address="127.0.0.1:1", data_dir=tmp_path)
    try:
        await audit_checkpoint.write(conn, settings)
        raise AssertionError("no key file: must refuse")
    except audit_checkpoint.CheckpointError as exc:
        assert "KAIJI_AUDIT_CHECKPOINT_KEY" in str(exc)
    assert (await audit_checkpoint.write(conn, settings, create_key=True)).created


async def test_daily_schedule_signs_the_head(database_url: str, conn, tmp_path: Path, temporal_dev: str) -> None:
    queue = "checkpoint-" + uuid.uuid4().hex[:8]
    settings = settings_for(database_url, tmp_path, task_queue=queue)
    await some_entries(conn, 3)
    client = await Client.connect(temporal_dev)
    pool = await create_pool(database_url, max_size=2)
    schedule_id = "test-audit-checkpoint-" + uuid.uuid4().hex[:8]
    try:
        activities = AuditCheckpointActivities(pool, settings)
        async with Worker(client, task_queue=queue, workflows=[AuditCheckpointWorkflow],
                          activities=[activities.audit_checkpoint]):
            assert await ensure_schedule(client, queue, schedule_id)  # created, and triggered once at once
            assert not await ensure_schedule(client, queue, schedule_id)  # a second worker start: no duplicate
            _, folder = await audit_checkpoint.database_folder(conn, audit_checkpoint.directory(settings))
            for _ in range(300):
                if audit_checkpoint.newest(folder) is not None:
                    break
                await asyncio.sleep(0.1)
            cp = audit_checkpoint.newest(folder)
            assert cp is not None and cp.seq == 3
            described = await client.get_schedule_handle(schedule_id).describe()
            assert CRON in described.schedule.spec.cron_expressions or described.schedule.spec.calendars
            # a repeat of the activity for the same head is a no-op (idempotent)
            again = await audit_checkpoint.write(conn, settings)
            assert again.created is False
    finally:
        await client.get_schedule_handle(schedule_id).delete()
        await pool.close()
