"""The one transition table: which action is allowed in which state, by which role.

Route handlers and workflows never decide this themselves; they ask here.
"""

from __future__ import annotations

from dataclasses import dataclass

# Request status values (contract.md).
AWAITING_CORRECTION = "awaiting_correction"
UNDER_REVIEW = "under_review"
CONSULTING = "consulting_third_party"
PENDING_APPROVAL = "pending_approval"
DECIDED = "decided"
DISCLOSED = "disclosed"
UNDER_APPEAL = "under_appeal"
IN_LITIGATION = "in_litigation"
CLOSED = "closed"

STATUSES = (
    AWAITING_CORRECTION,
    UNDER_REVIEW,
    CONSULTING,
    PENDING_APPROVAL,
    DECIDED,
    DISCLOSED,
    UNDER_APPEAL,
    IN_LITIGATION,
    CLOSED,
)
BEFORE_DECISION = frozenset({AWAITING_CORRECTION, UNDER_REVIEW, CONSULTING, PENDING_APPROVAL})
AFTER_DECISION = frozenset({DECIDED, DISCLOSED, UNDER_APPEAL, IN_LITIGATION})

# Roles whose authority is limited to their own department's cases.
DEPARTMENT_SCOPED = frozenset({"reviewer", "approver"})


@dataclass(frozen=True)
class Rule:
    states: frozenset[str]
    roles: frozenset[str]
    label: str  # Japanese name of the act, for messages


def _rule(states: set[str] | frozenset[str], roles: set[str], label: str) -> Rule:
    return Rule(frozenset(states), frozenset(roles), label)


_OFFICER = "records_officer"

TRANSITIONS: dict[str, Rule] = {
    "request-correction": _rule({UNDER_REVIEW, CONSULTING}, {"reviewer", _OFFICER}, "補正依頼"),
    "record-correction": _rule({AWAITING_CORRECTION}, {"front_desk", "reviewer", _OFFICER}, "補正の受付"),
    "assign": _rule(BEFORE_DECISION, {"front_desk", "approver", _OFFICER}, "担当の割当て"),
    "extend": _rule(BEFORE_DECISION, {"reviewer", _OFFICER}, "期限延長"),
    "consult-third-party": _rule({UNDER_REVIEW, CONSULTING}, {"reviewer", _OFFICER}, "第三者意見照会"),
    "record-third-party-opinion": _rule(
        {CONSULTING, UNDER_REVIEW}, {"front_desk", "reviewer", _OFFICER}, "意見書の受付"
    ),
    "draft-decision": _rule(
        {UNDER_REVIEW, CONSULTING, AWAITING_CORRECTION}, {"reviewer", _OFFICER}, "決定案の起案"
    ),
    "return-draft": _rule({PENDING_APPROVAL}, {"approver", _OFFICER}, "決定案の差戻し"),
    "approve-decision": _rule({PENDING_APPROVAL}, {"approver", _OFFICER}, "決裁"),
    "record-notice-delivery": _rule(
        {DECIDED, DISCLOSED, UNDER_APPEAL}, {"front_desk", "reviewer", _OFFICER}, "通知到達の記録"
    ),
    "record-disclosure": _rule({DECIDED}, {"front_desk", _OFFICER}, "公開の実施"),
    "withdraw": _rule(BEFORE_DECISION, {"front_desk", _OFFICER}, "取下げ"),
    "transfer": _rule(BEFORE_DECISION, {"front_desk", _OFFICER}, "移送"),
    "record-ncnd-report": _rule(set(STATUSES), {"council", _OFFICER}, "存否応答拒否の報告"),
    "reissue-notice": _rule(set(STATUSES) - {CLOSED}, {"front_desk", "reviewer", _OFFICER}, "通知書の訂正"),
}

# 特例延長 (著しく大量): after the decision for the substantial part the case is decided (its documents
# can be disclosed and appealed) while the remainder's decision is still owed. Drafting, returning and
# approving that decision run on the decided case too.
REMAINDER_STATES = frozenset({DECIDED, DISCLOSED, UNDER_APPEAL, IN_LITIGATION})
REMAINDER_ACTIONS = frozenset({"draft-decision", "return-draft", "approve-decision"})


def states_for(action: str, *, remainder_owed: bool = False) -> frozenset[str]:
    """The states in which ``action`` is allowed; wider while a 特例延長's remainder is owed."""
    states = TRANSITIONS[action].states
    if remainder_owed and action in REMAINDER_ACTIONS:
        return states | REMAINDER_STATES
    return states


STATUS_LABELS = {
    AWAITING_CORRECTION: "補正待ち",
    UNDER_REVIEW: "審査中",
    CONSULTING: "第三者意見照会中",
    PENDING_APPROVAL: "決裁待ち",
    DECIDED: "決定済み",
    DISCLOSED: "公開実施済み",
    UNDER_APPEAL: "審査請求中",
    IN_LITIGATION: "訴訟中",
    CLOSED: "終結",
}


def allowed_actions(status: str, role: str, *, remainder_owed: bool = False) -> list[str]:
    """Actions this role may take in this status (the console shows these buttons)."""
    return [a for a, r in TRANSITIONS.items()
            if status in states_for(a, remainder_owed=remainder_owed) and role in r.roles]
