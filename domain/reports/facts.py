"""What the annual report reads of a request: its *report facts*, a small part of the folded state.

The report (``domain.reports.annual``) counts a request by a few fields — kind, dates, department,
requester category and identity, status and closing reason, extensions, third parties' objections and its
decisions (outcome, ground, decision date, clauses). ``request_facts`` takes exactly those from a folded
``RequestCase``, under the names and shapes of the full state (``dataclasses.asdict``), so the report reads
the facts as it reads a state and gives the same figures from either (tested in
``tests/domain/test_report_facts.py``).

The same function feeds both paths of the report: the cases projection stores the facts of every request
as its events arrive (``report_facts``, the live report), and the as-of report folds the events recorded by
its cut-off and takes the facts of each folded case — without copying the whole state. Pure.
"""

from __future__ import annotations

from typing import Any

from domain.requests.state import Decision, RequestCase

# The keys of a request state the report reads (annual.py, decisions.py, api/reports/service.py).
FACT_KEYS = ("case_id", "kind", "status", "closed_reason", "department", "received_on", "subject",
             "requester_party_id", "requester_category", "imported", "rules", "excluded_days", "extended",
             "remainder_due", "third_parties", "decision", "decisions", "previous_decisions")
_RULE_KEYS = ("period_days", "count_first_day")


def _decision(d: Decision) -> dict[str, Any]:
    """The decision as ``decisions_of`` counts it: id, outcome and ground, date and the clauses applied."""
    return {"decision_id": d.decision_id, "outcome": d.outcome, "non_disclosure_ground": d.non_disclosure_ground,
            "decided_on": d.decided_on,
            "exemptions": [{"clause": e["clause"]} for e in d.exemptions or [] if e.get("clause")]}


def request_facts(case: RequestCase) -> dict[str, Any]:
    """The report facts of a folded request (JSON-ready; the same for the live and the as-of report)."""
    return {
        "case_id": case.case_id,
        "kind": case.kind,
        "status": case.status,
        "closed_reason": case.closed_reason,
        "department": case.department,
        "received_on": case.received_on,
        "subject": case.subject,
        "requester_party_id": case.requester_party_id,
        "requester_category": case.requester_category,
        "imported": {"extended": case.imported.get("extended")} if case.imported else None,
        "rules": {k: case.rules[k] for k in _RULE_KEYS if k in case.rules},
        "excluded_days": case.excluded_days,
        "extended": case.extended,
        "remainder_due": case.remainder_due,
        "third_parties": [{"objects": p.objects} for p in case.third_parties],
        "decision": _decision(case.decision) if case.decision else None,
        "decisions": [_decision(d) for d in case.decisions],
        "previous_decisions": [_decision(d) for d in case.previous_decisions],
    }
