"""Suit state, rebuilt from its events by ``evolve`` (the workflow and the projection share it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from domain.evolver import Evolver

PENDING = "pending"  # 係属中
FINAL = "final"  # 確定
LEVELS = ("district", "high", "supreme")  # 地方裁判所 → 高等裁判所 (控訴) → 最高裁判所 (上告)


@dataclass
class SuitCase:
    suit_id: str = ""
    request_id: str = ""
    appeal_id: str | None = None
    target: str = "decision"
    decision_id: str = ""  # the request's decision challenged (R-2026-00012-D1)
    status: str = PENDING
    department: str = ""
    court: str = ""  # the court the suit is now before
    case_number: str = ""
    filed_on: str = ""
    learned_on: str | None = None
    decided_on: str | None = None
    window_ends: str | None = None
    window: dict[str, Any] = field(default_factory=dict)
    late: bool = False
    documents: list[dict[str, str]] = field(default_factory=list)
    rules: dict[str, Any] = field(default_factory=dict)
    level: str = "district"
    judgments: list[dict[str, Any]] = field(default_factory=list)
    appeals: list[dict[str, Any]] = field(default_factory=list)
    appeal_due: str | None = None  # open deadline to appeal the current level's judgment
    appeal_due_explanation: dict[str, Any] = field(default_factory=dict)
    outcome: str | None = None  # of the last judgment, then the final outcome
    scope: list[dict[str, str]] = field(default_factory=list)
    final_on: str | None = None
    final_reason: str | None = None  # no_appeal | supreme_court | confirmed | withdrawn | settled
    version: int = 0

    @property
    def closed(self) -> bool:
        return self.status == FINAL

    @property
    def judged(self) -> bool:
        """The court now seized has given its judgment (an appeal or finality comes next)."""
        return bool(self.judgments) and self.judgments[-1]["court_level"] == self.level


_machine: Evolver[SuitCase] = Evolver(SuitCase)
_on = _machine.on
evolve = _machine.evolve
fold = _machine.fold
SUIT_EVENT_TYPES = _machine.handlers  # exported: the event types this stream may hold


@_on("SuitFiled")
def _filed(case: SuitCase, d: dict[str, Any]) -> None:
    for key in ("suit_id", "request_id", "appeal_id", "target", "department", "court", "case_number", "filed_on",
                "learned_on", "decided_on", "window_ends", "late", "rules", "level", "decision_id"):
        setattr(case, key, d.get(key, getattr(case, key)))
    case.window = d.get("window", {})
    case.documents = list(d.get("documents", []))


@_on("JudgmentEntered")
def _judged(case: SuitCase, d: dict[str, Any]) -> None:
    case.judgments.append(dict(d))
    case.outcome, case.scope = d["outcome"], list(d.get("scope", []))
    case.appeal_due, case.appeal_due_explanation = d.get("appeal_due"), d.get("appeal_due_explanation", {})


@_on("SuitAppealed")
def _appealed(case: SuitCase, d: dict[str, Any]) -> None:
    case.appeals.append(dict(d))
    case.level, case.court = d["to_level"], d["court"]
    case.case_number = d.get("case_number") or case.case_number
    case.appeal_due, case.appeal_due_explanation = None, {}


@_on("SuitAppealWindowLapsed")
def _lapsed(case: SuitCase, d: dict[str, Any]) -> None:
    case.appeal_due, case.appeal_due_explanation = None, {}


@_on("SuitFinal")
def _final(case: SuitCase, d: dict[str, Any]) -> None:
    case.status, case.final_on, case.final_reason = FINAL, d["final_on"], d["reason"]
    case.outcome, case.scope = d["outcome"], list(d.get("scope", []))
    case.appeal_due, case.appeal_due_explanation = None, {}


@_on("CalendarChanged")
def _calendar_changed(case: SuitCase, d: dict[str, Any]) -> None:
    """A newer holiday table moved the deadline to appeal the judgment; the event carries the new date."""
    case.appeal_due, case.appeal_due_explanation = d["appeal_due"], d.get("appeal_due_explanation", {})
