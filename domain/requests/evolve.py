"""Apply one recorded event to a request case. Pure; the only place state changes.

Events carry the dates decide() computed, so replaying old events never
recomputes a deadline with today's calendar.
"""

from __future__ import annotations

from typing import Any

from domain.evolver import Evolver
from domain.requests import transitions as t
from domain.requests.state import Decision, RequestCase, ThirdParty

_machine: Evolver[RequestCase] = Evolver(RequestCase)
_on = _machine.on
evolve = _machine.evolve
fold = _machine.fold
EVENT_TYPES = _machine.handlers  # exported: the event types this stream may hold


def _set_due(case: RequestCase, d: dict[str, Any]) -> None:
    case.decision_due = d["decision_due"]
    case.work_due = d["work_due"]
    case.due_warning = d.get("due_warning")
    case.due_explanation = d.get("due_explanation", {})
    if case.overdue and case.decision_due > d.get("old_due", case.decision_due):
        case.overdue = False


@_on("RequestReceived")
def _received(case: RequestCase, d: dict[str, Any]) -> None:
    case.case_id = d["case_id"]
    case.kind = d["kind"]
    case.department = d["department"]
    case.received_on = d["received_on"]
    case.subject = d.get("subject", "")
    case.requester_party_id = d.get("requester_party_id", "")
    case.preferred_method = d.get("preferred_method", "viewing")
    case.rules = d["rules"]
    case.status = t.UNDER_REVIEW
    _set_due(case, d)


@_on("ReviewerAssigned")
def _assigned(case: RequestCase, d: dict[str, Any]) -> None:
    case.department = d.get("department") or case.department
    case.reviewer = d.get("reviewer", case.reviewer)


@_on("CorrectionRequested")
def _correction_requested(case: RequestCase, d: dict[str, Any]) -> None:
    case.status = t.AWAITING_CORRECTION
    case.correction_requested_on = d["requested_on"]
    case.correction_respond_by = d["respond_by"]
    case.correction_lapsed = False


@_on("CorrectionReceived")
def _correction_received(case: RequestCase, d: dict[str, Any]) -> None:
    case.status = t.CONSULTING if case.awaiting_opinions() else t.UNDER_REVIEW
    case.excluded_days += d["excluded_days"]
    case.correction_requested_on = None
    case.correction_respond_by = None
    case.correction_lapsed = False
    _set_due(case, d)


@_on("CorrectionResponseLapsed")
def _correction_lapsed(case: RequestCase, d: dict[str, Any]) -> None:
    case.correction_lapsed = True


@_on("DeadlineExtended")
def _extended(case: RequestCase, d: dict[str, Any]) -> None:
    case.extended = True
    case.remainder_due = d.get("remainder_due")
    _set_due(case, d)


@_on("ThirdPartyConsulted")
def _consulted(case: RequestCase, d: dict[str, Any]) -> None:
    case.third_parties.append(
        ThirdParty(party_id=d["party_id"], respond_by=d["respond_by"], mandatory=d.get("mandatory", False))
    )
    case.status = t.CONSULTING


def _back_to_review_when_heard(case: RequestCase) -> None:
    if case.status == t.CONSULTING and not case.awaiting_opinions():
        case.status = t.UNDER_REVIEW


@_on("ThirdPartyOpinionRecorded")
def _opinion(case: RequestCase, d: dict[str, Any]) -> None:
    party = case.third_party(d["party_id"])
    if party is not None:
        party.responded_on = d["received_on"]
        party.objects = bool(d.get("objects"))
    _back_to_review_when_heard(case)


@_on("ThirdPartyResponseLapsed")
def _opinion_lapsed(case: RequestCase, d: dict[str, Any]) -> None:
    party = case.third_party(d["party_id"])
    if party is not None:
        party.lapsed = True
    _back_to_review_when_heard(case)


@_on("DecisionDrafted")
def _drafted(case: RequestCase, d: dict[str, Any]) -> None:
    case.drafts += 1
    case.draft = Decision(
        outcome=d["outcome"],
        non_disclosure_ground=d.get("non_disclosure_ground"),
        exemptions=list(d.get("exemptions", [])),
        documents=list(d.get("documents", [])),
        reason_text=d.get("reason_text", ""),
        disclosure_on=d.get("disclosure_on"),
        drafted_by=d["drafted_by"],
        draft_no=case.drafts,
    )
    case.status = t.PENDING_APPROVAL


@_on("DraftReturned")
def _returned(case: RequestCase, d: dict[str, Any]) -> None:
    case.draft = None
    case.status = t.CONSULTING if case.awaiting_opinions() else t.UNDER_REVIEW


