"""The state of one request case, rebuilt from its events by ``evolve``.

The workflow keeps it in memory; the case_view projection folds the same
events with the same function, so the two can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from domain.requests import transitions as t
from domain.self_information import MEASURE_KINDS


@dataclass
class ThirdParty:
    party_id: str
    respond_by: str
    mandatory: bool = False
    responded_on: str | None = None
    objects: bool = False
    lapsed: bool = False


@dataclass
class Decision:
    """One decision (決定) — a part of a draft once approved. A request may get several: e.g. a 公開決定
    for some documents and a 不存在による非公開決定 for others, each with its own notice, 教示 and appeal
    window; or, after a 特例延長, a decision for the substantial part and a later one for the remainder."""

    outcome: str
    non_disclosure_ground: str | None = None
    exemptions: list[dict[str, str]] = field(default_factory=list)
    documents: list[dict[str, str]] = field(default_factory=list)
    reason_text: str = ""
    disclosure_on: str | None = None
    drafted_by: str = ""
    draft_no: int = 0
    decided_on: str | None = None
    approved_by: str | None = None
    earliest_disclosure_on: str | None = None
    decision_id: str = ""  # R-2026-00012-D1: stable, numbered across the case (re-decisions included)
    part: int = 1  # position in its draft
    batch: int = 0  # which approval issued it (parts approved together share it)
    covers_remainder: bool = False  # the decision that settles a 特例延長's remainder
    notice_delivered_on: str | None = None
    appeal_window_ends: str | None = None
    appeal_window_closed: bool = False
    hold_ended: bool = False
    disclosed_on: str | None = None
    challenged_by: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)  # 提供先 of a correction (APPI 第97条), party ids

    @property
    def discloses(self) -> bool:
        return self.outcome in ("full", "partial")


@dataclass
class RequestCase:
    case_id: str = ""
    kind: str = ""
    status: str = t.UNDER_REVIEW
    closed_reason: str | None = None
    department: str = ""
    reviewer: str | None = None
    received_on: str = ""
    subject: str = ""
    requester_party_id: str = ""
    preferred_method: str = "viewing"
    requester_category: str | None = None  # 請求者の区分 (profile code)
    imported: dict[str, Any] | None = None  # from the old ledger (kaiji import ledger): source, rows, extended
    rules: dict[str, Any] = field(default_factory=dict)
    version: int = 0
    # deadlines
    decision_due: str = ""
    work_due: str = ""
    due_warning: str | None = None
    due_explanation: dict[str, Any] = field(default_factory=dict)
    excluded_days: int = 0
    extended: bool = False
    remainder_due: str | None = None
    # 特例延長 recorded as a deadline: the remainder's decision is owed until a decision covers it
    remainder_owed: bool = False
    remainder_work_due: str | None = None
    remainder_reminded: bool = False
    remainder_overdue: bool = False
    reminded_for: str | None = None
    overdue: bool = False
    # correction (補正)
    correction_requested_on: str | None = None
    correction_respond_by: str | None = None
    correction_lapsed: bool = False
    # third parties
    third_parties: list[ThirdParty] = field(default_factory=list)
    # decision
    draft: Decision | None = None  # the first part of the draft awaiting approval
    draft_parts: list[Decision] = field(default_factory=list)
    drafts: int = 0
    decision: Decision | None = None  # the first decision of ``decisions`` (the one-decision view)
    decisions: list[Decision] = field(default_factory=list)  # approved since receipt or the last reopening
    decision_seq: int = 0
    approvals: int = 0
    notice_delivered_on: str | None = None
    appeal_window_ends: str | None = None
    hold_ended: bool = False
    disclosed_on: str | None = None
    disclosure_fee: dict[str, Any] | None = None  # 費用負担 of the disclosure (None: recorded before computing it)
    uncollected: bool = False
    appeal_window_closed: bool = False
    appeals: list[str] = field(default_factory=list)
    open_appeals: list[str] = field(default_factory=list)
    suits: list[str] = field(default_factory=list)
    open_suits: list[str] = field(default_factory=list)
    status_before_challenge: str | None = None
    required_scope: list[dict[str, str]] = field(default_factory=list)  # set by a reopening ruling/judgment
    previous_decisions: list[Decision] = field(default_factory=list)
    ncnd_reported_on: str | None = None
    # APPI requests (domain/self_information.py): identity_verified, and for a correction or suspension
    # disclosed_on, disclosure_case_id, measure, filing_window_ends. None for public records.
    self_information: dict[str, Any] | None = None

    @property
    def closed(self) -> bool:
        return self.status == t.CLOSED

    def third_party(self, party_id: str) -> ThirdParty | None:
        return next((p for p in self.third_parties if p.party_id == party_id), None)

    def objecting_parties(self) -> list[ThirdParty]:
        return [p for p in self.third_parties if p.objects]

    def awaiting_opinions(self) -> list[ThirdParty]:
        return [p for p in self.third_parties if p.responded_on is None and not p.lapsed]

    def appi(self) -> bool:
        """A self-information request registered under the APPI rules (its receipt recorded them): its own
        outcomes, notices and 教示 apply. One registered before keeps the rules it was registered with."""
        return self.self_information is not None

    def takes_measure(self) -> bool:
        """訂正・利用停止請求: a decision to correct or stop using (APPI 第93条, 第101条) is carried out by
        the department; there is nothing to show the requester, so no disclosure to execute."""
        return self.appi() and self.kind in MEASURE_KINDS

    def discloses_anything(self) -> bool:
        return not self.takes_measure() and any(d.discloses for d in self.decisions)

    def to_disclose(self) -> list[Decision]:
        """Decisions that disclose something not yet disclosed."""
        if self.takes_measure():
            return []
        return [d for d in self.decisions if d.discloses and d.disclosed_on is None]

    def find_decision(self, decision_id: str) -> Decision | None:
        return next((d for d in self.decisions if d.decision_id == decision_id), None)

    def latest_batch(self) -> list[Decision]:
        return [d for d in self.decisions if d.batch == self.approvals]

    def windows_closed(self) -> bool:
        return bool(self.decisions) and all(d.appeal_window_closed for d in self.decisions)
