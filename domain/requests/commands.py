"""Staff commands on a request case: one dataclass per action of contract.md.

They travel as Temporal update payloads, so dates are ISO strings and every
field after ``actor`` has a default (old histories keep decoding).
"""


from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.actors import Actor


@dataclass(frozen=True)
class Command:
    actor: Actor
    # When the API stops waiting (domain/expiry.py). Keyword-only with a default: old histories decode.
    expires_at: datetime | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class RequestCorrection(Command):
    """補正依頼: the clock stops from the day after ``requested_on``."""

    requested_on: str = ""
    respond_by: str = ""
    what: str = ""


@dataclass(frozen=True)
class RecordCorrection(Command):
    received_on: str = ""
    note: str = ""


@dataclass(frozen=True)
class Assign(Command):
    department: str | None = None
    reviewer: str | None = None


@dataclass(frozen=True)
class Extend(Command):
    """期限延長 (or 特例延長 with ``large_volume``)."""

    new_due: str | None = None
    reason: str = ""
    large_volume: bool = False
    partial_due: str | None = None
    remainder_due: str | None = None


@dataclass(frozen=True)
class ThirdPartyRef:
    party_id: str
    type: str = "individual"


@dataclass(frozen=True)
class ConsultThirdParty(Command):
    """意見照会. The party's name and address live in the parties table, not here."""

    party: ThirdPartyRef = field(default_factory=lambda: ThirdPartyRef(""))
    respond_by: str | None = None
    mandatory: bool = False


@dataclass(frozen=True)
class RecordThirdPartyOpinion(Command):
    party_id: str = ""
    received_on: str = ""
    objects: bool = False
    summary: str = ""


@dataclass(frozen=True)
class Exemption:
    clause: str
    reason: str


@dataclass(frozen=True)
class Document:
    title: str
    disclosure: str  # full | partial | withheld


@dataclass(frozen=True)
class DraftDecision(Command):
    outcome: str = ""
    non_disclosure_ground: str | None = None
    exemptions: tuple[Exemption, ...] = ()
    documents: tuple[Document, ...] = ()
    reason_text: str = ""
    disclosure_on: str | None = None


@dataclass(frozen=True)
class ReturnDraft(Command):
    comment: str = ""


@dataclass(frozen=True)
class ApproveDecision(Command):
    decided_on: str | None = None
    comment: str = ""


@dataclass(frozen=True)
class RecordNoticeDelivery(Command):
    delivered_on: str = ""


@dataclass(frozen=True)
class RecordDisclosure(Command):
    executed_on: str | None = None
    method: str = "viewing"
    pages: int = 0
    fee_yen: int = 0


@dataclass(frozen=True)
class Withdraw(Command):
    withdrawn_on: str | None = None
    reason: str = ""


@dataclass(frozen=True)
class Transfer(Command):
    to_body: str = ""
    transferred_on: str | None = None
    reason: str = ""


@dataclass(frozen=True)
class ReissueNotice(Command):
    """訂正通知: a new notice that supersedes an issued one; the old one is never changed."""

    notice_id: str = ""
    notice_type: str = ""
    reason: str = ""
    corrections: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RecordNcndReport(Command):
    """存否応答拒否の審査会への報告: the council heard this decision at a session."""

    reported_on: str = ""
    session_ref: str = ""


# action name (URL segment in contract.md) -> command class
COMMANDS: dict[str, type[Command]] = {
    "request-correction": RequestCorrection,
    "record-correction": RecordCorrection,
    "assign": Assign,
    "extend": Extend,
    "consult-third-party": ConsultThirdParty,
    "record-third-party-opinion": RecordThirdPartyOpinion,
    "draft-decision": DraftDecision,
    "return-draft": ReturnDraft,
    "approve-decision": ApproveDecision,
    "record-notice-delivery": RecordNoticeDelivery,
    "record-disclosure": RecordDisclosure,
    "withdraw": Withdraw,
    "transfer": Transfer,
    "reissue-notice": ReissueNotice,
    "record-ncnd-report": RecordNcndReport,
}
ACTION_OF: dict[type[Command], str] = {cls: name for name, cls in COMMANDS.items()}
