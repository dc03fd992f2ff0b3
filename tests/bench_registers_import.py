"""On-demand timing of `kaiji registers import` (not collected by `make test`: no ``test_`` file prefix).

    .venv/bin/python -m pytest -q -s tests/bench_registers_import.py

The city's 91 + 127 entries, then ten times as many; each imported into a fresh database and imported again
(the re-import only reads and compares), then a later file with one row in ten changed and one in twenty
abolished. Figures in docs/decisions/registers.md.
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


def later(text: str) -> str:
    """One row in ten with another 保存期間, one in twenty 廃止 (the 2023 file, kept in 2025)."""
    lines = text.splitlines()
    out = [lines[0] + ",区分,廃止日"]
    for i, line in enumerate(lines[1:]):
        cells = line.split(",")
        if i % 20 == 19:
            out.append(",".join(cells[:2] + [""] * 12 + ["廃止", "2025-03-31"]))
        elif i % 10 == 9:
            out.append(",".join(cells[:10] + ["20年"] + cells[11:13] + ["2025-04-01", "変更", ""]))
        else:
            out.append(line + ",,")
    return "\n".join(out) + "\n"


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
            f2 = tmp_path / f"registers-{n_file}-2025.csv"
            f2.write_text(later(rows(n_file, n_handling)), encoding="utf-8")
            t = time.perf_counter()
            applied = await import_registers(conn, f2, profile, dry_run=False, operator="bench")
            took_later = time.perf_counter() - t
        finally:
            await conn.close()
        n = n_file + n_handling
        assert not first.errors and len(first.created) == n and again.unchanged == n
        assert not applied.errors, applied.errors[:3]
        assert len(applied.abolished) == n // 20 and len(applied.changed) == n // 10 - n // 20
        print(f"\n{n} rows: import {took * 1000:.0f} ms, re-import {took_again * 1000:.0f} ms, later file "
              f"({len(applied.changed)} 変更, {len(applied.abolished)} 廃止) {took_later * 1000:.0f} ms")
