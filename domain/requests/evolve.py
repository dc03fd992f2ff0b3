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
    case.requester_category = d.get("requester_category")  # None: registered before categories existed
    case.imported = d.get("imported")
    if case.imported and case.imported.get("extended"):  # the ledger says extended; its dates were not kept
        case.extended = True
    case.rules = d["rules"]
    case.self_information = d.get("self_information")
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


def _sync(case: RequestCase) -> None:
    """The one-decision fields, kept meaningful for a case with several decisions: ``decision`` is the
    first; the appeal window ends with the last part's window and is closed when every part's is."""
    if not case.decisions:
        return
    case.decision = case.decisions[0]
    ends = [x.appeal_window_ends for x in case.decisions if x.appeal_window_ends]
    case.appeal_window_ends = max(ends) if ends else None
    case.appeal_window_closed = all(x.appeal_window_closed for x in case.decisions)
    case.hold_ended = all(x.hold_ended for x in case.decisions)


def _targets(case: RequestCase, d: dict[str, Any], default: list[Decision] | None = None) -> list[Decision]:
    """The decisions an event names (``decision_ids`` / ``decision_id``); an event recorded before a
    request could have several decisions names none and meant the one it had."""
    ids = d.get("decision_ids") or ([d["decision_id"]] if d.get("decision_id") else None)
    if ids:
        return [x for x in case.decisions if x.decision_id in ids]
    return case.decisions if default is None else default


@_on("DeadlineExtended")
def _extended(case: RequestCase, d: dict[str, Any]) -> None:
    case.extended = True
    case.remainder_due = d.get("remainder_due")
    # 特例延長 recorded as a deadline of its own (older events only noted the date)
    case.remainder_owed = bool(d.get("remainder_owed"))
    case.remainder_work_due = d.get("remainder_work_due")
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
    parts = d.get("parts") or [d]  # a draft recorded before drafts had parts is one part
    case.draft_parts = [
        Decision(
            outcome=p["outcome"],
            non_disclosure_ground=p.get("non_disclosure_ground"),
            exemptions=list(p.get("exemptions", [])),
            documents=list(p.get("documents", [])),
            reason_text=p.get("reason_text", ""),
            disclosure_on=p.get("disclosure_on"),
            drafted_by=d["drafted_by"],
            draft_no=case.drafts,
            part=i,
            covers_remainder=bool(d.get("covers_remainder")),
            recipients=list(p.get("recipients", [])),
        )
        for i, p in enumerate(parts, start=1)
    ]
    case.draft = case.draft_parts[0]
    if case.status in t.BEFORE_DECISION:  # a remainder's draft leaves a decided case as it is
        case.status = t.PENDING_APPROVAL


@_on("DraftReturned")
def _returned(case: RequestCase, d: dict[str, Any]) -> None:
    case.draft = None
    case.draft_parts = []
    if case.status in t.BEFORE_DECISION:
        case.status = t.CONSULTING if case.awaiting_opinions() else t.UNDER_REVIEW


@_on("DecisionApproved")
def _approved(case: RequestCase, d: dict[str, Any]) -> None:
    assert case.draft is not None
    parts = case.draft_parts or [case.draft]
    infos = d.get("parts") or [d]  # an approval recorded before drafts had parts approved one decision
    case.approvals += 1
    for decision, info in zip(parts, infos, strict=False):
        case.decision_seq += 1
        decision.decision_id = info.get("decision_id") or f"{case.case_id}-D{case.decision_seq}"
        decision.decided_on = d["decided_on"]
        decision.approved_by = d["approved_by"]
        decision.earliest_disclosure_on = info.get("earliest_disclosure_on")
        decision.appeal_window_ends = info.get("appeal_window_ends", d.get("appeal_window_ends"))
        decision.hold_ended = decision.earliest_disclosure_on is None
        decision.batch = case.approvals
        case.decisions.append(decision)
    if any(x.covers_remainder for x in parts):
        case.remainder_owed = False
    case.draft = None
    case.draft_parts = []
    case.overdue = case.remainder_owed and case.remainder_overdue
    _sync(case)
    if not case.decisions[:-len(parts)]:  # the first decision(s) of the request (or of a reopening)
        case.status = t.DECIDED
    elif case.status in (t.DECIDED, t.DISCLOSED):  # a remainder's decision
        case.status = t.DECIDED if case.to_disclose() else case.status
    elif case.to_disclose():  # decided while under appeal or in litigation: execution pending afterwards
        case.status_before_challenge = t.DECIDED


@_on("NoticeDelivered")
def _delivered(case: RequestCase, d: dict[str, Any]) -> None:
    case.notice_delivered_on = d["delivered_on"]
    windows = d.get("windows") or {}
    for x in _targets(case, d):
        x.notice_delivered_on = d["delivered_on"]
        x.appeal_window_ends = windows.get(x.decision_id, d["appeal_window_ends"])
    if case.decisions:
        _sync(case)
    else:
        case.appeal_window_ends = d["appeal_window_ends"]


