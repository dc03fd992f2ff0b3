"""Earlier requesters found by name: the keyed name hash (blind index) of ``parties``, never a plaintext name."""

from __future__ import annotations

from datetime import date

import asyncpg


async def by_name_hash(conn: asyncpg.Connection, name_hash: str, *, limit: int = 10) -> list[asyncpg.Record]:
    """Requesters of earlier requests with this name, their newest request first (one row per party)."""
    return await conn.fetch(
        """select p.party_id, c.case_id, c.received_on, c.requester_category, c.subject
           from parties p join case_view c on c.requester_party_id = p.party_id
           where p.name_hash = $1 and p.party_role = 'requester'
           order by c.case_id desc limit $2""",
        name_hash, limit,
    )


async def subjects_since(conn: asyncpg.Connection, name_hash: str, since: date) -> list[asyncpg.Record]:
    """The subjects this name asked about since ``since`` (received on or after), newest first."""
    return await conn.fetch(
        """select c.case_id, c.subject, c.received_on
           from parties p join case_view c on c.requester_party_id = p.party_id
           where p.name_hash = $1 and p.party_role = 'requester' and c.received_on >= $2
           order by c.case_id desc""",
        name_hash, since,
    )
