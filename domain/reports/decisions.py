"""The decisions one request has produced, as the annual statistics count them.

Municipal statistics count decisions, not requests: one request can end in a 公開決定 for some documents
and a 不存在による非公開決定 for others, and a ruling that reopens a request brings a new decision. This
module reads them from a folded request state (the ``state`` of ``case_view`` or a fold as of an instant)
so the report never needs to know how the workflow stores them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Outcome codes of the report (contract.md): non-disclosure splits by its ground.
REPORT_OUTCOMES = ("full", "partial", "non_disclosure", "not_held", "ncnd", "dismissed")
OUTCOME_LABELS = {
    "full": "公開", "partial": "部分公開", "non_disclosure": "非公開", "not_held": "不存在",
    "ncnd": "存否応答拒否", "dismissed": "却下",
}


@dataclass(frozen=True)
class CountedDecision:
    decision_id: str
    outcome: str  # one of REPORT_OUTCOMES
    decided_on: str
    clauses: tuple[str, ...]


def report_outcome(decision: dict[str, Any]) -> str:
    outcome = decision.get("outcome", "")
    if outcome == "non_disclosure":
        return "not_held" if decision.get("non_disclosure_ground") == "not_held" else "non_disclosure"
    if outcome == "neither_confirm_nor_deny":
        return "ncnd"
    return outcome


def decisions_of(state: dict[str, Any]) -> list[CountedDecision]:
    """Every approved decision of the request, earlier ones (before a reopening) included."""
    current = state.get("decisions") or ([state["decision"]] if state.get("decision") else [])
    raw = [*(state.get("previous_decisions") or []), *current]
    out = []
    for i, d in enumerate(raw, start=1):
        if not d.get("decided_on"):
            continue
        clauses = tuple(sorted({e["clause"] for e in d.get("exemptions") or [] if e.get("clause")}))
        out.append(CountedDecision(decision_id=d.get("decision_id") or f"{state.get('case_id', '')}-D{i}",
                                   outcome=report_outcome(d), decided_on=d["decided_on"], clauses=clauses))
    return out
