"""An event as the workflow drafts it: a past-tense fact with who, when and what."""


from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.actors import Actor


@dataclass(frozen=True)
class EventDraft:
    type: str
    actor: str
    role: str
    occurred_at: datetime
    data: dict[str, Any] = field(default_factory=dict)
    schema_version: int = 1


def draft(type_: str, actor: Actor, at: datetime, **data: Any) -> EventDraft:
    return EventDraft(type=type_, actor=actor.username, role=actor.role, occurred_at=at, data=data)


@dataclass(frozen=True)
class RecordInput:
    """Input of the ``record_events`` activity (one transaction: events + projections + audit)."""

    stream_id: str
    expected_version: int
    events: list[EventDraft]
    action: str  # audit action, e.g. "request.approve-decision" or "timer.overdue"
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RecordResult:
    version: int
    written: int


@dataclass(frozen=True)
class NoticeRequest:
    """Input of the ``issue_notice`` activity: one notice per causing event and addressee."""

    case_id: str
    notice_type: str
    cause_version: int
    party_id: str | None = None
    supersedes: str | None = None  # the notice this one corrects

    @property
    def key(self) -> str:
        return f"{self.case_id}:{self.cause_version}:{self.notice_type}:{self.party_id or 'requester'}"


@dataclass(frozen=True)
class NoticeIssued:
    notice_id: str
    number: str
    sha256: str
