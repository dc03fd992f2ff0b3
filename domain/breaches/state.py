"""Breach state, rebuilt from its events by ``evolve`` (the workflow and the projection share it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from domain.evolver import Evolver

OPEN = "open"  # 対応中
CLOSED = "closed"  # 終結
REPORTS = ("preliminary", "final")  # 速報, 確報
FACTS = (
    "aware_on",
    "persons",
    "items",
    "sensitive",
    "financial_harm",
    "malicious",
    "encrypted",
    "contractor",
    "description",
    "duty",
    "reportable",
    "preliminary_due",
    "preliminary_explanation",
    "final_due",
    "final_explanation",
)


@dataclass
class BreachCase:
    breach_id: str = ""
    department: str = ""
    status: str = OPEN
    title: str = ""
    kind: str = "leak"
    aware_on: str = ""
    description: dict[str, Any] = field(default_factory=dict)  # {"sealed": token}
    persons: int = 0
    items: list[str] = field(default_factory=list)
    sensitive: bool = False
    financial_harm: bool = False
    malicious: bool = False
    encrypted: bool = False
    contractor: str = ""
    duty: dict[str, Any] = field(default_factory=dict)  # ReportDuty.to_dict()
    reportable: bool = False
    preliminary_due: str | None = None
    preliminary_explanation: dict[str, Any] = field(default_factory=dict)
    final_due: str | None = None
    final_explanation: dict[str, Any] = field(default_factory=dict)
    reports: dict[str, dict[str, Any]] = field(default_factory=dict)  # preliminary/final → submission
    reminded: dict[str, str] = field(default_factory=dict)  # report → the due date reminded of
    overdue: dict[str, str] = field(default_factory=dict)  # report → the due date missed
    notices: list[dict[str, Any]] = field(default_factory=list)  # 本人への通知 / 公表
    measures: list[dict[str, Any]] = field(default_factory=list)
    revisions: list[dict[str, Any]] = field(default_factory=list)
    agenda: dict[str, Any] | None = None
    closed_on: str | None = None
    rules: dict[str, Any] = field(default_factory=dict)
    recorded_by: str = ""
    version: int = 0

    @property
    def closed(self) -> bool:
        return self.status == CLOSED

    def due(self, report: str) -> str | None:
        return self.preliminary_due if report == "preliminary" else self.final_due

    def is_overdue(self, report: str) -> bool:
        """Due, not filed, and the due date passed (the timer recorded it)."""
        return self.reportable and report not in self.reports and self.overdue.get(report) == self.due(report)


_machine: Evolver[BreachCase] = Evolver(BreachCase)
_on = _machine.on
evolve = _machine.evolve
fold = _machine.fold
BREACH_EVENT_TYPES = _machine.handlers


def _facts(case: BreachCase, d: dict[str, Any]) -> None:
    for key in FACTS:
        if key in d:
            setattr(case, key, list(d[key]) if key == "items" else d[key])


@_on("BreachRecorded")
def _recorded(case: BreachCase, d: dict[str, Any]) -> None:
    for key in ("breach_id", "department", "title", "kind", "rules", "recorded_by"):
        setattr(case, key, d.get(key, getattr(case, key)))
    _facts(case, d)


@_on("BreachFactsRevised")
def _revised(case: BreachCase, d: dict[str, Any]) -> None:
    _facts(case, d)
    case.revisions.append(
        {"revised_on": d.get("revised_on"), "changed": d.get("changed", []), "reason": d.get("reason", "")}
    )


@_on("BreachReportSubmitted")
def _submitted(case: BreachCase, d: dict[str, Any]) -> None:
    case.reports[d["report"]] = {
        k: d.get(k) for k in ("submitted_on", "reference", "due", "late", "voluntary")
    }


@_on("BreachReportReminderSent")
def _reminded(case: BreachCase, d: dict[str, Any]) -> None:
    case.reminded[d["report"]] = d["due"]


@_on("BreachReportOverdue")
def _overdue(case: BreachCase, d: dict[str, Any]) -> None:
    case.overdue[d["report"]] = d["due"]


@_on("PersonsNotified")
def _notified(case: BreachCase, d: dict[str, Any]) -> None:
    case.notices.append(dict(d))


@_on("RecurrenceMeasuresRecorded")
def _measures(case: BreachCase, d: dict[str, Any]) -> None:
    case.measures.append(dict(d))


@_on("BreachPlacedOnAgenda")
def _agenda(case: BreachCase, d: dict[str, Any]) -> None:
    case.agenda = {"meeting_on": d["meeting_on"]}


@_on("BreachClosed")
def _closed(case: BreachCase, d: dict[str, Any]) -> None:
    case.status, case.closed_on = CLOSED, d["closed_on"]
