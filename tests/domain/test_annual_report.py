"""The counting rules of the annual report (docs/reports.md), one by one."""

from __future__ import annotations

from typing import Any

from domain.profile import load_profile
from domain.reports.annual import ReportInputs, annual_report, changed_cases
from domain.reports.decisions import decisions_of

PROFILE = load_profile("koganei")
_N = iter(range(1, 10_000))


def request(received_on: str = "2025-05-01", *, department: str = "toshi", decisions: list[dict] | None = None,
            closed: str | None = None, requester: str = "p1", kind: str = "public_records", **extra: Any) -> dict:
    case_id = f"R-2025-{next(_N):05d}"
    state = {"case_id": case_id, "kind": kind, "received_on": received_on, "department": department,
             "status": "closed" if closed else "under_review", "closed_reason": closed, "subject": "件名",
             "requester_party_id": requester, "rules": {"period_days": 14}, "excluded_days": 0,
             "third_parties": [], "extended": False, "remainder_due": None, "previous_decisions": []}
    if decisions:
        state["decision"] = decisions[-1]
        state["previous_decisions"] = decisions[:-1]
        state["status"] = "decided"
    return state | extra


def decided(on: str, outcome: str = "full", *clauses: str, ground: str | None = None) -> dict:
    return {"outcome": outcome, "decided_on": on, "non_disclosure_ground": ground,
            "exemptions": [{"clause": c, "reason": "理由"} for c in clauses]}


def report(requests: list[dict], *, fy: int = 2025, appeals: list[dict] = (), suits: list[dict] = (),
           identities: dict[str, str] | None = None, threshold: int = 10) -> dict:
    return annual_report(ReportInputs(
        fiscal_year=fy, as_of="2026-04-01T00:00:00+00:00", requests=requests, appeals=list(appeals),
        suits=list(suits), identities=identities or {},
        body_of_department={d.code: d.body for d in PROFILE.departments},
        bodies=tuple(b.code for b in PROFILE.implementing_bodies), categories=("resident", "nonresident"),
        frequent_threshold=threshold, period_days={"public_records": 14}))


def test_a_request_counts_in_the_year_it_was_received_and_a_decision_in_the_year_it_was_made() -> None:
    late = request("2025-03-25", decisions=[decided("2025-04-03")])  # received in FY2024, decided in FY2025
    r = report([late])
    assert r["requests"]["total"] == 0
    assert r["decisions"]["total"] == 1 and r["decisions"]["by_body"]["mayor"]["full"] == 1
    assert report([late], fy=2024)["requests"]["total"] == 1
    assert report([late], fy=2024)["decisions"]["total"] == 0


def test_one_request_can_produce_several_decisions() -> None:
    case = request(decisions=[decided("2025-05-10", "full"), decided("2025-06-01", "non_disclosure", "9-2",
                                                                      ground="exempt")])
    r = report([case])
    assert r["requests"]["total"] == 1 and r["decisions"]["total"] == 2
    assert r["decisions"]["by_outcome"]["full"] == 1 and r["decisions"]["by_outcome"]["non_disclosure"] == 1
    assert len(r["list"][0]["decisions"]) == 2


def test_outcome_codes_split_non_disclosure_by_ground() -> None:
    cases = [request(decisions=[decided("2025-05-10", "non_disclosure", ground="not_held")]),
             request(decisions=[decided("2025-05-10", "neither_confirm_nor_deny", "9-2")]),
             request(decisions=[decided("2025-05-10", "dismissed")])]
    out = report(cases)["decisions"]["by_outcome"]
    assert (out["not_held"], out["ncnd"], out["dismissed"], out["non_disclosure"]) == (1, 1, 1, 0)


def test_a_clause_counts_once_per_decision_that_applied_it() -> None:
    cases = [request(decisions=[decided("2025-05-10", "partial", "9-2", "9-2", "9-4-ウ")]),
             request(decisions=[decided("2025-05-11", "partial", "9-4-ウ")])]
    assert report(cases)["clauses"] == {"9-2": 1, "9-4-ウ": 2}


