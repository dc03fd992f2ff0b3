"""Appeal state, rebuilt from its events by ``evolve`` (the workflow and the projection share it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from domain.evolver import Evolver

UNDER_REVIEW = "under_review"  # 審理 (formal review)
AWAITING_CORRECTION = "awaiting_correction"
REFERRED = "referred"  # 諮問中
REPORTED = "reported"  # 答申済み
CLOSED = "closed"
BEFORE_RULING = frozenset({UNDER_REVIEW, AWAITING_CORRECTION, REFERRED, REPORTED})


@dataclass
class AppealCase:
    appeal_id: str = ""
    request_id: str = ""
    kind: str = "decision"
    status: str = UNDER_REVIEW
    closed_reason: str | None = None
    department: str = ""
    filed_on: str = ""
    window_ends: str | None = None
    window: dict[str, Any] = field(default_factory=dict)
    late: bool = False
    late_reason: str | None = None
    appellant_party_id: str = ""
    requester_party_id: str = ""
    grounds: str = ""
    decision: dict[str, Any] = field(default_factory=dict)
    third_party_objection: bool = False
    third_parties: list[str] = field(default_factory=list)
    rules: dict[str, Any] = field(default_factory=dict)
    correction_respond_by: str | None = None
    correction_lapsed: bool = False
    explanation_due: str | None = None
    explanation_filed_on: str | None = None
    explanation_text: str | None = None
    explanation_overdue: bool = False
    opinions: list[dict[str, Any]] = field(default_factory=list)  # the appellant's 反論書・意見書, in order
    referred_on: str | None = None
    report_due: str | None = None
    report_reminded: bool = False
    report_overdue: bool = False
    sessions: list[dict[str, Any]] = field(default_factory=list)
    report: dict[str, Any] | None = None
    ruling: dict[str, Any] | None = None
    suits: list[str] = field(default_factory=list)
    version: int = 0

    @property
    def closed(self) -> bool:
        return self.status == CLOSED

    @property
    def excused(self) -> bool:
        """Not late, or late with a justifiable reason on record."""
        return not self.late or bool(self.late_reason)


_machine: Evolver[AppealCase] = Evolver(AppealCase)
_on = _machine.on
evolve = _machine.evolve
fold = _machine.fold
APPEAL_EVENT_TYPES = _machine.handlers  # exported: the event types this stream may hold


@_on("AppealFiled")
def _filed(case: AppealCase, d: dict[str, Any]) -> None:
    for key in ("appeal_id", "request_id", "kind", "department", "filed_on", "window_ends", "late",
                "appellant_party_id", "requester_party_id", "grounds", "decision", "third_party_objection",
                "rules", "explanation_due"):
        setattr(case, key, d.get(key, getattr(case, key)))
    case.window = d.get("window", {})
    case.third_parties = list(d.get("third_parties", []))


@_on("AppealCorrectionOrdered")
def _ordered(case: AppealCase, d: dict[str, Any]) -> None:
    case.status, case.correction_respond_by, case.correction_lapsed = AWAITING_CORRECTION, d["respond_by"], False


@_on("AppealCorrected")
def _corrected(case: AppealCase, d: dict[str, Any]) -> None:
    case.status, case.correction_respond_by = UNDER_REVIEW, None


@_on("AppealCorrectionLapsed")
def _lapsed(case: AppealCase, d: dict[str, Any]) -> None:
    case.correction_lapsed = True


@_on("ExplanationFiled")
def _explained(case: AppealCase, d: dict[str, Any]) -> None:
    case.explanation_filed_on = d["filed_on"]
    case.explanation_text = d.get("text")


@_on("AppellantOpinionFiled")
def _opinion(case: AppealCase, d: dict[str, Any]) -> None:
    case.opinions = [*case.opinions, {"filed_on": d["filed_on"], "text": d.get("text") or ""}]


@_on("ExplanationOverdue")
def _explanation_overdue(case: AppealCase, d: dict[str, Any]) -> None:
    case.explanation_overdue = True


@_on("LateReasonRecorded")
def _late_reason(case: AppealCase, d: dict[str, Any]) -> None:
    case.late_reason = d["reason"]


@_on("ReferredToCouncil")
def _referred(case: AppealCase, d: dict[str, Any]) -> None:
    case.status, case.referred_on, case.report_due = REFERRED, d["referred_on"], d["report_due"]


@_on("CouncilSessionRecorded")
def _session(case: AppealCase, d: dict[str, Any]) -> None:
    case.sessions.append(dict(d))


@_on("CouncilReportReminder")
def _report_reminder(case: AppealCase, d: dict[str, Any]) -> None:
    case.report_reminded = True


@_on("CouncilReportOverdue")
def _report_overdue(case: AppealCase, d: dict[str, Any]) -> None:
    case.report_overdue = True


@_on("CouncilReportAdopted")
def _report(case: AppealCase, d: dict[str, Any]) -> None:
    case.status, case.report = REPORTED, dict(d)


@_on("RulingIssued")
def _ruled(case: AppealCase, d: dict[str, Any]) -> None:
    case.status, case.ruling = CLOSED, dict(d)
    case.closed_reason = "dismissed" if d["ruling"] == "dismissed" else "ruled"


@_on("AppealWithdrawn")
def _withdrawn(case: AppealCase, d: dict[str, Any]) -> None:
    case.status, case.closed_reason = CLOSED, "withdrawn"
