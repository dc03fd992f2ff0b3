"""The report facts (domain/reports/facts.py) give the annual report the same figures as the whole state.

The live report reads the facts the cases projection stores; the as-of report folds the events and takes
the facts of each case. Both must count exactly what a fold of the whole state counts.
"""

from __future__ import annotations

import dataclasses
import json

from domain.reports.facts import FACT_KEYS, request_facts
from domain.requests.state import Decision, RequestCase, ThirdParty
from tests.domain.test_annual_report import report


def _decision(n: int, on: str | None, outcome: str = "full", *clauses: str, ground: str | None = None) -> Decision:
    return Decision(outcome=outcome, non_disclosure_ground=ground, decided_on=on, decision_id=f"D{n}",
                    exemptions=[{"clause": c, "reason": "理由"} for c in clauses] + [{"clause": "", "reason": "x"}],
                    documents=[{"title": "文書", "disclosure": "partial"}], reason_text="長い理由" * 20)


def _cases() -> list[RequestCase]:
    decided = RequestCase(
        case_id="R-2025-00001", kind="public_records", status="decided", department="toshi",
        received_on="2025-05-01", subject="道路台帳", requester_party_id="P-1", requester_category="resident",
        rules={"period_days": 14, "count_first_day": False, "fee": 10}, excluded_days=3, extended=True,
        third_parties=[ThirdParty("P-9", "2025-05-20", objects=True), ThirdParty("P-8", "2025-05-20")],
        decisions=[_decision(2, "2025-05-30", "partial", "9-2", "9-4-ウ"),
                   _decision(3, "2025-06-30", "non_disclosure", ground="not_held")],
        previous_decisions=[_decision(1, "2025-05-10", "neither_confirm_nor_deny", "9-2")],
    )
    decided.decision = decided.decisions[0]
    return [
        decided,
        RequestCase(case_id="R-2025-00002", kind="public_records", status="closed", closed_reason="withdrawn",
                    department="somu", received_on="2025-06-01", subject="x", requester_party_id="P-2"),
        RequestCase(case_id="R-2025-00003", kind="public_records", status="closed", closed_reason="final",
                    department="gikai", received_on="2025-07-01", imported={"source": "ledger.csv", "rows": [2],
                                                                             "extended": "large_volume"},
                    decision=_decision(1, "2025-08-01", "dismissed"), remainder_due="2025-09-01"),
        RequestCase(case_id="R-2025-00004", kind="personal_info_disclosure", status="under_review",
                    department="toshi", received_on="2025-08-01", subject="本人の記録", requester_party_id="P-3",
                    draft=_decision(1, None, "full")),
    ]


def test_the_facts_count_what_the_whole_state_counts() -> None:
    cases = _cases()
    whole = [dataclasses.asdict(c) for c in cases]
    facts = [request_facts(c) for c in cases]
    assert report(facts) == report(whole)
    assert report(facts)["decisions"]["total"] == 4 and report(facts)["clauses"] == {"9-2": 2, "9-4-ウ": 1}


def test_the_facts_keep_the_state_names_and_only_what_the_report_reads() -> None:
    case = _cases()[0]
    facts = request_facts(case)
    assert tuple(facts) == FACT_KEYS
    assert json.loads(json.dumps(facts)) == facts  # what the projection stores is what it reads back
    whole = dataclasses.asdict(case)
    for key in ("case_id", "kind", "received_on", "department", "excluded_days", "extended"):
        assert facts[key] == whole[key]
    assert "documents" not in json.dumps(facts) and "長い理由" not in json.dumps(facts, ensure_ascii=False)
    assert len(json.dumps(facts)) < len(json.dumps(whole)) / 3
