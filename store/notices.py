"""Stored notices: immutable rows, numbered per issuing department and fiscal year."""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg


async def by_key(conn: asyncpg.Connection, key: str) -> asyncpg.Record | None:
    return await conn.fetchrow("select notice_id, number, sha256 from notices where notice_key = $1", key)


async def next_number(conn: asyncpg.Connection, series: str, fiscal_year: int) -> int:
    """Next 文書番号 of the series; the row lock serialises issuers until the notice is stored."""
    return await conn.fetchval(
        """insert into notice_series (series, fiscal_year, last_number) values ($1, $2, 1)
           on conflict (series, fiscal_year) do update set last_number = notice_series.last_number + 1
           returning last_number""",
        series, fiscal_year,
    )


async def insert(conn: asyncpg.Connection, *, notice_id: str, case_id: str, key: str, notice_type: str,
                 number: str, issued_on: date, rendered: Any, data: dict[str, Any], party_id: str | None,
                 supersedes: str | None = None) -> None:
    await conn.execute(
        """insert into notices (notice_id, case_id, notice_key, notice_type, number, issued_on, sha256,
                                template_version, data, html, pdf, supersedes, party_id)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)""",
        notice_id, case_id, key, notice_type, number, issued_on, rendered.sha256, rendered.template_version,
        data, rendered.html, rendered.pdf, supersedes, party_id,
    )


async def get(conn: asyncpg.Connection, notice_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow("select * from notices where notice_id = $1", notice_id)
