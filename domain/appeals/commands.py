"""Appeal commands (contract.md) and the appeal workflow's input. Payload dataclasses: no future import."""

from dataclasses import dataclass, field
from datetime import datetime

from domain.actors import Actor


@dataclass(frozen=True)
class AppealRules:
    """Profile numbers one appeal needs (a snapshot, like CaseRules for requests)."""

    correction_days: int = 14
    explanation_days: int = 30
    report_target_days: int = 90
    report_reminder_days: int = 14
    council_members: tuple[str, ...] = ()
    quorum: int = 1
    extra_closures: tuple[str, ...] = ()


@dataclass(frozen=True)
class FileAppeal:
    """Workflow input: the appeal as received, with a snapshot of the decision it challenges."""

    appeal_id: str
    request_id: str = ""
    kind: str = "decision"  # decision | inaction (不作為)
    filed_on: str = ""
    learned_on: str | None = None
    appellant_party_id: str = ""
    grounds: str = ""
    department: str = ""
    decided_on: str | None = None
    decision: dict = field(default_factory=dict)  # outcome, documents, exemptions, reason_text
    third_party_objection: bool = False
    third_parties: tuple[str, ...] = ()  # objecting third parties' party ids
    requester_party_id: str = ""
    actor: Actor | None = None
    rules: AppealRules = field(default_factory=AppealRules)
    entered_at: datetime | None = None


@dataclass(frozen=True)
class AppealCommand:
    actor: Actor
    # When the API stops waiting (domain/expiry.py). Keyword-only with a default: old histories decode.
    expires_at: datetime | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class OrderCorrection(AppealCommand):
    """補正命令 (行審法23条)."""

    respond_by: str | None = None
    what: str = ""


@dataclass(frozen=True)
class RecordAppealCorrection(AppealCommand):
    received_on: str | None = None


@dataclass(frozen=True)
class RecordOpinion(AppealCommand):
    """反論書・意見書 from the appellant (行政不服審査法30条①, 条例の審査会への意見書の提出)."""

    filed_on: str | None = None
    text: str = ""


@dataclass(frozen=True)
class RecordExplanation(AppealCommand):
    """弁明書 / 理由説明書 from the department."""

    filed_on: str | None = None
    text: str = ""


@dataclass(frozen=True)
class RecordLateReason(AppealCommand):
    """正当な理由 (行審法18条①但書) that excuses a late appeal."""

    reason: str = ""


@dataclass(frozen=True)
class ReferToCouncil(AppealCommand):
    referred_on: str | None = None


@dataclass(frozen=True)
class Dismiss(AppealCommand):
    ruled_on: str | None = None
    reason: str = ""


@dataclass(frozen=True)
class ScopeItem:
    title: str
    disclosure: str  # full | partial | withheld


@dataclass(frozen=True)
class GrantWithoutReferral(AppealCommand):
    ruled_on: str | None = None
    scope: tuple[ScopeItem, ...] = ()
    text: str = ""


@dataclass(frozen=True)
class RecordRuling(AppealCommand):
    ruling: str = ""  # dismissed | rejected | granted | partly_granted
    ruled_on: str | None = None
    scope: tuple[ScopeItem, ...] = ()
    text: str = ""


@dataclass(frozen=True)
class WithdrawAppeal(AppealCommand):
    withdrawn_on: str | None = None
    reason: str = ""


@dataclass(frozen=True)
class RecordSession(AppealCommand):
    held_on: str | None = None
    closed: bool = True
    present: tuple[str, ...] = ()
    in_camera: bool = False
    oral_statement: bool = False
    minutes: str = ""


@dataclass(frozen=True)
class AdoptReport(AppealCommand):
    """答申."""

    adopted_on: str | None = None
    conclusion: str = ""  # uphold | disclose_in_part | disclose_in_full | other
    text: str = ""
    votes_for: int = 0
    votes_against: int = 0


APPEAL_COMMANDS: dict[str, type[AppealCommand]] = {
    "order-correction": OrderCorrection,
    "record-correction": RecordAppealCorrection,
    "record-explanation": RecordExplanation,
    "record-opinion": RecordOpinion,
    "record-late-reason": RecordLateReason,
    "refer-to-council": ReferToCouncil,
    "dismiss": Dismiss,
    "grant-without-referral": GrantWithoutReferral,
    "record-ruling": RecordRuling,
    "withdraw": WithdrawAppeal,
    "record-session": RecordSession,
    "adopt-report": AdoptReport,
}
APPEAL_ACTION_OF = {cls: name for name, cls in APPEAL_COMMANDS.items()}
