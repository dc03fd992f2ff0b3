"""The main paths of RequestWorkflow that have a saved history (``histories/request_<path>.json``).

Each path records under a fixed case id (= workflow id, which a history does not
carry) and ends either ``completed`` (the case closed) or ``terminated`` (the
recording stopped a case that was left waiting, e.g. overdue with no decision).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

HISTORIES = Path(__file__).parent / "histories"


@dataclass(frozen=True)
class ReplayPath:
    case_id: str
    ends: str  # "completed" | "terminated"
    what: str


PATHS: dict[str, ReplayPath] = {
    "full": ReplayPath("R-2099-90001", "completed",
                       "full decision -> notice delivered -> disclosure -> appeal window closes -> final"),
    "partial_third_party": ReplayPath("R-2099-90002", "completed",
                                      "third party consulted, objects -> partial decision -> 2-week hold "
                                      "-> disclosure -> final"),
    "non_disclosure_not_held": ReplayPath("R-2099-90003", "completed",
                                          "non_disclosure (not_held) -> appeal window closes -> final"),
    "correction_dismissed": ReplayPath("R-2099-90004", "completed",
                                       "correction requested -> lapses -> dismissal -> closed as dismissed"),
    "withdrawn": ReplayPath("R-2099-90005", "completed", "reviewer assigned -> withdrawn"),
    "extended_overdue": ReplayPath("R-2099-90006", "terminated",
                                   "deadline extended -> reminder -> overdue escalation (left waiting)"),
    "returned_draft": ReplayPath("R-2099-90007", "completed",
                                 "draft returned by the approver -> redrafted -> approved -> final"),
    "ncnd": ReplayPath("R-2099-90008", "completed",
                       "neither-confirm-nor-deny decision (reported to the council) -> final"),
}


def history_file(path: str) -> Path:
    return HISTORIES / f"request_{path}.json"
