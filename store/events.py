"""Event store: append with optimistic concurrency, idempotent re-append, ordered reads.

One stream per case. The workflow numbers its own events, so a retried
activity re-appends the same ``(stream_id, version)`` and this is a no-op;
the same version with a *different* payload is a bug and fails loudly.

"The same" ignores ``occurred_at``: the workflow records through a local
activity (issue 15), and when a worker dies after that activity committed but
before its workflow task completed, the task runs again with a later
``workflow.now()`` and drafts the same events a few seconds later. The events
stored first stand; the workflow folds only type and data, so its state agrees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg

from store.canonical import canonical_json, sha256_hex


class VersionConflict(Exception):
    """Another, different event already holds a version this append expected to write."""

    def __init__(self, stream_id: str, version: int, reason: str) -> None:
        super().__init__(f"{stream_id} v{version}: {reason}")
        self.stream_id = stream_id
        self.version = version


@dataclass(frozen=True)
class NewEvent:
    type: str
    actor: str
    role: str
    occurred_at: datetime
    data: dict[str, Any] = field(default_factory=dict)
    schema_version: int = 1

    def payload_hash(self) -> str:
        return sha256_hex(canonical_json({**self._identity(), "occurred_at": self.occurred_at}))

    def same_act_as(self, stored: asyncpg.Record) -> bool:
        """The event a retried workflow task drafts again: everything equal but the time it was drafted."""
        return canonical_json(self._identity()) == canonical_json(
            {k: stored[k] for k in ("type", "schema_version", "actor", "role", "data")}
        )

    def _identity(self) -> dict[str, Any]:
        return {"type": self.type, "schema_version": self.schema_version, "actor": self.actor, "role": self.role,
                "data": self.data}


@dataclass(frozen=True)
class StoredEvent:
    global_position: int
    stream_id: str
    version: int
    type: str
    schema_version: int
    actor: str
    role: str
    occurred_at: datetime
    data: dict[str, Any]

    @classmethod
    def from_row(cls, r: asyncpg.Record) -> StoredEvent:
        return cls(
            global_position=r["global_position"],
            stream_id=r["stream_id"],
            version=r["version"],
            type=r["type"],
            schema_version=r["schema_version"],
            actor=r["actor"],
            role=r["role"],
            occurred_at=r["occurred_at"],
            data=r["data"],
        )


_COLUMNS = "global_position, stream_id, version, type, schema_version, actor, role, occurred_at, data"


async def append_new_streams(conn: asyncpg.Connection, streams: dict[str, list[NewEvent]]) -> None:
    """Write streams that do not exist yet, in one batch (a bulk import); any existing version is an error.

    Must run inside the caller's transaction.
    """
    await conn.executemany(
        """insert into events (stream_id, version, type, schema_version, actor, role, occurred_at, data,
                               payload_hash)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9)""",
        [(stream_id, version, e.type, e.schema_version, e.actor, e.role, e.occurred_at, e.data, e.payload_hash())
         for stream_id, stream in streams.items() for version, e in enumerate(stream, start=1)],
    )


async def append(
    conn: asyncpg.Connection, stream_id: str, expected_version: int, events: list[NewEvent]
) -> list[StoredEvent]:
    """Append ``events`` as versions ``expected_version + 1 …``; return the stored events.

    Must run inside the caller's transaction (so projections and audit commit with it).
    Returns only the events written now: an identical re-append returns ``[]``.
    """
    written: list[StoredEvent] = []
    if expected_version > 0 and events:
        # Checked before writing, so a refused append leaves no row behind.
        await _require_predecessor(conn, stream_id, expected_version + 1)
    for offset, event in enumerate(events, start=1):
        version = expected_version + offset
        digest = event.payload_hash()
        row = await conn.fetchrow(
            f"""insert into events (stream_id, version, type, schema_version, actor, role,
                                    occurred_at, data, payload_hash)
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                on conflict (stream_id, version) do nothing
                returning {_COLUMNS}""",
            stream_id,
            version,
            event.type,
            event.schema_version,
            event.actor,
            event.role,
            event.occurred_at,
            event.data,
            digest,
        )
        if row is not None:
            written.append(StoredEvent.from_row(row))
            continue
        stored = await conn.fetchrow(
            "select payload_hash, type, schema_version, actor, role, data from events"
            " where stream_id = $1 and version = $2", stream_id, version
        )
        if stored["payload_hash"] != digest and not event.same_act_as(stored):
            raise VersionConflict(stream_id, version, "a different event is already stored at this version")
    return written


async def _require_predecessor(conn: asyncpg.Connection, stream_id: str, version: int) -> None:
    """Refuse a gap: version N may only follow an existing version N-1."""
    exists = await conn.fetchval(
        "select 1 from events where stream_id = $1 and version = $2", stream_id, version - 1
    )
    if not exists:
        raise VersionConflict(stream_id, version, f"expected version {version - 1} does not exist")


async def read(conn: asyncpg.Connection, stream_id: str, *, after_version: int = 0) -> list[StoredEvent]:
    rows = await conn.fetch(
        f"select {_COLUMNS} from events where stream_id = $1 and version > $2 order by version",
        stream_id,
        after_version,
    )
    return [StoredEvent.from_row(r) for r in rows]


async def event_at(conn: asyncpg.Connection, stream_id: str, version: int) -> StoredEvent | None:
    row = await conn.fetchrow(
        f"select {_COLUMNS} from events where stream_id = $1 and version = $2", stream_id, version
    )
    return StoredEvent.from_row(row) if row else None


async def stream_version(conn: asyncpg.Connection, stream_id: str) -> int:
    return await conn.fetchval(
        "select coalesce(max(version), 0) from events where stream_id = $1", stream_id
    )


@dataclass(frozen=True)
class GlobalPosition:
    """Where a global reader stands: (transaction id, position) of the last event read."""

    transaction_id: int = 0
    position: int = 0


async def read_all(
    conn: asyncpg.Connection, after: GlobalPosition = GlobalPosition(), *, limit: int = 1000
) -> tuple[list[StoredEvent], GlobalPosition]:
    """Events in global order after ``after``, stopping below the oldest open transaction.

    Positions are handed out at insert time, not at commit, so "position > last"
    alone could skip an event whose transaction commits late. Reading only
    transactions older than the snapshot's xmin means every event returned is
    final and every later one sorts after it.
    """
    rows = await conn.fetch(
        f"""select {_COLUMNS}, transaction_id::text::bigint as txid from events
            where (transaction_id::text::bigint, global_position) > ($1, $2)
              and transaction_id < pg_snapshot_xmin(pg_current_snapshot())
            order by transaction_id, global_position
            limit $3""",
        after.transaction_id,
        after.position,
        limit,
    )
    if not rows:
        return [], after
    last = rows[-1]
    return [StoredEvent.from_row(r) for r in rows], GlobalPosition(last["txid"], last["global_position"])