@_on("ThirdPartyHoldEnded")
def _hold_ended(case: RequestCase, d: dict[str, Any]) -> None:
    for x in _targets(case, d):
        x.hold_ended = True
    case.hold_ended = True
    _sync(case)


@_on("Disclosed")
def _disclosed(case: RequestCase, d: dict[str, Any]) -> None:
    case.disclosed_on = d["executed_on"]
    for x in _targets(case, d, default=case.to_disclose()):
        x.disclosed_on = d["executed_on"]
    case.status = t.DECIDED if case.to_disclose() else t.DISCLOSED
    if "fee_computed_yen" in d:
        case.disclosure_fee = {k: d.get(k) for k in (
            "method", "pages", "colour_pages", "media", "postage_yen", "fee_computed_yen", "fee_yen",
            "reduction_reason", "fee_lines", "fee_basis")}


@_on("DisclosureUncollected")
def _uncollected(case: RequestCase, d: dict[str, Any]) -> None:
    case.uncollected = True


@_on("RemainderReminderSent")
def _remainder_reminded(case: RequestCase, d: dict[str, Any]) -> None:
    case.remainder_reminded = True


@_on("RemainderOverdue")
def _remainder_overdue(case: RequestCase, d: dict[str, Any]) -> None:
    """特例延長: the date stated for the remainder passed without its decision — a decision is owed."""
    case.remainder_overdue = True
    case.overdue = True


@_on("ReminderSent")
def _reminded(case: RequestCase, d: dict[str, Any]) -> None:
    case.reminded_for = d["work_due"]


@_on("DecisionOverdue")
def _overdue(case: RequestCase, d: dict[str, Any]) -> None:
    case.overdue = True


@_on("AppealWindowClosed")
def _window_closed(case: RequestCase, d: dict[str, Any]) -> None:
    for x in _targets(case, d):
        x.appeal_window_closed = True
    case.appeal_window_closed = True
    _sync(case)


@_on("AppealLinked")
def _appeal(case: RequestCase, d: dict[str, Any]) -> None:
    case.appeals.append(d["appeal_id"])
    case.open_appeals.append(d["appeal_id"])
    for x in _targets(case, d, default=[]):
        x.challenged_by.append(d["appeal_id"])
    if case.status != t.UNDER_APPEAL and case.status != t.IN_LITIGATION:
        case.status_before_challenge = case.status
    if case.status != t.IN_LITIGATION:
        case.status = t.UNDER_APPEAL


@_on("SuitLinked")
def _suit(case: RequestCase, d: dict[str, Any]) -> None:
    case.suits.append(d["suit_id"])
    case.open_suits.append(d["suit_id"])
    for x in _targets(case, d, default=[]):
        x.challenged_by.append(d["suit_id"])
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
    if case.decisions:
        case.previous_decisions.extend(case.decisions)
    elif case.decision is not None:
        case.previous_decisions.append(case.decision)
    case.decision = None
    case.decisions = []
    case.remainder_owed = False  # the re-decision answers the request as the ruling or judgment requires
    case.overdue = False
    case.reminded_for = None
    case.required_scope = list(d.get("scope", []))
    case.closed_reason = None
    case.appeal_window_closed = False
    case.disclosed_on = None
    case.disclosure_fee = None
    case.uncollected = False
    _set_due(case, d)


@_on("NcndReported")
def _ncnd_reported(case: RequestCase, d: dict[str, Any]) -> None:
    case.ncnd_reported_on = d["reported_on"]


def _close(case: RequestCase, reason: str) -> None:
    """A closed case owes no decision any more, so it is no longer overdue (the 不作為 it was in, if
    any, stays on its timeline as the DecisionOverdue event)."""
    case.status, case.closed_reason = t.CLOSED, reason
    case.overdue = False


@_on("RequestWithdrawn")
def _withdrawn(case: RequestCase, d: dict[str, Any]) -> None:
    _close(case, "withdrawn")


@_on("RequestTransferred")
def _transferred(case: RequestCase, d: dict[str, Any]) -> None:
    _close(case, "transferred")


@_on("CaseClosed")
def _closed(case: RequestCase, d: dict[str, Any]) -> None:
    _close(case, d["reason"])


@_on("CalendarChanged")
def _calendar_changed(case: RequestCase, d: dict[str, Any]) -> None:
    """A closure day or a newer holiday table reached the case: its closures grow, its dates are the event's."""
    case.rules = {**case.rules, "extra_closures": list(d["extra_closures"])}
    if "work_due" in d:
        case.work_due = d["work_due"]
        case.due_warning = d.get("due_warning")
        case.due_explanation = d.get("due_explanation", case.due_explanation)
    if "remainder_work_due" in d:
        case.remainder_work_due = d["remainder_work_due"]
        case.due_explanation = d.get("due_explanation", case.due_explanation)
    windows = d.get("windows") or {}
    for x in case.decisions:  # each decision's own window (a request with several decisions)
        x.appeal_window_ends = windows.get(x.decision_id, x.appeal_window_ends)
    if "appeal_window_ends" in d:
        case.appeal_window_ends = d["appeal_window_ends"]
    elif windows:
        _sync(case)
