"""The main paths that have a saved history.

RequestWorkflow paths are saved as ``histories/request_<path>.json``; paths of another
workflow (AppealCase, SuitCase) carry their own file stem, e.g. ``histories/appeal_partial_grant.json``.

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
    workflow_type: str = "RequestCase"  # the saved (and replayed) workflow: RequestCase | AppealCase | SuitCase
    stem: str | None = None  # the history file's stem; None: ``request_<path>``


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
                       "neither-confirm-nor-deny decision -> report to the council recorded -> final"),
    "two_decisions": ReplayPath("R-2099-90009", "completed",
                                "one draft, two decisions (full + not held) -> two notices -> the second's notice "
                                "delivered later -> disclosure -> two appeal windows close -> final"),
    "large_volume_remainder": ReplayPath("R-2099-90010", "completed",
                                         "特例延長 -> decision for the substantial part -> disclosure -> remainder "
                                         "reminder -> remainder overdue -> decision for the remainder -> final"),
    "pi_procedure": ReplayPath("R-2099-90011", "terminated",
                               "self-information disclosure (APPI forms, patch pi-notice-forms): 補正 -> corrected "
                               "-> third party consulted, objects -> full decision -> 86③ notice (left waiting)"),
    "pi_correction_recipients": ReplayPath("R-2099-90013", "terminated",
                                           "self-information correction -> decision to correct naming two 提供先 "
                                           "-> approved: the decision notice and a 第97条 notice to each "
                                           "recipient (patch pi-correction-recipients; left waiting)"),
    "full_local_record": ReplayPath("R-2099-90011", "completed",
                                    "the full path again, recorded with record_events as a local activity "
                                    "(workflow.patched('record-events-local'), issue 15)"),
    "full_local_notice": ReplayPath("R-2099-90012", "completed",
                                    "the full path again, recorded with record_events and issue_notice as local "
                                    "activities (workflow.patched('issue-notice-local'), issue 15)"),
    "appeal_partial_grant": ReplayPath("A-2099-90001", "completed",
                                       "appeal of a partial decision -> referred -> session below quorum "
                                       "-> session with quorum -> report -> partly granted (ruled)",
                                       workflow_type="AppealCase", stem="appeal_partial_grant"),
    "appeal_referral_pack": ReplayPath("A-2099-90002", "completed",
                                       "appeal of a partial decision -> referred (referral pack v1, patch "
                                       "referral-pack) -> explanation filed (pack v2) -> session -> report "
                                       "-> rejected (ruled)",
                                       workflow_type="AppealCase", stem="appeal_referral_pack"),
    "appeal_reopens_request": ReplayPath("R-2099-90104", "terminated",
                                         "the request's side of a granted appeal: challenge-linked and "
                                         "-concluded, each checked for its seal (patch challenge-signal-seal) "
                                         "-> reopened (left waiting for the new decision)",
                                         stem="request_appeal_reopens"),
    "suit_final": ReplayPath("L-2099-90001", "completed",
                             "suit against a decision -> district judgment upheld -> appeal window lapses "
                             "-> final (upheld)",
                             workflow_type="SuitCase", stem="suit_final"),
}


def history_file(path: str) -> Path:
    stem = PATHS[path].stem or f"request_{path}"
    return HISTORIES / f"{stem}.json"
