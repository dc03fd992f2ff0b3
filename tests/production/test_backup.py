"""`kaiji backup` / `kaiji restore` (issue 16): a backup restored into a fresh database passes `audit verify`
against the head recorded with it, `projections rebuild --check`, and finds the open cases' workflows again."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import subprocess
import sys
import uuid
from pathlib import Path

import asyncpg

from domain.clock import today
from store.db import connect
from tests.conftest import TEMPLATE_DB
from tests.integration.conftest import api_settings, serving


async def kaiji(*args: str, database_url: str, temporal: str | None = None, data: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "KAIJI_DATABASE_URL": database_url, "KAIJI_DATA_DIR": str(data)}
    env.pop("KAIJI_TEMPORAL_ADDRESS", None)
    if temporal:
        env["KAIJI_TEMPORAL_ADDRESS"] = temporal
    return await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "kaiji.cli", *args], capture_output=True,
                                   text=True, env=env, timeout=120)


async def create_db(pg_server: str, name: str, template: str) -> str:
    admin = await asyncpg.connect(f"{pg_server}/postgres")
    await admin.execute(f'create database "{name}" template {template}')
    await admin.close()
    return f"{pg_server}/{name}"


async def test_backup_restores_into_a_fresh_database(pg_server: str, temporal_dev: str, keyring,
                                                     tmp_path: Path) -> None:
    source = await create_db(pg_server, "bk_" + uuid.uuid4().hex[:10], TEMPLATE_DB)
    conn = await connect(source)  # case numbers far from the other tests' on the shared Temporal server
    start = 300_000 + secrets.randbelow(150_000)
    for fy in range(today().year - 2, today().year + 2):
        await conn.execute("insert into case_counters (series, fiscal_year, last_number) values ('R', $1, $2)", fy, start)
    await conn.close()
    settings = api_settings(source, temporal_dev, keyring, tmp_path / "data", "backup")
    folder = tmp_path / "backup"
    async with serving(settings, pool_size=4) as api:
        kept = [await api.register(subject=f"バックアップ {i}") for i in range(2)]
        gone = await api.register(subject="取下げ")
        assert (await api.act(gone["id"], "withdraw", {"reason": "取下書の提出"}, "madoguchi")).status_code == 200

        done = await kaiji("backup", str(folder), database_url=source, data=tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["open_cases"] == 2 and manifest["last_migration"]
        assert (folder / "kaiji.dump").stat().st_mode & 0o077 == 0
        later = await api.register(subject="バックアップの後")  # the live chain moves past the backup

    live_head = (await kaiji("audit", "head", database_url=source, data=tmp_path)).stdout.strip()
    assert live_head != manifest["audit_head"]

    target = await create_db(pg_server, "restored_" + uuid.uuid4().hex[:10], "template0")
    r = await kaiji("restore", str(folder), database_url=target, temporal=temporal_dev, data=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"head {manifest['audit_head']}" in r.stdout
    assert "projections match the events" in r.stdout
    assert "workflows: 2 open case(s) running, 0 missing" in r.stdout

    verify = await kaiji("audit", "verify", "--expect-head", manifest["audit_head"], database_url=target, data=tmp_path)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    check = await kaiji("projections", "rebuild", "--check", database_url=target, data=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    conn = await connect(target)
    try:
        rows = {r["case_id"]: r["status"] for r in await conn.fetch("select case_id, status from case_view")}
        assert {c["id"] for c in kept} | {gone["id"]} == set(rows) and rows[gone["id"]] == "closed"
        assert later["id"] not in rows  # a point in time: what came after is not there
        assert await conn.fetchval("select count(*) from pg_roles where rolname = 'kaiji_app'") == 1
    finally:
        await conn.close()

    # The head kept apart is newer than the dump: the restore is not the complete chain, and says so.
    stale = await kaiji("audit", "verify", "--expect-head", live_head, database_url=target, data=tmp_path)
    assert stale.returncode == 1 and "BROKEN" in stale.stderr
    # Never over data: a second restore into the now-filled database is refused.
    again = await kaiji("restore", str(folder), database_url=target, data=tmp_path)
    assert again.returncode == 1 and "not empty" in again.stderr
    # A folder that already holds a backup is not overwritten.
    twice = await kaiji("backup", str(folder), database_url=source, data=tmp_path)
    assert twice.returncode == 1 and "already holds a backup" in twice.stderr
