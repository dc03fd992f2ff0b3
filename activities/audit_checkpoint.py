"""The activity of the daily audit checkpoint (kaiji/audit_checkpoint.py): sign the chain head, write it out.

Idempotent: a retry or a second run for the same head finds the file already written and returns it."""

from __future__ import annotations

import asyncpg
from temporalio import activity
from temporalio.exceptions import ApplicationError

from kaiji import audit_checkpoint
from kaiji.settings import Settings


class AuditCheckpointActivities:
    def __init__(self, pool: asyncpg.Pool, settings: Settings) -> None:
        self.pool = pool
        self.settings = settings

    @activity.defn(name="audit_checkpoint")
    async def audit_checkpoint(self) -> dict:
        """{seq, hash, created}; a broken or rewritten chain is a non-retryable failure (seen in the UI)."""
        async with self.pool.acquire() as conn:
            try:
                written = await audit_checkpoint.write(conn, self.settings)
            except audit_checkpoint.CheckpointError as exc:
                raise ApplicationError(str(exc), type="AuditCheckpointRefused", non_retryable=True) from None
        activity.logger.info("audit checkpoint seq %s created=%s", written.checkpoint.seq, written.created)
        return {"seq": written.checkpoint.seq, "hash": written.checkpoint.hash, "created": written.created}
