"""Reads of personal contact data are audit entries (ASVS 4.0 V7.1.3, V8.3.5: who, whose, when, request id)."""

from __future__ import annotations

from typing import Any

import asyncpg
import structlog

from api.auth import Principal
from store import audit


async def record_read(conn: asyncpg.Connection, principal: Principal, entity_id: str, parties: list[str],
                      **detail: Any) -> None:
    """One ``personal_data.read`` entry: the caller read these parties' contact data on this case."""
    await audit.append(conn, audit.AuditEntry(
        actor=principal.username, role=principal.role, action="personal_data.read", entity_id=entity_id,
        detail={"parties": [p for p in parties if p], **detail,
                "request_id": structlog.contextvars.get_contextvars().get("request_id")}))
