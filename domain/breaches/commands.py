"""Breach commands and the breach workflow's input. Payload dataclasses: no future import.

The description of what happened may name people: the API seals it (kaiji.security.sealed, the
parties' field cipher, bound to the breach) before the command is built, so the event store, the
timeline and the Temporal history never hold it in plaintext.
"""

from dataclasses import dataclass, field
from datetime import datetime

from domain.actors import Actor


@dataclass(frozen=True)
class BreachRules:
    """Profile numbers one breach needs (a snapshot, like SuitRules)."""

    preliminary_days: int = 3  # 速報: 3–5 days (profile ``breach_preliminary_days``)
    reminder_lead_days: int = 3  # open days before the 確報 is due
    extra_closures: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordBreach:
    """Workflow input: the incident as the department (or the records officer) records it."""

    breach_id: str
    department: str = ""
    aware_on: str = ""  # 知った日: the clocks start here
    title: str = ""  # a heading without personal data (shown to the council)
    kind: str = "leak"  # leak (漏えい) | loss (滅失) | damage (毀損)
    description: str = ""  # sealed token: what happened
    persons: int = 0
    items: tuple[str, ...] = ()  # which items of personal data (氏名, 住所, 病名 …)
    sensitive: bool = False  # 要配慮個人情報
    financial_harm: bool = False
    malicious: bool = False
    contractor: str = ""  # 委託先, when a contractor was involved
    encrypted: bool = False  # 高度な暗号化等: no report duty
    actor: Actor | None = None
    rules: BreachRules = field(default_factory=BreachRules)
    entered_at: datetime | None = None


@dataclass(frozen=True)
class BreachCommand:
    actor: Actor
    # When the API stops waiting (domain/expiry.py). Keyword-only with a default: old histories decode.
    expires_at: datetime | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class ReviseFacts(BreachCommand):
    """New findings: any of the facts the duty is computed from (None: unchanged)."""

    aware_on: str | None = None
    persons: int | None = None
    items: tuple[str, ...] | None = None
    sensitive: bool | None = None
    financial_harm: bool | None = None
    malicious: bool | None = None
    encrypted: bool | None = None
    contractor: str | None = None
    description: str | None = None  # sealed token
    reason: str = ""


@dataclass(frozen=True)
class RecordPreliminaryReport(BreachCommand):
    """速報 filed with the Commission."""

    submitted_on: str | None = None
    reference: str = ""  # the Commission's receipt number (受付番号)


@dataclass(frozen=True)
class RecordFinalReport(BreachCommand):
    """確報 filed with the Commission."""

    submitted_on: str | None = None
    reference: str = ""


@dataclass(frozen=True)
class RecordNoticeToPersons(BreachCommand):
    """本人への通知 (APPI 68②): method, date and count — or why it is impossible and the public
    announcement made instead (代替措置: 公表)."""

    method: str = ""  # mail | email | phone | in_person | other
    notified_on: str | None = None
    count: int = 0
    impossible_reason: str = ""
    announcement: str = ""  # where and how it was announced (ホームページ等)
    announced_on: str | None = None


@dataclass(frozen=True)
class RecordMeasures(BreachCommand):
    """再発防止策."""

    measures: str = ""
    decided_on: str | None = None


@dataclass(frozen=True)
class PlaceOnAgenda(BreachCommand):
    """The incident is reported to the council (審査会への報告): the meeting it is on."""

    meeting_on: str = ""


@dataclass(frozen=True)
class CloseBreach(BreachCommand):
    closed_on: str | None = None
    note: str = ""


BREACH_COMMANDS: dict[str, type[BreachCommand]] = {
    "revise-facts": ReviseFacts,
    "record-preliminary-report": RecordPreliminaryReport,
    "record-final-report": RecordFinalReport,
    "record-notification": RecordNoticeToPersons,
    "record-measures": RecordMeasures,
    "report-to-council": PlaceOnAgenda,
    "close": CloseBreach,
}
BREACH_ACTION_OF = {cls: name for name, cls in BREACH_COMMANDS.items()}