def test_withdrawals_and_transfers_apart_and_undecided_requests_pending() -> None:
    cases = [request(closed="withdrawn"), request(closed="transferred"), request(), request(
        decisions=[decided("2025-05-10")])]
    r = report(cases)
    assert (r["withdrawn"], r["transferred"], r["pending"], r["decisions"]["total"]) == (1, 1, 1, 1)


def test_bodies_follow_the_department() -> None:
    r = report([request(department="kyoiku", decisions=[decided("2025-05-10")])])
    assert r["decisions"]["by_body"]["board_of_education"]["full"] == 1


def test_days_to_decision_and_the_share_within_the_period() -> None:
    cases = [request("2025-05-01", decisions=[decided("2025-05-15")]),  # day 14: within
             request("2025-05-01", decisions=[decided("2025-05-20")])]  # day 19: late (no extension)
    d = report(cases)["days_to_decision"]
    assert (d["count"], d["median"], d["max"], d["within_period"], d["within_period_share"]) == (2, 16.5, 19, 1, 0.5)


def test_frequent_requesters_by_identity_as_pseudonyms_only() -> None:
    many = [request(requester=f"party{i}") for i in range(4)]
    few = [request(requester="other")]
    identities = {f"party{i}": "same-person" for i in range(4)} | {"other": "someone-else"}
    r = report(many + few, identities=identities, threshold=3)
    assert [f["count"] for f in r["frequent_requesters"]] == [4]
    assert r["frequent_requesters"][0]["pseudonym"].startswith("請求者-")
    assert "same-person" not in str(r)


def test_appeals_count_in_the_year_filed_and_each_step_in_its_year() -> None:
    appeal = {"filed_on": "2025-03-20", "referred_on": "2025-04-10", "report": {"adopted_on": "2025-09-01"},
              "ruling": {"ruling": "partly_granted", "ruled_on": "2025-10-01"}, "closed_reason": "ruled"}
    a = report([], appeals=[appeal])["appeals"]
    assert (a["received"], a["referred"], a["reported"], a["ruled"]) == (0, 1, 1, 1)
    assert a["by_ruling"]["partly_granted"] == 1 and a["days_filed_to_ruling"]["max"] == 195


def test_suits_pending_whatever_year_they_were_filed() -> None:
    suits = [{"filed_on": "2022-05-01", "status": "pending", "judgments": []},
             {"filed_on": "2025-06-01", "status": "final", "final_on": "2025-12-01", "outcome": "upheld",
              "judgments": [{"judged_on": "2025-11-01"}]}]
    s = report([], suits=suits)["suits"]
    assert (s["filed"], s["pending"], s["decided"], s["judgments"], s["by_outcome"]) == (1, 1, 1, 1, {"upheld": 1})


def test_self_information_requests_have_their_own_tables() -> None:
    r = report([request(kind="personal_info_disclosure", decisions=[decided("2025-05-10")]), request()])
    assert r["requests"]["total"] == 1 and r["self_information"]["requests"]["total"] == 1
    assert r["self_information"]["decisions"]["total"] == 1 and r["decisions"]["total"] == 0


def test_the_same_inputs_give_the_same_report_and_changes_are_named() -> None:
    cases = [request(), request(decisions=[decided("2025-05-10")])]
    assert report(cases) == report(cases)
    later = [cases[0] | {"closed_reason": "withdrawn", "status": "closed"}, cases[1]]
    assert changed_cases(report(cases), report(later)) == [cases[0]["case_id"]]


def test_a_reopened_request_counts_its_earlier_decision_too() -> None:
    case = request(decisions=[decided("2025-05-10", "non_disclosure", "9-2", ground="exempt"),
                              decided("2025-11-10", "partial", "9-2")])
    assert [d.outcome for d in decisions_of(case)] == ["non_disclosure", "partial"]
