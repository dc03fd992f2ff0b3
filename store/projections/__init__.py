"""Projections: read models kept in step with the events, in the same transaction.

Each projection names the event types it handles and the tables it owns.
``apply`` runs inside the append transaction; ``store.rebuild`` replays every
event into fresh tables to prove the live ones are right.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import asyncpg

from store.events import StoredEvent

Apply = Callable[[asyncpg.Connection, str, int], Awaitable[None]]


@dataclass(frozen=True)
class Projection:
    """``refresh(conn, stream_id, up_to_version)`` brings the tables up to that event."""

    name: str
    tables: tuple[str, ...]
    handles: frozenset[str]
    refresh: Apply
    keys: dict[str, tuple[str, ...]]  # table -> primary key columns, for diffs


def all_projections() -> list[Projection]:
    from store.projections import appeals, breaches, cases, council, suits

    return [cases.PROJECTION, council.PROJECTION, appeals.PROJECTION, suits.PROJECTION, breaches.PROJECTION]


async def apply(conn: asyncpg.Connection, events: Sequence[StoredEvent]) -> None:
    """Update every projection that handles one of ``events`` (once per stream)."""
    for projection in all_projections():
        latest: dict[str, int] = {}
        for e in events:
            if e.type in projection.handles:
                latest[e.stream_id] = max(latest.get(e.stream_id, 0), e.version)
        for stream_id, version in latest.items():
            await projection.refresh(conn, stream_id, version)
