"""Where an object sits, for object-level authorisation: its department and whether the council may see it.

One small query per guarded call (api/authz.py). An absent object is ``None``
(answered 404 exactly like an object the caller may not see).
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg


@dataclass(frozen=True)
class ObjectScope:
    department: str
    council_visible: bool  # a referred appeal (諮問済み), a request whose NCND decision is reported to the council,
    # or a breach incident on the council's agenda


async def of_request(conn: asyncpg.Connection, case_id: str) -> ObjectScope | None:
    r = await conn.fetchrow(
        """select c.department, exists(select 1 from council_reports r where r.case_id = c.case_id) as ncnd
           from case_view c where c.case_id = $1""", case_id)
    return None if r is None else ObjectScope(r["department"], r["ncnd"])


async def of_appeal(conn: asyncpg.Connection, appeal_id: str) -> ObjectScope | None:
    r = await conn.fetchrow("select department, referred_on is not null as referred from appeal_view "
                            "where appeal_id = $1", appeal_id)
    return None if r is None else ObjectScope(r["department"], r["referred"])


async def of_suit(conn: asyncpg.Connection, suit_id: str) -> ObjectScope | None:
    r = await conn.fetchrow("select c.department from suit_view s join case_view c on c.case_id = s.request_id "
                            "where s.suit_id = $1", suit_id)
    return None if r is None else ObjectScope(r["department"], False)


async def of_breach(conn: asyncpg.Connection, breach_id: str) -> ObjectScope | None:
    """A breach incident: its department's; the council sees its summary once it is on the agenda."""
    r = await conn.fetchrow("select department, meeting_on is not null as on_agenda from breach_view "
                            "where breach_id = $1", breach_id)
    return None if r is None else ObjectScope(r["department"], r["on_agenda"])


async def of_notice(conn: asyncpg.Connection, notice_id: str) -> ObjectScope | None:
    """A notice is scoped by the case it was issued on (request R-, appeal A- or suit L-)."""
    case_id = await conn.fetchval("select case_id from notices where notice_id = $1", notice_id)
    if case_id is None:
        return None
    return await OF_CASE_PREFIX.get(case_id[:1], of_request)(conn, case_id)


async def of_register_entry(conn: asyncpg.Connection, entry_id: str) -> ObjectScope | None:
    """A register entry is kept by the department of its latest version; the council reads only summaries."""
    department = await conn.fetchval(
        "select department from register_versions where entry_id = $1 order by version desc limit 1", entry_id)
    return None if department is None else ObjectScope(department, False)


OF_CASE_PREFIX = {"R": of_request, "A": of_appeal, "L": of_suit}
