"""`kaiji registers import FILE`: the city's register entries, checked row by row (nothing imported while any row
is wrong), written in batches; a second import of the same file changes nothing, and a later file of the same
registers becomes 変更 / 廃止 versions, with the entries it leaves out listed for staff rather than abolished.
Against the suite's embedded PostgreSQL, through the CLI as an operator runs it."""

from __future__ import annotations

import csv
from datetime import date

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
    assert dry.returncode == 0 and "dry run: nothing written" in dry.stdout and "新規 3 " in dry.stdout, dry.stderr
    assert await conn.fetchval("select count(*) from register_entries") == 0
    first = kaiji("registers", "import", str(good), env=env)
    assert first.returncode == 0, first.stderr
    assert "新規 3 (個人情報ファイル簿 2、個人情報取扱登録簿 1), 変更 0, 廃止 0, 変更なし 0" in first.stdout
    again = kaiji("registers", "import", str(good), env=env)
    assert again.returncode == 0 and "新規 0 (個人情報ファイル簿 0、個人情報取扱登録簿 0), 変更 0, 廃止 0, 変更なし 3" in again.stdout
    assert "to check" not in again.stdout
    assert await conn.fetchval("select count(*) from register_entries") == 3
    assert await conn.fetchval("select count(*) from register_versions") == 3  # no version, no audit entry added
    assert await conn.fetchval("select count(*) from audit_log where action = 'register.import'") == 1

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

    # an Excel file reads the same: the same rows again change nothing
    xlsx = tmp_path / "registers.xlsx"
    _xlsx(xlsx, HEADER + ROWS)
    same = kaiji("registers", "import", str(xlsx), env=env)
    assert same.returncode == 0 and "変更 0, 廃止 0, 変更なし 3" in same.stdout, same.stdout + same.stderr


def _xlsx(path, text: str) -> None:  # type: ignore[no-untyped-def]
    wb = Workbook()
    sheet = wb.active
    for line in text.splitlines():
        sheet.append(next(csv.reader([line])))
    wb.save(path)


LATER_HEADER = HEADER.rstrip("\n") + ",区分,廃止日\n"
EXTRA = "個人情報取扱登録簿,2,防災協力員名簿,総務課,災害時の連絡のため,氏名、電話番号,協力員,30,本人,,3年,施錠保管,紙,2023-04-01\n"


def later(rows: str) -> str:
    """The rows of ROWS / EXTRA with the two new columns (blank), as the later file writes them."""
    return "".join(line + ",,\n" for line in rows.splitlines())


async def versions(conn: asyncpg.Connection, name_like: str) -> list[asyncpg.Record]:
    return await conn.fetch("""select v.* from register_versions v where v.entry_id in
                               (select entry_id from register_versions where name like $1) order by version""",
                            name_like)


