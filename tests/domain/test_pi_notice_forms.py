"""Which notices a self-information event calls for, with and without the APPI procedural forms (the patch
``pi-notice-forms``): without them a history replays with the notices it had (補正 on the public-records form,
no 移送 or third-party notice); with them, 第77条③ / 第85条 / 第86条 forms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.actors import Actor
from domain.clock import jst_date
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
NOW = datetime(2026, 4, 6, 1, 0, tzinfo=UTC)
TODAY = jst_date(NOW)


def received(kind: str = "personal_info_disclosure") -> RequestCase:
    extra = {"disclosed_on": (TODAY - timedelta(days=3)).isoformat()} if kind != "personal_info_disclosure" else {}
    if kind == "personal_info_suspension":
        extra["measure"] = "stop_use"
    inp = RegisterRequest(case_id="R-2026-00099", kind=kind, received_on=TODAY.isoformat(), channel="counter",
                          subject="私の記録", department="toshi", preferred_method="viewing", requester_party_id="P-1",
                          actor=FRONT, rules=PROFILE.case_rules(kind), entered_at=NOW, identity_verified=True,
                          **extra)
    case = RequestCase()
    for e in receive(inp):
        evolve(case, e.type, e.data)
    assert case.appi()
    return case


def types(case: RequestCase, cmd: c.Command, *, pi_forms: bool) -> list[str]:
    events = decide(case, cmd, NOW)
    out = []
    for offset, event in enumerate(events, start=1):
        evolve(case, event.type, event.data)
        out += [n.notice_type for n in notices_for(case, event, case.version + offset, pi_forms=pi_forms)]
    return out


def test_correction_request_and_transfer_forms() -> None:
    correction = c.RequestCorrection(REVIEWER, requested_on=TODAY.isoformat(),
                                     respond_by=(TODAY + timedelta(days=10)).isoformat(), what="本人確認書類")
    assert types(received(), correction, pi_forms=False) == ["correction_request"]
    assert types(received(), correction, pi_forms=True) == ["pi_correction_request"]
    transfer = c.Transfer(FRONT, to_body="board_of_education", reason="所管", to_body_name="小金井市教育委員会")
    assert types(received(), transfer, pi_forms=False) == []
    assert types(received(), transfer, pi_forms=True) == ["pi_transfer"]
    assert types(received("personal_info_correction"), transfer, pi_forms=True) == ["pi_transfer"]  # 第96条
    assert types(received("personal_info_suspension"), transfer, pi_forms=True) == []  # the Act has no 移送


def test_third_party_consultation_form() -> None:
    consult = c.ConsultThirdParty(REVIEWER, party=c.ThirdPartyRef("P-3", "individual"),
                                  respond_by=(TODAY + timedelta(days=14)).isoformat())
    assert types(received(), consult, pi_forms=False) == []
    assert types(received(), consult, pi_forms=True) == ["pi_third_party_opinion_request"]
