"""Appeals and suits as the request sees them: linked on its timeline, and reopening it when won.

A grant (認容) or revocation (取消) makes the city decide again and disclose the
wider scope: the request returns to review with a fresh decision period
counted from the ruling or judgment, and a new draft may not disclose less than
that scope (a ruling never leaves the appellant worse off).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.actors import SYSTEM_ACTOR
from domain.errors import invalid
from domain.events import ChallengeLink, ChallengeOutcome, EventDraft, draft
from domain.profile import CaseRules
from domain.requests.registration import due_dates
from domain.requests.state import RequestCase

DISCLOSURE_RANK = {"withheld": 0, "partial": 1, "full": 2}


def link_events(case: RequestCase, link: ChallengeLink, now: datetime) -> list[EventDraft]:
    if link.challenge_id in case.appeals or link.challenge_id in case.suits:
        return []  # the signal was delivered again
    if link.kind == "appeal":
        return [draft("AppealLinked", SYSTEM_ACTOR, now, appeal_id=link.challenge_id, filed_on=link.filed_on,
                      **_named(link))]
    return [draft("SuitLinked", SYSTEM_ACTOR, now, suit_id=link.challenge_id, filed_on=link.filed_on, **_named(link))]


def _named(link: ChallengeLink) -> dict[str, str]:
    return {"decision_id": link.decision_id} if link.decision_id else {}


def conclusion_events(case: RequestCase, outcome: ChallengeOutcome, now: datetime) -> list[EventDraft]:
    if outcome.challenge_id not in case.open_appeals and outcome.challenge_id not in case.open_suits:
        return []
    events = [draft("ChallengeConcluded", SYSTEM_ACTOR, now, challenge_id=outcome.challenge_id,
                    result=outcome.result, decided_on=outcome.decided_on, reopen=outcome.reopen)]
    if outcome.reopen:
        rules = CaseRules(**{**case.rules, "extra_closures": tuple(case.rules.get("extra_closures", ()))})
        events.append(draft("RequestReopened", SYSTEM_ACTOR, now, challenge_id=outcome.challenge_id,
                            scope=outcome.scope, old_due=case.decision_due,
                            **due_dates(rules, outcome.decided_on, 0)))
    return events


def challenged_decision(request: dict[str, Any], decision_id: str | None) -> dict[str, Any]:
    """The decision an appeal or suit names, from the request's state: ``decision_id`` (one of its current
    decisions), by default the last one — the only one of a request with one decision. {} if undecided."""
    decisions = request.get("decisions") or ([request["decision"]] if request.get("decision") else [])
    if not decision_id:
        return dict(decisions[-1]) if decisions else {}
    found = next((d for d in decisions if d.get("decision_id") == decision_id), None)
    if found is None:
        known = ", ".join(d.get("decision_id", "") for d in decisions) or "なし / none"
        raise invalid(f"この請求に決定 {decision_id} はありません（{known}）。 / "
                      f"The request has no decision {decision_id} (it has: {known}).")
    return dict(found)


def unknown_titles(scope: list[dict[str, str]], documents: list[dict[str, str]]) -> list[str]:
    """Titles a ruling's or judgment's scope names that the challenged decision does not list.

    A ruling (裁決, 行政不服審査法46条) or judgment (取消判決, 行政事件訴訟法33条) acts on the decision
    challenged: it can widen the disclosure of the documents that decision covered, not reach others
    (those need a request and a decision of their own). A decision that lists no documents (e.g. 存否応答
    拒否, 文書不存在) gives nothing to check against, so nothing is refused there.
    """
    listed = {d["title"] for d in documents}
    if not listed:
        return []
    return [s["title"] for s in scope if s["title"] not in listed]


def unknown_titles_message(titles: list[str]) -> str:
    return (f"決定に含まれない文書は公開範囲（scope）に指定できません: {', '.join(titles)} / "
            f"The scope names documents that are not in the decision: {', '.join(titles)}.")


def narrowed(scope: list[dict[str, str]], documents: list[dict[str, str]]) -> list[str]:
    """Titles the new draft would disclose less of than the ruling requires."""
    drafted = {d["title"]: DISCLOSURE_RANK.get(d["disclosure"], 0) for d in documents}
    return [s["title"] for s in scope
            if drafted.get(s["title"], -1) < DISCLOSURE_RANK.get(s["disclosure"], 0)]
