"""Suit commands (contract.md) and the suit workflow's input. Payload dataclasses: no future import.

Outcomes always describe the fate of the city's decision (or ruling), at every level:
``upheld`` (請求棄却 — the decision stands), ``revoked`` (取消し), ``partly_revoked`` (一部取消し).
A judgment is recorded with ``record-judgment``; a suit that ends without one — 訴えの取下げ
(``withdrawn``) or 和解 (``settled``) — with ``record-final`` and that outcome. ``record-final``
without an outcome confirms the last judgment as final (上訴権の放棄, 上訴の取下げ).
"""

from dataclasses import dataclass, field
from datetime import datetime

from domain.actors import Actor
from domain.appeals.commands import ScopeItem


@dataclass(frozen=True)
class SuitRules:
    """Profile numbers one suit needs (a snapshot, like AppealRules)."""

    extra_closures: tuple[str, ...] = ()


@dataclass(frozen=True)
class FileSuit:
    """Workflow input: the suit as served on the city, with a snapshot of the decision it challenges.

    ``decided_on`` / ``learned_on`` are those of the decision — or of the ruling when an appeal was
    filed (行訴法14条③), whatever the ``target``. ``learned_on`` defaults to ``decided_on``.
    """

    suit_id: str
    request_id: str = ""
    appeal_id: str | None = None  # when an appeal was filed (required when the suit targets the ruling)
    target: str = "decision"  # decision | ruling
    filed_on: str = ""
    learned_on: str | None = None
    court: str = ""  # e.g. 東京地方裁判所
    case_number: str = ""  # e.g. 令和7年(行ウ)第123号
    decided_on: str | None = None
    department: str = ""
    documents: tuple[ScopeItem, ...] = ()  # the disclosure the decision (or ruling) gave, per document
    actor: Actor | None = None
    decision_id: str = ""  # the request's decision challenged (or the one the ruling was about)
    rules: SuitRules = field(default_factory=SuitRules)
    entered_at: datetime | None = None


@dataclass(frozen=True)
class SuitCommand:
    actor: Actor
    # When the API stops waiting (domain/expiry.py). Keyword-only with a default: old histories decode.
    expires_at: datetime | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class RecordJudgment(SuitCommand):
    """判決: district, high or Supreme Court. ``scope`` (documents with the disclosure the judgment
    requires) only with a revocation; a full revocation without scope requires every document in full."""

    court_level: str = ""  # district | high | supreme
    judged_on: str | None = None
    served_on: str | None = None  # 判決書の送達: starts the 2 weeks to appeal (required below the Supreme Court)
    outcome: str = ""  # upheld | revoked | partly_revoked
    scope: tuple[ScopeItem, ...] = ()
    text: str = ""


@dataclass(frozen=True)
class RecordSuitAppeal(SuitCommand):
    """控訴 (to the high court) or 上告 (to the Supreme Court), by either party."""

    filed_on: str | None = None
    court: str = ""  # the court the appeal goes to, e.g. 東京高等裁判所
    case_number: str = ""  # the new instance's number, when known
    by: str = ""  # plaintiff | defendant (the city); optional


@dataclass(frozen=True)
class RecordFinal(SuitCommand):
    """確定: ``withdrawn`` / ``settled``, or (no outcome) the last judgment confirmed as final."""

    final_on: str | None = None
    outcome: str = ""  # "" | withdrawn | settled
    reason: str = ""


SUIT_COMMANDS: dict[str, type[SuitCommand]] = {
    "record-judgment": RecordJudgment,
    "record-appeal": RecordSuitAppeal,
    "record-final": RecordFinal,
}
SUIT_ACTION_OF = {cls: name for name, cls in SUIT_COMMANDS.items()}
