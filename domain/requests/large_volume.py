"""特例延長 (著しく大量な公文書の決定期限の特例) as a deadline of its own.

When the records are so many that even the extended period cannot cover them all, the city decides a
substantial part (相当の部分) within the extension limit and the remainder by a date it states in the
特例延長通知, given before the initial period ends. The national model is 情報公開法11条 (for personal
information 個人情報保護法84条); Koganei's ordinance has the same rule (article number to be confirmed
against the ordinance, hence the ``confirm`` note in docs/decisions/decisions.md).

The remainder's date is a real deadline: it is shown and explained on the case, it has its own reminder
and overdue timers (domain.requests.timers), and it is met by a decision that covers the remainder.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain import deadlines
from domain.profile import CaseRules


def article(rules: CaseRules) -> str:
    basis = rules.basis or "情報公開条例"
    if "個人情報保護法" in basis:
        return "個人情報保護法第84条（開示決定等の期限の特例）"
    return f"{basis}（決定期限の特例。国の例: 情報公開法11条）"


def remainder_dates(rules: CaseRules, *, partial_due: date, remainder_due: date, notified_on: date,
                    due_explanation: dict[str, Any]) -> dict[str, Any]:
    """Event data for a 特例延長: the remainder's dates and explanations; the decision due date (for the
    substantial part) explained as 特例延長, not as an ordinary extension (期限延長)."""
    basis = article(rules)
    partial = dict(due_explanation["decision_due"])
    partial["rule"] = "partial_due"
    partial["article"] = f"{basis}; {partial['article']}"
    partial["steps"] = [
        step.replace("by 期限延長通知", "by 特例延長通知 (相当の部分の決定期限)") for step in partial["steps"]
    ]
    remainder = deadlines.DueDate(remainder_due, deadlines.DueExplanation(
        "remainder_due", basis, notified_on, remainder_due,
        (f"特例延長通知 of {notified_on}: the substantial part by {partial_due}, the remainder by {remainder_due}",
         "the remainder is owed until a decision covering it is approved")))
    work = deadlines.work_due(remainder, rules.calendar())
    return {
        "remainder_owed": True,
        "remainder_work_due": work.value.isoformat(),
        "remainder_warning": work.warning,
        "due_explanation": {
            **due_explanation,
            "decision_due": partial,
            "remainder_due": remainder.to_dict()["explanation"],
            "remainder_work_due": work.to_dict()["explanation"],
        },
    }
