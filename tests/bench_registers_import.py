"""On-demand timing of `kaiji registers import` (not collected by `make test`: no ``test_`` file prefix).

    .venv/bin/python -m pytest -q -s tests/bench_registers_import.py

The city's 91 + 127 entries, then ten times as many; each imported into a fresh database and imported again
(the re-import only reads and compares). Figures in docs/decisions/registers.md.
"""

from __future__ import annotations

import time
from pathlib import Path

from domain.profile import load_profile
from kaiji.registers_import import import_registers

HEADER = "登録簿,番号,名称,担当課,利用目的,記録項目,記録範囲,本人の数,収集方法,経常的提供先,保存期間,安全管理措置,電子・紙の別,登録日\n"


def rows(n_file: int, n_handling: int) -> str:
    out = [f"個人情報ファイル簿,{i + 1},ファイル{i + 1},市民課,事務のため,氏名、住所、生年月日、電話番号,市民,{1000 + i * 37},"
           "本人,,10年,アクセス制御,電子,2023-04-01" for i in range(n_file)]
    out += [f"個人情報取扱登録簿,{i + 1},名簿{i + 1},総務課,連絡のため,氏名、電話番号,関係者,{10 + i % 900},本人,,5年,"
            "施錠保管,紙,2023-04-01" for i in range(n_handling)]
    return HEADER + "\n".join(out) + "\n"


async def test_import_timing(database_url: str, tmp_path: Path) -> None:
    from store.db import connect

    profile = load_profile("koganei")
    for n_file, n_handling in ((91, 127), (910, 1270)):
        conn = await connect(database_url)
        try:
            await conn.execute("delete from register_imports")  # the second file reuses the numbers
            f = tmp_path / f"registers-{n_file}.csv"
            f.write_text(rows(n_file, n_handling), encoding="utf-8")
            t = time.perf_counter()
            first = await import_registers(conn, f, profile, dry_run=False, operator="bench")
            took = time.perf_counter() - t
            t = time.perf_counter()
            again = await import_registers(conn, f, profile, dry_run=False, operator="bench")
            took_again = time.perf_counter() - t
        finally:
            await conn.close()
        assert not first.errors and len(first.created) == n_file + n_handling and again.skipped == len(first.created)
        print(f"\n{n_file + n_handling} rows: import {took * 1000:.0f} ms, re-import {took_again * 1000:.0f} ms")
