"""`kaiji registers import FILE`: the city's existing register entries, checked row by row (nothing imported
while any row is wrong), written in batches, and a second import of the same file adds nothing."""

from __future__ import annotations

import csv

import asyncpg
from openpyxl import Workbook

from tests.test_cli import kaiji

HEADER = "登録簿,番号,名称,担当課,利用目的,記録項目,記録範囲,本人の数,収集方法,経常的提供先,保存期間,安全管理措置,電子・紙の別,登録日\n"
ROWS = (
    "個人情報ファイル簿,1,住民基本台帳ファイル,市民課,住民基本台帳事務のため,氏名、住所、生年月日,市内に住所を有する者,"
    "\"125,000\",本人;他の市区町村,,永年,アクセス権限の設定,電子,令和5年4月1日\n"
    "個人情報ファイル簿,2,学齢簿,kyoiku,就学事務のため,氏名、住所、保護者,学齢児童生徒,\"12,400人\",住民基本台帳,東京都教育委員会,5年,"
    "施錠保管,電子,2023-04-01\n"
    "個人情報取扱登録簿,1,環境美化推進員名簿,環境政策課,推進員への連絡のため,氏名、電話番号,推進員,48,本人,,3年,施錠保管,紙,\n"
)


async def test_import_checks_every_row_and_a_second_import_adds_nothing(database_url: str, tmp_path,
                                                                        conn: asyncpg.Connection) -> None:
    env = {"KAIJI_DATABASE_URL": database_url}
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + ROWS
                   + "個人情報取扱登録簿,2,大きな名簿,市民課,目的,氏名,市民,5000,本人,,1年,施錠,紙,\n"
                   + "個人情報ファイル簿,3,名簿,どこか課,目的,氏名,市民,2000,本人,,1年,施錠,木,令和5年13月1日\n"
                   + "個人情報ファイル簿,1,重複,市民課,目的,氏名,市民,2000,本人,,1年,施錠,紙,\n", encoding="utf-8")
    result = kaiji("registers", "import", str(bad), env=env)
    assert result.returncode == 1 and "nothing was imported" in result.stderr
    for expected in ("row 5, 本人の数", "ファイル簿", "row 6, 担当課", "row 6, 電子・紙の別", "row 6, 登録日",
                     "row 7, 番号"):
        assert expected in result.stderr, result.stderr
    assert await conn.fetchval("select count(*) from register_entries") == 0

    good = tmp_path / "registers.csv"
    good.write_text(HEADER + ROWS, encoding="utf-8-sig")
    dry = kaiji("registers", "import", str(good), "--dry-run", env=env)
    assert dry.returncode == 0 and "would import 3" in dry.stdout, dry.stderr
    assert await conn.fetchval("select count(*) from register_entries") == 0
    first = kaiji("registers", "import", str(good), env=env)
    assert first.returncode == 0, first.stderr
    assert "imported 3 (個人情報ファイル簿 2、個人情報取扱登録簿 1), already imported 0" in first.stdout
    again = kaiji("registers", "import", str(good), env=env)
    assert again.returncode == 0 and "imported 0" in again.stdout and "already imported 3" in again.stdout
    assert await conn.fetchval("select count(*) from register_entries") == 3

    rows = await conn.fetch("""select e.entry_id, e.register, v.* from register_entries e join register_versions v
                               using (entry_id) order by e.entry_id""")
    by_name = {r["name"]: r for r in rows}
    resident = by_name["住民基本台帳ファイル"]
    assert resident["register"] == "file_register" and resident["entry_id"].startswith("PIF-")
    assert resident["persons"] == 125000 and resident["items"] == ["氏名", "住所", "生年月日"]
    assert resident["sources"] == ["本人", "他の市区町村"] and resident["department"] == "shimin"
    assert str(resident["effective_on"]) == "2023-04-01" and resident["change"] == "new"
    assert by_name["学齢簿"]["recipients"] == ["東京都教育委員会"] and by_name["学齢簿"]["persons"] == 12400
    assert by_name["環境美化推進員名簿"]["register"] == "handling_register"
    assert by_name["環境美化推進員名簿"]["media"] == "paper"
    audit = await conn.fetchrow("select actor, action, detail from audit_log where action = 'register.import'")
    assert audit["actor"].startswith("cli") and sorted(audit["detail"]["created"]) == sorted(by_name[n]["entry_id"]
                                                                                              for n in by_name)

    # the same number with other content is refused, naming the row; an Excel file reads the same
    changed = tmp_path / "changed.xlsx"
    wb = Workbook()
    sheet = wb.active
    for line in (HEADER + ROWS.replace("学齢簿", "学齢簿（改）")).splitlines():
        sheet.append(next(csv.reader([line])))
    wb.save(changed)
    refused = kaiji("registers", "import", str(changed), env=env)
    assert refused.returncode == 1 and "row 3, 番号" in refused.stderr and "内容が違います" in refused.stderr
    assert await conn.fetchval("select count(*) from register_entries") == 3
