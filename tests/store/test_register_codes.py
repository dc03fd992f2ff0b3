"""Migration 0026: a database that kept the registers under the first codes (file / handling, good_reason)
reads them under contract.md's (file_register / handling_register, reasonable_grounds), ids kept and numbering
continued; a fresh database (0026 runs before 0030 creates the tables) got the new codes from the start."""

from __future__ import annotations

from datetime import date

import asyncpg
import pytest

from domain.registers import rules
from store import registers
from store.migrate import migration_files

OLD_CODES = (
    ("register_file_register_seq", "register_file_seq"),
    ("register_handling_register_seq", "register_handling_seq"),
    ("'file_register', 'handling_register'", "'file', 'handling'"),
    ("'reasonable_grounds'", "'good_reason'"),
)
CONTENT = {"department": "toshi", "name": "道路占用許可申請者名簿", "purpose": "道路占用許可事務", "items": ["氏名"],
           "person_categories": ["申請者"], "persons": 240, "sources": ["本人"], "recipients": [],
           "retention": "5年", "safeguards": "施錠保管", "media": "paper"}


async def _as_before_0026(conn: asyncpg.Connection) -> None:
    """The register tables as 0030 created them before the codes were renamed, with one entry and one use."""
    await conn.execute("""drop table register_uses, register_versions, register_entries;
                          drop sequence register_file_register_seq, register_handling_register_seq;
                          drop function registers_append_only()""")
    sql = dict(migration_files())["0030_registers.sql"]
    for new, old in OLD_CODES:
        sql = sql.replace(new, old)
    await conn.execute(sql)
    await conn.execute("select nextval('register_handling_seq')")
    await conn.execute("insert into register_entries (entry_id, register, created_by) values ('PIH-0001', 'handling', 'x')")
    await conn.execute(
        """insert into register_versions (entry_id, version, change, effective_on, department, name, purpose, items,
               person_categories, persons, sources, recipients, retention, safeguards, media, recorded_by)
           values ('PIH-0001', 1, 'new', '2025-04-01', 'toshi', '名簿', '事務', '["氏名"]', '["申請者"]', 240,
                   '["本人"]', '[]', '5年', '施錠保管', 'paper', 'x')""")
    await conn.execute("""insert into register_uses (entry_id, kind, used_by, purpose, basis, used_on, recorded_by)
                          values ('PIH-0001', 'provision', '税務課', '課税', 'good_reason', '2025-05-01', 'x')""")


async def test_0026_converts_the_stored_codes_and_keeps_the_tables_append_only(conn: asyncpg.Connection) -> None:
    await _as_before_0026(conn)
    await conn.execute(dict(migration_files())["0026_register_codes.sql"])
    assert (await registers.latest_version(conn, "PIH-0001"))["register"] == rules.HANDLING
    assert [u["basis"] for u in await registers.uses(conn, "PIH-0001")] == ["reasonable_grounds"]
    # numbering continues in the renamed sequence
    v = await registers.create(conn, rules.HANDLING, CONTENT, effective_on=date(2025, 6, 1),
                               reason="", actor="x", role="records_officer")
    assert v["entry_id"] == "PIH-0002"
    with pytest.raises(asyncpg.PostgresError, match="append-only"):
        await conn.execute("update register_uses set basis = 'law'")
    with pytest.raises(asyncpg.CheckViolationError):
        await conn.execute("""insert into register_uses (entry_id, kind, used_by, purpose, basis, used_on, recorded_by)
                              values ('PIH-0001', 'provision', '税務課', '課税', 'good_reason', '2025-05-01', 'x')""")
    await conn.execute(dict(migration_files())["0026_register_codes.sql"])  # a second run changes nothing
    assert (await registers.latest_version(conn, "PIH-0001"))["register"] == rules.HANDLING


async def test_a_fresh_database_has_the_contract_codes(conn: asyncpg.Connection) -> None:
    with pytest.raises(asyncpg.CheckViolationError):
        await conn.execute("insert into register_entries (entry_id, register, created_by) values ('PIF-9', 'file', 'x')")
    await conn.execute("insert into register_entries (entry_id, register, created_by) values ('PIF-9', 'file_register', 'x')")