async def test_a_later_file_becomes_changes_and_abolitions_and_lists_what_it_leaves_out(
        database_url: str, tmp_path, conn: asyncpg.Connection) -> None:
    env = {"KAIJI_DATABASE_URL": database_url}
    first = tmp_path / "registers-2023.csv"
    first.write_text(HEADER + ROWS + EXTRA, encoding="utf-8")
    assert kaiji("registers", "import", str(first), env=env).returncode == 0
    ids = {r["name"]: r["entry_id"] for r in await conn.fetch("select entry_id, name from register_versions")}

    # the entry of 番号 1 was changed in Kaiji since; the later file still has its first content: kept as in Kaiji
    from store import registers
    resident = await registers.latest_version(conn, ids["住民基本台帳ファイル"])
    await registers.add_version(conn, ids["住民基本台帳ファイル"], "changed",
                                {f: resident[f] for f in registers.rules.CONTENT_FIELDS} | {"retention": "永年（改）"},
                                effective_on=date(2024, 4, 1), reason="API", actor="kojin", role="records_officer")

    lines = ROWS.splitlines()
    changed = lines[1].replace("\"12,400人\"", "\"13,000人\"").replace("2023-04-01", "令和7年4月1日")
    abolished = "個人情報取扱登録簿,2,,,,,,,,,,,,,廃止,2025-03-31"
    new = "個人情報ファイル簿,9,就学援助ファイル,kyoiku,就学援助のため,氏名、世帯の所得,申請者,1500,本人,,5年,施錠保管,電子,2025-04-01"
    text = LATER_HEADER + later(lines[0] + "\n" + changed) + abolished + "\n" + new + ",新規,\n"
    path = tmp_path / "registers-2025.csv"
    path.write_text(text, encoding="utf-8")  # 取扱登録簿 1 (環境美化推進員名簿) is left out
    dry = kaiji("registers", "import", str(path), "--dry-run", env=env)
    assert dry.returncode == 0 and "新規 1 " in dry.stdout and "変更 1, 廃止 1, 変更なし 1" in dry.stdout, dry.stderr
    assert await conn.fetchval("select count(*) from register_versions") == 5  # nothing written

    result = kaiji("registers", "import", str(path), env=env)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "新規 1 (個人情報ファイル簿 1、個人情報取扱登録簿 0), 変更 1, 廃止 1, 変更なし 1" in out, out
    assert f"変更 {ids['学齢簿']} v2 (番号 2: 本人の数)" in out
    assert f"廃止 {ids['防災協力員名簿']} v2 (番号 2)" in out
    assert "changed in Kaiji after the last import" in out and ids["住民基本台帳ファイル"] in out
    assert "to check: 1 entry" in out and f"個人情報取扱登録簿 番号 1 ({ids['環境美化推進員名簿']})" in out
    assert "NOT abolished" in out

    school = await versions(conn, "学齢簿")
    assert [(v["change"], v["persons"], str(v["effective_on"])) for v in school] == [
        ("new", 12400, "2023-04-01"), ("changed", 13000, "2025-04-01")]
    assert school[1]["name"] == "学齢簿" and "registers-2025.csv" in school[1]["reason"]
    gone = await versions(conn, "防災協力員名簿")
    assert [v["change"] for v in gone] == ["new", "abolished"] and str(gone[1]["effective_on"]) == "2025-03-31"
    assert gone[1]["name"] == "防災協力員名簿" and gone[1]["persons"] == 30  # the last content, kept
    assert [v["retention"] for v in await versions(conn, "住民基本台帳ファイル")] == ["永年", "永年（改）"]
    assert [v["change"] for v in await versions(conn, "環境美化推進員名簿")] == ["new"]  # left out: not abolished
    audit = await conn.fetchrow("""select actor, detail from audit_log where action = 'register.import'
                                   order by seq desc limit 1""")
    assert audit["actor"].startswith("cli") and len(audit["detail"]["created"]) == 1
    assert audit["detail"]["changed"] == [{"id": ids["学齢簿"], "version": 2}]
    assert audit["detail"]["abolished"] == [{"id": ids["防災協力員名簿"], "version": 2}]

    # the later file again (and as Excel): nothing changes, the left-out entry is still listed
    before = await conn.fetchval("select count(*) from register_versions")
    xlsx = tmp_path / "registers-2025.xlsx"
    _xlsx(xlsx, text)
    for again in (path, xlsx):
        result = kaiji("registers", "import", str(again), env=env)
        assert result.returncode == 0, result.stderr
        assert "新規 0 (個人情報ファイル簿 0、個人情報取扱登録簿 0), 変更 0, 廃止 0, 変更なし 4" in result.stdout, result.stdout
        assert "to check: 1 entry" in result.stdout
    assert await conn.fetchval("select count(*) from register_versions") == before
    assert await conn.fetchval("select count(*) from audit_log where action = 'register.import'") == 2


async def test_a_bad_row_in_a_later_file_imports_nothing_and_names_its_row(database_url: str, tmp_path,
                                                                         conn: asyncpg.Connection) -> None:
    env = {"KAIJI_DATABASE_URL": database_url}
    first = tmp_path / "registers.csv"
    first.write_text(HEADER + ROWS, encoding="utf-8")
    assert kaiji("registers", "import", str(first), env=env).returncode == 0
    count = await conn.fetchval("select count(*) from register_versions")
    lines = ROWS.splitlines()
    rows = [
        lines[1].replace("学齢簿", "学齢簿（改）") + ",,",  # row 2: a good 変更 — not written either
        "個人情報取扱登録簿,1,,,,,,,,,,,,,廃止,",  # row 3: 廃止 without its date
        "個人情報ファイル簿,7,,,,,,,,,,,,,廃止,2025-03-31",  # row 4: 廃止 of a number never imported
        lines[0].replace("令和5年4月1日", "2022-04-01").replace("永年", "30年") + ",,",  # row 5: before version 1
        lines[2].replace(",48,", ",5000,") + ",,",  # row 6: a 取扱登録簿 entry of 5,000 persons
        lines[2] + ",変更,2025-03-31",  # row 7: 廃止日 on a row that is not a 廃止
    ]
    bad = tmp_path / "registers-bad.csv"
    bad.write_text(LATER_HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    result = kaiji("registers", "import", str(bad), env=env)
    assert result.returncode == 1 and "nothing was imported" in result.stderr, result.stdout + result.stderr
    err = result.stderr
    for expected in ("row 3, 廃止日", "row 4, 番号", "row 5, 登録日", "row 6, 本人の数", "row 7, 廃止日"):
        assert expected in err, err
    assert "row 2" not in err and "取り込まれていない" in err and "前の版" in err
    assert err.index("row 3") < err.index("row 4") < err.index("row 5") < err.index("row 6")  # in row order
    assert await conn.fetchval("select count(*) from register_versions") == count
    assert await conn.fetchval("select count(*) from register_versions where name = '学齢簿（改）'") == 0
    assert await conn.fetchval("select count(*) from audit_log where action = 'register.import'") == 1
