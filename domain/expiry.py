"""Staff commands expire: an action nobody is waiting for any more is refused, not applied later.

The API stamps each command with ``expires_at`` (the instant it stops waiting for the case engine,
``KAIJI_ACTION_TIMEOUT_SECONDS`` after sending). If no worker took the command by then (the worker
was down, the API answered 503), the workflow's validator refuses it when a worker comes back.
Commands from before this rule carry no expiry and are never refused for it (old histories replay).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.errors import Refusal

EXPIRED = "expired"  # a refusal code of its own: answered 409, and an Idempotency-Key may be used again


def check_fresh(cmd: Any, now: datetime) -> None:
    """Refuse ``cmd`` when ``now`` (``workflow.now()`` in a validator) is past its expiry."""
    expires_at = getattr(cmd, "expires_at", None)
    if expires_at is None:
        return
    if now > expires_at:
        raise Refusal(EXPIRED, "この操作は有効期限を過ぎたため受け付けられませんでした。もう一度行ってください。 / "
                       f"This action expired at {expires_at.isoformat()} before the case engine took it; "
                       "it was not applied. Try again.")
