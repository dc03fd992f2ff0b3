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


LEDGER = """受付番号,受付日,請求者区分,件名,担当課,実施機関,決定日,決定区分,適用条項,延長,備考
5-001,令和5年4月3日,,道路台帳,都市計画課,,令和5年4月14日,部分公開,9-2、9-4-ウ,無,
5-001,令和5年4月3日,,道路台帳,toshi,小金井市長,2023-04-20,不存在,,,一部は未作成
5-002,2023-05-01,,議事録,学校教育課,,,取下げ,,,
5-003,2023-06-01,,会議録,総務課,,2023-07-20,公開,,特例,
"""


async def test_import_ledger_is_all_or_nothing_and_idempotent(database_url: str, tmp_path, conn) -> None:
    import json

    env = {"KAIJI_DATABASE_URL": database_url}
    bad = tmp_path / "bad.csv"
    bad.write_text(LEDGER + "5-004,令和5年13月1日,,x,somu,,,公開,,,\n", encoding="utf-8")
    result = kaiji("import", "ledger", str(bad), env=env)
    assert result.returncode == 1 and "row 6, 受付日" in result.stderr and "nothing was imported" in result.stderr
    assert await conn.fetchval("select count(*) from events") == 0

    good = tmp_path / "ledger.csv"
    good.write_text(LEDGER, encoding="utf-8")
    dry = kaiji("import", "ledger", str(good), "--dry-run", env=env)
    assert dry.returncode == 0 and "would import 3" in dry.stdout
    assert await conn.fetchval("select count(*) from events") == 0
    first = kaiji("import", "ledger", str(good), env=env)
    assert first.returncode == 0, first.stderr
    assert "imported 3" in first.stdout
    again = kaiji("import", "ledger", str(good), env=env)
    assert again.returncode == 0 and "imported 0, already imported 3" in again.stdout

    report = json.loads(kaiji("report", "annual", "--fiscal-year", "2023", env=env).stdout)
    assert report["requests"]["total"] == 3 and report["decisions"]["total"] == 3
    assert report["decisions"]["by_body"]["mayor"] == {"full": 1, "partial": 1, "non_disclosure": 0, "not_held": 1,
                                                      "ncnd": 0, "dismissed": 0}
    assert report["withdrawn"] == 1 and report["clauses"] == {"9-2": 1, "9-4-ウ": 1}
    assert report["extensions"]["large_volume"] == 1
    assert await conn.fetchval("select count(*) from notices") == 0  # no notice re-issued
    states = await conn.fetch("select status, state from case_view order by case_id")
    assert {r["status"] for r in states} == {"closed"}
    assert all(r["state"]["imported"]["source"] == "ledger.csv" for r in states)
    check = kaiji("projections", "rebuild", "--check", env=env)
    assert check.returncode == 0, check.stderr
