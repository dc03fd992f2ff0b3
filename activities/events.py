"""The one transactional activity: append events + update projections + write the audit entry.

All three commit together or not at all. The workflow numbers its events, so
a retry re-appends the same versions and changes nothing.
"""

from __future__ import annotations

import asyncpg
from temporalio import activity
from temporalio.exceptions import ApplicationError

from domain.events import RecordInput, RecordResult
from store import audit, events, projections


class EventActivities:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    @activity.defn(name="record_events")
    async def record_events(self, inp: RecordInput) -> RecordResult:
        new = [
            events.NewEvent(e.type, e.actor, e.role, e.occurred_at, e.data, e.schema_version) for e in inp.events
        ]
        async with self.pool.acquire() as conn, conn.transaction():
            try:
                stored = await events.append(conn, inp.stream_id, inp.expected_version, new)
            except events.VersionConflict as exc:
                # Only the case's own workflow writes its stream: a conflict is a bug. Fail loudly.
                raise ApplicationError(str(exc), type="EventVersionConflict", non_retryable=True) from exc
            if stored:
                await projections.apply(conn, stored)
                first = inp.events[0]
                await audit.append(
                    conn,
                    audit.AuditEntry(
                        actor=first.actor,
                        role=first.role,
                        action=inp.action,
                        entity_id=inp.stream_id,
                        detail={
                            **inp.detail,
                            "events": [e.type for e in stored],
                            "versions": [stored[0].version, stored[-1].version],
                        },
                    ),
                )
        return RecordResult(version=inp.expected_version + len(new), written=len(stored))
