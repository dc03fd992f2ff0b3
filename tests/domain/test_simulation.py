"""The policy simulator: the same staff actions, other rules, and what would have differed."""

from __future__ import annotations

import dataclasses

import pytest

from domain.profile import load_profile
from domain.requests.evolve import fold
from domain.requests.registration import due_dates
from domain.simulation import SimulationError, simulate, with_overrides

PROFILE = load_profile("koganei")


def stream(case_id: str, received: str, decided: str | None, *, department: str = "toshi",
           extended_to: str | None = None) -> list[tuple[str, dict]]:
    rules = PROFILE.case_rules("public_records")
    events = [("RequestReceived", {"case_id": case_id, "kind": "public_records", "received_on": received,
                                   "department": department, "rules": dataclasses.asdict(rules),
                                   **due_dates(rules, received, 0)})]
    if extended_to:
        events.append(("DeadlineExtended", {"reason": "x", **due_dates(rules, received, 0, extended_to)}))
    if decided:
        events += [("DecisionDrafted", {"outcome": "full", "drafted_by": "a"}),
                   ("DecisionApproved", {"decided_on": decided, "approved_by": "b"})]
    return events


def run(streams: dict, **overrides: str) -> dict:
    states = {k: dataclasses.asdict(fold(v)) for k, v in streams.items()}
    return simulate(streams, states, PROFILE, with_overrides(PROFILE, overrides), 2025)


def test_a_shorter_period_makes_decisions_late_by_department() -> None:
    streams = {"R-2025-00001": stream("R-2025-00001", "2025-05-01", "2025-05-12"),  # day 11
               "R-2025-00002": stream("R-2025-00002", "2025-05-01", "2025-05-06", department="somu"),  # day 5
               "R-2024-00003": stream("R-2024-00003", "2025-03-01", "2025-03-20")}  # another fiscal year
    result = run(streams, **{"request_kinds.public_records.period_days": "7"})
    assert result["requests"] == 2 and result["deadlines_moved"] == 2
    assert result["newly_late"] == 1 and result["newly_late_by_department"] == {"toshi": 1}
    assert {c["case_id"]: c["due_after"] for c in result["cases"]} == {"R-2025-00001": "2025-05-08",
                                                                       "R-2025-00002": "2025-05-08"}


def test_an_extension_beyond_a_lower_limit_is_named() -> None:
    streams = {"R-2025-00009": stream("R-2025-00009", "2025-05-01", "2025-06-20", extended_to="2025-06-25")}
    result = run(streams, **{"request_kinds.public_records.extension_limit_days": "30"})
    assert result["extensions_beyond_new_limit"] == 1 and result["newly_late"] == 1


def test_unchanged_rules_change_nothing() -> None:
    streams = {"R-2025-00001": stream("R-2025-00001", "2025-05-01", "2025-05-12")}
    result = run(streams, count_first_day="false")
    assert (result["deadlines_moved"], result["newly_late"]) == (0, 0)


@pytest.mark.parametrize("key", ["request_kinds.nothing.period_days", "no_such_key",
                                 "request_kinds.public_records.period_days"])
def test_a_wrong_setting_is_named(key: str) -> None:
    with pytest.raises(SimulationError, match=key.split(".")[0] if key != "request_kinds.public_records.period_days"
                       else "invalid"):
        with_overrides(PROFILE, {key: "-3"})