@_on("DecisionApproved")
def _approved(case: RequestCase, d: dict[str, Any]) -> None:
    assert case.draft is not None
    decision = case.draft
    decision.decided_on = d["decided_on"]
    decision.approved_by = d["approved_by"]
    decision.earliest_disclosure_on = d.get("earliest_disclosure_on")
    case.decision = decision
    case.draft = None
    case.overdue = False
    case.appeal_window_ends = d.get("appeal_window_ends")
    case.hold_ended = decision.earliest_disclosure_on is None
    case.status = t.DECIDED


@_on("NoticeDelivered")
def _delivered(case: RequestCase, d: dict[str, Any]) -> None:
    case.notice_delivered_on = d["delivered_on"]
    case.appeal_window_ends = d["appeal_window_ends"]


@_on("ThirdPartyHoldEnded")
def _hold_ended(case: RequestCase, d: dict[str, Any]) -> None:
    case.hold_ended = True


@_on("Disclosed")
def _disclosed(case: RequestCase, d: dict[str, Any]) -> None:
    case.disclosed_on = d["executed_on"]
    case.status = t.DISCLOSED


@_on("DisclosureUncollected")
def _uncollected(case: RequestCase, d: dict[str, Any]) -> None:
    case.uncollected = True


@_on("ReminderSent")
def _reminded(case: RequestCase, d: dict[str, Any]) -> None:
    case.reminded_for = d["work_due"]


@_on("DecisionOverdue")
def _overdue(case: RequestCase, d: dict[str, Any]) -> None:
    case.overdue = True


@_on("AppealWindowClosed")
def _window_closed(case: RequestCase, d: dict[str, Any]) -> None:
    case.appeal_window_closed = True


@_on("AppealLinked")
def _appeal(case: RequestCase, d: dict[str, Any]) -> None:
    case.appeals.append(d["appeal_id"])
    case.open_appeals.append(d["appeal_id"])
    if case.status != t.UNDER_APPEAL and case.status != t.IN_LITIGATION:
        case.status_before_challenge = case.status
    if case.status != t.IN_LITIGATION:
        case.status = t.UNDER_APPEAL


@_on("SuitLinked")
def _suit(case: RequestCase, d: dict[str, Any]) -> None:
    case.suits.append(d["suit_id"])
    case.open_suits.append(d["suit_id"])
    if case.status not in (t.UNDER_APPEAL, t.IN_LITIGATION):
        case.status_before_challenge = case.status
    case.status = t.IN_LITIGATION


@_on("ChallengeConcluded")
def _challenge_done(case: RequestCase, d: dict[str, Any]) -> None:
    for bucket in (case.open_appeals, case.open_suits):
        if d["challenge_id"] in bucket:
            bucket.remove(d["challenge_id"])
    if case.open_suits:
        case.status = t.IN_LITIGATION
    elif case.open_appeals:
        case.status = t.UNDER_APPEAL
    else:
        case.status = case.status_before_challenge or t.DECIDED


@_on("RequestReopened")
def _reopened(case: RequestCase, d: dict[str, Any]) -> None:
    """A ruling or judgment widened the disclosure: decide and disclose the new scope."""
    case.status = t.UNDER_REVIEW
    if case.decision is not None:
        case.previous_decisions.append(case.decision)
    case.decision = None
    case.overdue = False
    case.reminded_for = None
    case.required_scope = list(d.get("scope", []))
    case.closed_reason = None
    case.appeal_window_closed = False
    case.disclosed_on = None
    case.uncollected = False
    _set_due(case, d)


@_on("NcndReported")
def _ncnd_reported(case: RequestCase, d: dict[str, Any]) -> None:
    case.ncnd_reported_on = d["reported_on"]


@_on("RequestWithdrawn")
def _withdrawn(case: RequestCase, d: dict[str, Any]) -> None:
    case.status, case.closed_reason = t.CLOSED, "withdrawn"


@_on("RequestTransferred")
def _transferred(case: RequestCase, d: dict[str, Any]) -> None:
    case.status, case.closed_reason = t.CLOSED, "transferred"


@_on("CaseClosed")
def _closed(case: RequestCase, d: dict[str, Any]) -> None:
    case.status, case.closed_reason = t.CLOSED, d["reason"]


@_on("CalendarChanged")
def _calendar_changed(case: RequestCase, d: dict[str, Any]) -> None:
    """A closure day or a newer holiday table reached the case: its closures grow, its dates are the event's."""
    case.rules = {**case.rules, "extra_closures": list(d["extra_closures"])}
    if "work_due" in d:
        case.work_due = d["work_due"]
        case.due_warning = d.get("due_warning")
        case.due_explanation = d.get("due_explanation", case.due_explanation)
    if "appeal_window_ends" in d:
        case.appeal_window_ends = d["appeal_window_ends"]
