"""APPI 第97条: a decision to correct names the parties the information had been provided to (提供先), and its
approval notifies each of them — only behind ``correction_recipients`` (the workflow's patch
``pi-correction-recipients``), so a history recorded before replays with the notices it had."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.actors import Actor
from domain.clock import jst_date
from domain.errors import Refusal
from domain.profile import load_profile
from domain.requests import commands as c
from domain.requests.decide import decide
from domain.requests.evolve import evolve
from domain.requests.notices import notices_for
from domain.requests.registration import RegisterRequest, receive
from domain.requests.state import RequestCase

PROFILE = load_profile("koganei")
FRONT = Actor("madoguchi", "front_desk")
REVIEWER = Actor("shinsa", "reviewer", "toshi")
APPROVER = Actor("kacho", "approver", "toshi")
NOW = datetime(2026, 4, 6, 1, 0, tzinfo=UTC)
TODAY = jst_date(NOW)


def received(kind: str = "personal_info_correction", *, appi: bool = True) -> RequestCase:
    extra = {"disclosed_on": (TODAY - timedelta(days=3)).isoformat()} if kind == "personal_info_correction" else {}
    inp = RegisterRequest(case_id="R-2026-00098", kind=kind, received_on=TODAY.isoformat(), channel="counter",
                          subject="児童手当受給資格記録中の住所", department="toshi", preferred_method="viewing",
                          requester_party_id="P-1", actor=FRONT, rules=PROFILE.case_rules(kind), entered_at=NOW,
                          identity_verified=appi, **extra)
    case = RequestCase()
    for e in receive(inp, appi=appi):
        evolve(case, e.type, e.data)
    return case


def act(case: RequestCase, cmd: c.Command, *, recipients: bool) -> list[tuple[str, str | None, str | None]]:
    """(notice type, addressee party, decision) of each notice the command's events call for."""
    events = decide(case, cmd, NOW)
    start, out = case.version, []
    for offset, event in enumerate(events, start=1):
        evolve(case, event.type, event.data)
        out += [(n.notice_type, n.party_id, n.decision_id)
                for n in notices_for(case, event, start + offset, correction_recipients=recipients)]
    return out


def corrected(**draft) -> RequestCase:
    case = received()
    body = {"outcome": "full", "reason_text": "住所「本町一丁目」を「本町六丁目」に訂正", "recipients": ("P-7", "P-8")}
    act(case, c.DraftDecision(REVIEWER, **(body | draft)), recipients=True)
    return case


def test_a_decision_to_correct_notifies_each_recipient() -> None:
    case = corrected()
    assert case.draft is not None and case.draft.recipients == ["P-7", "P-8"]
    notices = act(case, c.ApproveDecision(APPROVER), recipients=True)
    decision = case.decisions[0].decision_id
    assert notices == [("pi_correction_granted", None, decision),
                       ("pi_correction_recipient_notice", "P-7", decision),
                       ("pi_correction_recipient_notice", "P-8", decision)]


def test_without_the_patch_the_approval_issues_what_it_did() -> None:
    case = corrected()
    assert act(case, c.ApproveDecision(APPROVER), recipients=False) == [
        ("pi_correction_granted", None, case.decisions[0].decision_id)]


def test_no_recipients_no_notice_and_the_draft_records_as_before() -> None:
    case = received()
    events = decide(case, c.DraftDecision(REVIEWER, outcome="full", reason_text="訂正します"), NOW)
    assert "recipients" not in events[0].data and "recipients" not in events[0].data["parts"][0]
    evolve(case, events[0].type, events[0].data)
    assert [n[0] for n in act(case, c.ApproveDecision(APPROVER), recipients=True)] == ["pi_correction_granted"]


def test_one_part_of_several_decisions_names_its_recipients() -> None:
    case = received()
    parts = (c.DecisionPart("partial", reason_text="住所のみ訂正", recipients=("P-7",)),)
    act(case, c.DraftDecision(REVIEWER, parts=parts), recipients=True)
    notices = act(case, c.ApproveDecision(APPROVER), recipients=True)
    assert [n[:2] for n in notices] == [("pi_correction_granted", None), ("pi_correction_recipient_notice", "P-7")]


@pytest.mark.parametrize("case_of, draft, needle", [
    (lambda: received(), {"outcome": "non_disclosure", "reason_text": "事実に合致"}, "第97条"),  # 訂正しない
    (lambda: received("personal_info_disclosure"), {"outcome": "full", "disclosure_on": TODAY.isoformat(),
                                                    "reason_text": "x"}, "第97条"),
    (lambda: received("public_records", appi=False), {"outcome": "full", "disclosure_on": TODAY.isoformat()},
     "第97条"),
    (lambda: received(), {"outcome": "full", "reason_text": ""}, "訂正の内容"),
    (lambda: received(), {"outcome": "full", "reason_text": "x", "recipients_twice": True}, "重複"),
])
def test_recipients_only_on_a_decision_to_correct_that_says_what(case_of, draft, needle) -> None:
    twice = draft.pop("recipients_twice", False)
    cmd = c.DraftDecision(REVIEWER, **draft, recipients=("P-7", "P-7") if twice else ("P-7",))
    with pytest.raises(Refusal) as exc:
        decide(case_of(), cmd, NOW)
    assert exc.value.code == "invalid" and needle in exc.value.message
