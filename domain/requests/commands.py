"""Staff commands on a request case: one dataclass per action of contract.md.

They travel as Temporal update payloads, so dates are ISO strings and every
field after ``actor`` has a default (old histories keep decoding).
"""


from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.actors import Actor
from domain.fees import FeeTable


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
class DecisionPart:
    """One decision of a draft: its outcome, reasons and the documents it covers."""

    outcome: str = ""
    non_disclosure_ground: str | None = None
    exemptions: tuple[Exemption, ...] = ()
    documents: tuple[Document, ...] = ()
    reason_text: str = ""
    disclosure_on: str | None = None
    # APPI 第97条: the parties the corrected information had been provided to (提供先), told of the
    # correction once it is decided; party ids (names and addresses live in the parties table).
    recipients: tuple[str, ...] = ()


@dataclass(frozen=True)
class DraftDecision(Command):
    """決定案. Either one decision (the fields below) or several (``parts``, contract.md ``decisions``),
    approved together, each its own decision. ``covers_remainder``: after a 特例延長, this draft decides
    the remainder too (a draft made after the first decision always does)."""

    outcome: str = ""
    non_disclosure_ground: str | None = None
    exemptions: tuple[Exemption, ...] = ()
    documents: tuple[Document, ...] = ()
    reason_text: str = ""
    disclosure_on: str | None = None
    parts: tuple[DecisionPart, ...] = ()
    covers_remainder: bool = False
    recipients: tuple[str, ...] = ()  # 提供先 (APPI 第97条) of a one-decision draft; see DecisionPart

    def decision_parts(self) -> tuple[DecisionPart, ...]:
        if self.parts:
            return self.parts
        return (DecisionPart(self.outcome, self.non_disclosure_ground, self.exemptions, self.documents,
                             self.reason_text, self.disclosure_on, tuple(self.recipients)),)


@dataclass(frozen=True)
class ReturnDraft(Command):
    comment: str = ""


@dataclass(frozen=True)
class ApproveDecision(Command):
    decided_on: str | None = None
    comment: str = ""


@dataclass(frozen=True)
class RecordNoticeDelivery(Command):
    """``decision_id``: the decision whose notice arrived (default: every decision of the last approval)."""

    delivered_on: str = ""
    decision_id: str | None = None


@dataclass(frozen=True)
class RecordDisclosure(Command):
    """公開の実施. ``fee_yen`` is the amount charged (None: the amount computed from ``fee_table``, the
    profile's rates the API adds). A history recorded before the fee table carries none: its
    ``fee_yen`` is recorded as it was given."""

    executed_on: str | None = None
    method: str = "viewing"
    pages: int = 0
    fee_yen: int | None = None
    colour_pages: int = 0
    media: int = 0
    postage_yen: int = 0
    reduction_reason: str = ""
    fee_table: FeeTable | None = None


@dataclass(frozen=True)
class Withdraw(Command):
    withdrawn_on: str | None = None
    reason: str = ""


@dataclass(frozen=True)
class Transfer(Command):
    """移送. ``to_body`` is the receiving implementing body's profile code ("" for a body outside the
    profile); ``to_body_name`` its name (domain/requests/transfer.py). Histories recorded before
    ``to_body_name`` existed carry the receiving body's name in ``to_body``."""

    to_body: str = ""
    transferred_on: str | None = None
    reason: str = ""
    to_body_name: str = ""


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
