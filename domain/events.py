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
    decision_id: str | None = None  # the decision a decision notice (or third-party notice) is about

    @property
    def key(self) -> str:
        key = f"{self.case_id}:{self.cause_version}:{self.notice_type}:{self.party_id or 'requester'}"
        # several decisions approved together are several notices caused by one event
        return f"{key}:{self.decision_id}" if self.decision_id else key


@dataclass(frozen=True)
class NoticeIssued:
    notice_id: str
    number: str
    sha256: str


@dataclass(frozen=True)
class StreamEvent:
    """One recorded event as a workflow needs it to rebuild its state."""

    type: str
    data: dict[str, Any]


@dataclass(frozen=True)
class ChallengeLink:
    """An appeal (審査請求) or suit (取消訴訟) filed against a request."""

    kind: str  # appeal | suit
    challenge_id: str
    filed_on: str
    decision_id: str = ""  # the decision challenged (a request may have several); "" for inaction
    seal: str = ""  # HMAC set by the sending client (kaiji/security/action_seal.py), checked before recording


@dataclass(frozen=True)
class ChallengeOutcome:
    """How a challenge ended; ``reopen`` when a ruling or judgment widens the disclosure."""

    challenge_id: str
    result: str  # e.g. rejected, granted, partly_granted, revoked, withdrawn
    decided_on: str
    reopen: bool = False
    scope: list[dict[str, str]] = field(default_factory=list)  # documents with their new disclosure
    seal: str = ""  # HMAC set by the sending client (kaiji/security/action_seal.py), checked before recording


@dataclass(frozen=True)
class CaseSignal:
    """Input of the ``signal_request`` activity: deliver a signal, restarting a closed request if needed."""

    case_id: str
    signal: str
    link: ChallengeLink | None = None
    outcome: ChallengeOutcome | None = None
