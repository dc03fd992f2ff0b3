"""Imported ledger requests: which 受付番号 became which case (idempotent re-imports)."""

from __future__ import annotations

import asyncpg


async def imported(conn: asyncpg.Connection, numbers: list[str]) -> dict[str, tuple[str, str]]:
    """受付番号 → (case id, row hash) of the requests already imported."""
    rows = await conn.fetch("select ledger_number, case_id, row_hash from ledger_imports "
                            "where ledger_number = any($1::text[])", numbers)
    return {r["ledger_number"]: (r["case_id"], r["row_hash"]) for r in rows}


async def record(conn: asyncpg.Connection, *, ledger_number: str, case_id: str, row_hash: str, source: str) -> None:
    await conn.execute("insert into ledger_imports (ledger_number, case_id, row_hash, source) values ($1, $2, $3, $4)",
                       ledger_number, case_id, row_hash, source)


async def record_many(conn: asyncpg.Connection, rows: list[tuple[str, str, str, str]]) -> None:
    """(受付番号, case id, row hash, source) of each request imported now."""
    await conn.executemany("insert into ledger_imports (ledger_number, case_id, row_hash, source) "
                           "values ($1, $2, $3, $4)", rows)
