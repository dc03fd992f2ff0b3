"""Several decisions per request, and the 特例延長 remainder as a deadline (pure domain: decide, evolve, timers)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.actors import Actor
from domain.clock import jst_date
from domain.errors import Refusal
from domain.profile import load_profile
from domain.requests import commands as c
from domain.requests.decide import decide
from domain.requests.evolve import evolve, fold
from domain.requests.notices import notices_for
from domain.requests.registration import RegisterRequest, receive
from domain.requests.state import RequestCase
from domain.requests.timers import fire, pending_timers

PROFILE = load_profile("koganei")
FRONT = Actor("madoguchi", "front_desk")
REVIEWER = Actor("shinsa", "reviewer", "toshi")
APPROVER = Actor("kacho", "approver", "toshi")
NOW = datetime(2026, 4, 6, 1, 0, tzinfo=UTC)  # 10:00 JST, 2026-04-06
TODAY = jst_date(NOW)

DISCLOSE = c.DecisionPart("full", documents=(c.Document("契約書", "full"),),
                          disclosure_on=(TODAY + timedelta(days=7)).isoformat())
NOT_HELD = c.DecisionPart("non_disclosure", non_disclosure_ground="not_held",
                          documents=(c.Document("設計変更協議録", "withheld"),),
                          reason_text="設計変更の協議は行っておらず、協議録は作成していないため")


def received(case_id: str = "R-2026-00012") -> RequestCase:
    inp = RegisterRequest(case_id=case_id, kind="public_records", received_on=TODAY.isoformat(), channel="counter",
                          subject="工事の契約書と協議録", department="toshi", preferred_method="copy",
                          requester_party_id="P-1", actor=FRONT, rules=PROFILE.case_rules("public_records"),
                          entered_at=NOW)
    case = RequestCase()
    for e in receive(inp):
        evolve(case, e.type, e.data)
        case.version += 1
    return case


def act(case: RequestCase, cmd: c.Command, now: datetime = NOW) -> list:
    events = decide(case, cmd, now)
    for e in events:
        evolve(case, e.type, e.data)
    return events


def two_part_case() -> tuple[RequestCase, list]:
    case = received()
    act(case, c.DraftDecision(actor=REVIEWER, parts=(DISCLOSE, NOT_HELD)))
    return case, act(case, c.ApproveDecision(actor=APPROVER))


def test_two_parts_become_two_decisions_each_with_its_notice_and_window() -> None:
    case, events = two_part_case()
    assert case.status == "decided"
    assert [d.decision_id for d in case.decisions] == ["R-2026-00012-D1", "R-2026-00012-D2"]
    assert [d.outcome for d in case.decisions] == ["full", "non_disclosure"]
    assert case.decision is case.decisions[0]  # the one-decision view: the first
    notices = notices_for(case, events[0], 3)
    assert [(n.notice_type, n.decision_id) for n in notices] == [
        ("decision_full", "R-2026-00012-D1"), ("decision_non_disclosure", "R-2026-00012-D2")]
    assert len({n.key for n in notices}) == 2
    windows = [t for t in pending_timers(case) if t.kind == "appeal_window"]
    assert [t.key for t in windows] == ["R-2026-00012-D1", "R-2026-00012-D2"]


def test_a_delivery_for_one_decision_moves_only_its_window() -> None:
    case, _ = two_part_case()
    later = NOW + timedelta(days=10)
    act(case, c.RecordNoticeDelivery(actor=FRONT, delivered_on=jst_date(later).isoformat(),
                                     decision_id="R-2026-00012-D2"), later)
    first, second = case.decisions
    assert first.notice_delivered_on is None and second.notice_delivered_on == jst_date(later).isoformat()
    assert second.appeal_window_ends > first.appeal_window_ends
    assert case.appeal_window_ends == second.appeal_window_ends  # the request's window ends with the last
    with pytest.raises(Refusal) as refused:
        decide(case, c.RecordNoticeDelivery(actor=FRONT, delivered_on=TODAY.isoformat(), decision_id="R-X-D9"), NOW)
    assert refused.value.code == "invalid"


def test_the_request_closes_only_when_every_window_has_closed() -> None:
    case, _ = two_part_case()
    act(case, c.RecordNoticeDelivery(actor=FRONT, delivered_on=(TODAY + timedelta(days=3)).isoformat(),
                                     decision_id="R-2026-00012-D2"), NOW + timedelta(days=3))
    act(case, c.RecordDisclosure(actor=FRONT, method="copy", pages=3, fee_yen=30),
        NOW + timedelta(days=7))
    assert case.status == "disclosed"
    first = min((t for t in pending_timers(case) if t.kind == "appeal_window"), key=lambda t: t.on)
    events = fire(case, first, NOW + timedelta(days=120))
    assert [e.type for e in events] == ["AppealWindowClosed"]
    for e in events:
        evolve(case, e.type, e.data)
    assert not case.closed and [t.key for t in pending_timers(case) if t.kind == "appeal_window"] == [
        "R-2026-00012-D2"]
    last = next(t for t in pending_timers(case) if t.kind == "appeal_window")
    events = fire(case, last, NOW + timedelta(days=130))
    assert [e.type for e in events] == ["AppealWindowClosed", "CaseClosed"]


def test_an_old_one_part_draft_still_folds_into_one_decision() -> None:
    """Events recorded before drafts had parts (no ``parts``, no ``decision_id``) keep folding."""
    case = received()
    stream = [("RequestReceived", {"case_id": case.case_id, "kind": "public_records", "department": "toshi",
                                   "received_on": case.received_on, "rules": case.rules,
                                   "decision_due": case.decision_due, "work_due": case.work_due}),
              ("DecisionDrafted", {"outcome": "full", "drafted_by": "shinsa", "exemptions": [], "documents": [],
                                   "reason_text": "", "disclosure_on": TODAY.isoformat()}),
              ("DecisionApproved", {"decided_on": TODAY.isoformat(), "approved_by": "kacho", "outcome": "full",
                                    "earliest_disclosure_on": None, "appeal_window_ends": "2026-07-06"}),
              ("NoticeDelivered", {"delivered_on": TODAY.isoformat(), "appeal_window_ends": "2026-07-07"}),
              ("AppealWindowClosed", {"appeal_window_ends": "2026-07-07"})]
    old = fold(stream)
    assert [d.decision_id for d in old.decisions] == ["R-2026-00012-D1"]
    assert old.decision.outcome == "full" and old.appeal_window_ends == "2026-07-07" and old.appeal_window_closed


def test_multi_part_drafts_are_checked_part_by_part() -> None:
    case = received()
    bad = c.DecisionPart("partial", documents=(c.Document("議事録", "partial"),),
                         disclosure_on=TODAY.isoformat())  # a partial disclosure without a clause
    with pytest.raises(Refusal) as refused:
        decide(case, c.DraftDecision(actor=REVIEWER, parts=(DISCLOSE, bad)), NOW)
    assert refused.value.code == "invalid" and refused.value.message.startswith("決定2:")
    twice = c.DecisionPart("non_disclosure", non_disclosure_ground="not_held",
                           documents=(c.Document("契約書", "withheld"),), reason_text="不存在")
    with pytest.raises(Refusal, match="契約書"):
        decide(case, c.DraftDecision(actor=REVIEWER, parts=(DISCLOSE, twice)), NOW)
    dismissal = c.DecisionPart("dismissed", reason_text="市販の刊行物")
    with pytest.raises(Refusal, match="却下"):
        decide(case, c.DraftDecision(actor=REVIEWER, parts=(DISCLOSE, dismissal)), NOW)


def large_volume_case() -> RequestCase:
    case = received()
    partial_due = jst_date(NOW) + timedelta(days=30)
    act(case, c.Extend(actor=REVIEWER, large_volume=True, partial_due=partial_due.isoformat(),
                       remainder_due=(partial_due + timedelta(days=60)).isoformat(), reason="著しく大量"))
    return case


def test_large_volume_extension_is_a_deadline_of_its_own() -> None:
    case = large_volume_case()
    assert case.remainder_owed and case.remainder_work_due
    assert "特例" in case.due_explanation["remainder_due"]["article"]
    assert "特例延長通知" in " ".join(case.due_explanation["decision_due"]["steps"])
    assert "期限延長通知" not in " ".join(case.due_explanation["decision_due"]["steps"])
    kinds = {t.kind for t in pending_timers(case)}
    assert {"remainder_reminder", "remainder_overdue"} <= kinds
    act(case, c.DraftDecision(actor=REVIEWER, parts=(DISCLOSE,)))
    act(case, c.ApproveDecision(actor=APPROVER))
    assert case.status == "decided" and case.remainder_owed  # the remainder is still owed
    assert "draft-decision" in __import__("domain.requests.transitions", fromlist=["x"]).allowed_actions(
        case.status, "reviewer", remainder_owed=True)
    overdue = next(t for t in pending_timers(case) if t.kind == "remainder_overdue")
    events = fire(case, overdue, NOW + timedelta(days=100))
    assert [e.type for e in events] == ["RemainderOverdue"]
    for e in events:
        evolve(case, e.type, e.data)
    assert case.overdue
    act(case, c.DraftDecision(actor=REVIEWER, parts=(NOT_HELD,)))
    assert case.status == "decided" and case.draft is not None
    act(case, c.ApproveDecision(actor=APPROVER))
    assert [d.decision_id for d in case.decisions] == ["R-2026-00012-D1", "R-2026-00012-D2"]
    assert not case.remainder_owed and not case.overdue
    assert not {t.kind for t in pending_timers(case)} & {"remainder_reminder", "remainder_overdue"}
    with pytest.raises(Refusal):  # nothing is owed any more
        decide(case, c.DraftDecision(actor=REVIEWER, parts=(NOT_HELD,)), NOW)


def test_a_first_draft_may_decide_the_remainder_too() -> None:
    case = large_volume_case()
    act(case, c.DraftDecision(actor=REVIEWER, parts=(DISCLOSE, NOT_HELD), covers_remainder=True))
    act(case, c.ApproveDecision(actor=APPROVER))
    assert not case.remainder_owed


def test_while_the_remainder_is_owed_only_a_pending_draft_can_be_returned_or_approved() -> None:
    case = large_volume_case()
    act(case, c.DraftDecision(actor=REVIEWER, parts=(DISCLOSE,)))
    act(case, c.ApproveDecision(actor=APPROVER))
    for cmd in (c.ReturnDraft(actor=APPROVER, comment="再検討"), c.ApproveDecision(actor=APPROVER)):
        with pytest.raises(Refusal) as refused:
            decide(case, cmd, NOW)
        assert refused.value.code == "conflict"
    act(case, c.DraftDecision(actor=REVIEWER, parts=(NOT_HELD,)))
    with pytest.raises(Refusal, match="決裁待ち"):  # one draft for the remainder at a time
        decide(case, c.DraftDecision(actor=REVIEWER, parts=(NOT_HELD,)), NOW)
    act(case, c.ReturnDraft(actor=APPROVER, comment="再検討"))
    assert case.status == "decided" and case.draft is None and case.remainder_owed
