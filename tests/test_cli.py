"""The `kaiji` command as an operator uses it."""

from __future__ import annotations

import os
import subprocess
import sys

from store import users


def kaiji(*args: str, env: dict[str, str] | None = None, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kaiji.cli", *args], input=stdin, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=60)


def test_bad_setting_fails_fast_naming_the_variable() -> None:
    result = kaiji("migrate", env={"KAIJI_API_PORT": "eighty"})
    assert result.returncode == 2
    assert "KAIJI_API_PORT" in result.stderr and "Traceback" not in result.stderr


async def test_user_add_reads_the_password_from_stdin_and_stores_argon2id(database_url: str, conn) -> None:
    env = {"KAIJI_DATABASE_URL": database_url}
    result = kaiji("user", "add", "suzuki", "--role", "reviewer", "--department", "toshi", env=env,
                   stdin="a-long-enough-password\n")
    assert result.returncode == 0, result.stderr
    user = await users.get(conn, "suzuki")
    assert user is not None and user.role == "reviewer" and user.department == "toshi"
    assert user.password_hash.startswith("$argon2id$") and "m=19456" in user.password_hash
    assert kaiji("user", "add", "xx", "--role", "wizard", env=env, stdin="a-long-enough-password\n").returncode == 2
    upper = kaiji("user", "add", "Suzuki", "--role", "front_desk", env=env, stdin="a-long-enough-password\n")
    assert upper.returncode == 2 and "lower case" in upper.stderr  # one account per name, whatever the case
    assert kaiji("user", "add", "yy", "--role", "reviewer", env=env, stdin="a-long-enough-password\n").returncode == 2


async def test_migrate_is_idempotent(database_url: str) -> None:
    result = kaiji("migrate", env={"KAIJI_DATABASE_URL": database_url})
    assert result.returncode == 0 and "applied 0 migration(s)" in result.stdout


async def test_report_annual_writes_each_format(database_url: str, tmp_path) -> None:
    import json

    env = {"KAIJI_DATABASE_URL": database_url}
    result = kaiji("report", "annual", "--fiscal-year", "2025", "--as-of", "2026-03-31", env=env)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["fiscal_year"] == 2025 and report["requests"]["total"] == 0
    assert report["as_of"].startswith("2026-03-31T23:59:59")
    assert kaiji("report", "annual", "--fiscal-year", "2025", "--format", "xlsx", env=env).returncode == 2
    assert kaiji("report", "annual", "--fiscal-year", "2025", "--as-of", "yesterday", env=env).returncode == 2
    out = tmp_path / "annual.pdf"
    result = kaiji("report", "annual", "--fiscal-year", "2025", "--format", "pdf", "--out", str(out), env=env)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF")


async def test_simulate_is_read_only_and_names_a_wrong_key(database_url: str) -> None:
    env = {"KAIJI_DATABASE_URL": database_url}
    result = kaiji("simulate", "--fiscal-year", "2025", "--set", "request_kinds.public_records.period_days=7", env=env)
    assert result.returncode == 0, result.stderr
    assert "decisions that would be late: 0" in result.stdout and "nothing was written" in result.stdout
    bad = kaiji("simulate", "--fiscal-year", "2025", "--set", "request_kinds.public_records.period=7", env=env)
    assert bad.returncode == 2 and "period" in bad.stderr and "Traceback" not in bad.stderr


async def test_reservations_lists_waiting_and_voided_ids(database_url: str, conn) -> None:
    await conn.execute("insert into registrations (idempotency_key, case_id, request_hash) values ('k1', 'R-2026-09001', 'h')")
    await conn.execute("""insert into registrations (idempotency_key, case_id, request_hash, voided_at, void_reason)
                          values ('k2', 'R-2026-09002', 'h', now(), 'never started')""")
    result = kaiji("reservations", env={"KAIJI_DATABASE_URL": database_url})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any("R-2026-09001" in line and "waiting" in line for line in lines), lines
    assert any("R-2026-09002" in line and "voided" in line and "never started" in line for line in lines), lines
