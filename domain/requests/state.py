"""The state of one request case, rebuilt from its events by ``evolve``.

The workflow keeps it in memory; the case_view projection folds the same
events with the same function, so the two can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from domain.requests import transitions as t


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
    reminded_for: str | None = None
    overdue: bool = False
    # correction (補正)
    correction_requested_on: str | None = None
    correction_respond_by: str | None = None
    correction_lapsed: bool = False
    # third parties
    third_parties: list[ThirdParty] = field(default_factory=list)
    # decision
    draft: Decision | None = None
    drafts: int = 0
    decision: Decision | None = None
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

    @property
    def closed(self) -> bool:
        return self.status == t.CLOSED

    def third_party(self, party_id: str) -> ThirdParty | None:
        return next((p for p in self.third_parties if p.party_id == party_id), None)

    def objecting_parties(self) -> list[ThirdParty]:
        return [p for p in self.third_parties if p.objects]

    def awaiting_opinions(self) -> list[ThirdParty]:
        return [p for p in self.third_parties if p.responded_on is None and not p.lapsed]

    def discloses_anything(self) -> bool:
        return self.decision is not None and self.decision.outcome in ("full", "partial")
