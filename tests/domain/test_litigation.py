"""Revocation suits (取消訴訟): window, court levels, appeal deadline, finality — the pure domain."""

from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest

from domain.actors import Actor
from domain.appeals.commands import ScopeItem
from domain.clock import JST
from domain.errors import Refusal
from domain.events import EventDraft
from domain.litigation import commands as c
from domain.litigation.decide import decide, file
from domain.litigation.state import FINAL, PENDING, SuitCase, evolve, fold
from domain.litigation.timers import fire, next_timer, pending_timers

OFFICER = Actor("johokokai", "records_officer")
REVIEWER = Actor("shinsa", "reviewer", "toshi")
DOCS = (ScopeItem("契約書", "partial"), ScopeItem("設計図", "withheld"))


def at(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(10, 0), tzinfo=JST)


def filing(**overrides) -> c.FileSuit:
    base = c.FileSuit(suit_id="L-2025-001", request_id="R-2025-00017", filed_on="2025-06-02",
                      learned_on="2025-03-17", decided_on="2025-03-14", court="東京地方裁判所",
                      case_number="令和7年(行ウ)第123号", department="toshi", documents=DOCS, actor=OFFICER,
                      entered_at=at("2025-06-03"))
    return replace(base, **overrides)


def apply(case: SuitCase, events: list[EventDraft]) -> SuitCase:
    for e in events:
        evolve(case, e.type, e.data)
    return case


def filed(**overrides) -> SuitCase:
    return apply(SuitCase(), file(filing(**overrides)))


def act(case: SuitCase, cmd: c.SuitCommand, day: str) -> list[str]:
    events = decide(case, cmd, at(day))
    apply(case, events)
    return [e.type for e in events]


def judgment(level: str = "district", outcome: str = "upheld", judged: str = "2025-09-01",
             served: str | None = "2025-09-03", **kw) -> c.RecordJudgment:
    return c.RecordJudgment(OFFICER, court_level=level, judged_on=judged, served_on=served, outcome=outcome, **kw)


def refused(case: SuitCase, cmd: c.SuitCommand, day: str, code: str) -> str:
    version = case.version
    with pytest.raises(Refusal) as exc:
        decide(case, cmd, at(day))
    assert exc.value.code == code, exc.value.message
    assert case.version == version
    return exc.value.message


# --- filing and the window (行訴法14条) -----------------------------------------------


def test_filing_in_time() -> None:
    events = file(filing())
    assert [e.type for e in events] == ["SuitFiled"]
    case = apply(SuitCase(), events)
    assert (case.status, case.level, case.late, case.window_ends) == (PENDING, "district", False, "2025-09-17")
    assert case.documents == [{"title": "契約書", "disclosure": "partial"}, {"title": "設計図", "disclosure": "withheld"}]
    assert "行政事件訴訟法14条" in case.window["article"]
    assert pending_timers(case) == [] and not case.closed


def test_last_day_of_the_window_is_in_time_the_next_is_late() -> None:
    assert filed(filed_on="2025-09-17", entered_at=at("2025-09-17")).late is False
    late = filed(filed_on="2025-09-18", entered_at=at("2025-09-18"))
    assert late.late is True and late.status == PENDING  # recorded, not refused: admissibility is for the court


def test_window_rolls_to_the_next_court_day_and_ignores_city_closures() -> None:
    # 6 months after 2025-06-29 end Mon 2025-12-29 (年末年始) → 2026-01-05
    case = filed(learned_on="2025-06-29", decided_on="2025-06-27", filed_on="2026-01-05",
                 entered_at=at("2026-01-05"), rules=c.SuitRules(extra_closures=("2025-09-17",)))
    assert (case.window_ends, case.late) == ("2026-01-05", False)
    city_closed = filed(rules=c.SuitRules(extra_closures=("2025-09-17",)))
    assert city_closed.window_ends == "2025-09-17"  # a 臨時閉庁日 does not close the court


def test_one_year_cap_binds_late_learning() -> None:
    case = filed(decided_on="2024-06-03", learned_on="2025-01-06", filed_on="2025-06-04",
                 entered_at=at("2025-06-04"))
    assert (case.window_ends, case.late) == ("2025-06-03", True)


def test_suit_against_a_ruling_counts_from_the_ruling() -> None:
    case = filed(target="ruling", appeal_id="A-2025-003", decided_on="2025-08-01", learned_on="2025-08-04",
                 filed_on="2026-01-30", entered_at=at("2026-01-30"))
    assert (case.appeal_id, case.target, case.window_ends, case.late) == ("A-2025-003", "ruling", "2026-02-04", False)
    with pytest.raises(Refusal) as exc:
        file(filing(target="ruling"))
    assert exc.value.code == "invalid"


@pytest.mark.parametrize(("overrides", "code"), [
    pytest.param({"actor": REVIEWER}, "forbidden", id="reviewer"),
    pytest.param({"court": " "}, "invalid", id="no-court"),
    pytest.param({"case_number": ""}, "invalid", id="no-case-number"),
    pytest.param({"target": "inaction"}, "invalid", id="bad-target"),
    pytest.param({"decided_on": None}, "conflict", id="no-decision"),
    pytest.param({"learned_on": "2025-03-13"}, "invalid", id="learned-before-decided"),
    pytest.param({"filed_on": "2025-03-13", "learned_on": None}, "invalid", id="filed-before-decided"),
    pytest.param({"filed_on": "2025-06-04"}, "invalid", id="filed-in-future"),
    pytest.param({"learned_on": "2025-06-03"}, "invalid", id="learned-after-filing"),
])
def test_filing_refusals(overrides: dict, code: str) -> None:
    with pytest.raises(Refusal) as exc:
        file(filing(**overrides))
    assert exc.value.code == code


# --- judgments, the appeal deadline and finality ----------------------------------------


def test_district_judgment_sets_the_appeal_deadline_and_timer() -> None:
    case = filed()
    assert act(case, judgment(), "2025-09-03") == ["JudgmentEntered"]
    assert (case.outcome, case.appeal_due, case.status) == ("upheld", "2025-09-17", PENDING)
    assert "民事訴訟法285条" in case.appeal_due_explanation["article"]
    timer = next_timer(case)
    assert timer is not None and (timer.kind, timer.on) == ("judgment_final", "2025-09-18")


@pytest.mark.parametrize(("served", "due"), [
    pytest.param("2025-03-01", "2025-03-17", id="ends-saturday-rolls-to-monday"),
    pytest.param("2025-04-22", "2025-05-07", id="ends-furikae-golden-week"),
    pytest.param("2025-12-15", "2026-01-05", id="ends-new-year"),
])
def test_appeal_due_rolls_over_closed_days(served: str, due: str) -> None:
    case = filed(filed_on="2025-01-06", learned_on="2024-12-02", decided_on="2024-11-29", entered_at=at("2025-01-06"))
    act(case, judgment(judged=served, served=served), "2026-01-06")
    assert case.appeal_due == due
    assert next_timer(case).on == (date.fromisoformat(due) + timedelta(days=1)).isoformat()


def test_no_appeal_in_time_makes_the_judgment_final() -> None:
    case = filed()
    act(case, judgment(outcome="revoked"), "2025-09-03")
    timer = next_timer(case)
    assert fire(case, replace(timer, on="2025-09-30"), at("2025-09-30")) == []  # not the pending timer
    events = fire(case, timer, at("2025-09-18"))
    assert [e.type for e in events] == ["SuitAppealWindowLapsed", "SuitFinal"]
    apply(case, events)
    assert (case.status, case.closed, case.final_on, case.final_reason) == (FINAL, True, "2025-09-18", "no_appeal")
    assert case.outcome == "revoked" and case.appeal_due is None
    assert case.scope == [{"title": "契約書", "disclosure": "full"}, {"title": "設計図", "disclosure": "full"}]
    assert pending_timers(case) == [] and fire(case, timer, at("2025-09-18")) == []
    refused(case, c.RecordSuitAppeal(OFFICER, filed_on="2025-09-17", court="東京高等裁判所"), "2025-09-18", "conflict")


def test_appeal_moves_the_suit_up_and_stops_the_timer() -> None:
    case = filed()
    act(case, judgment(outcome="revoked"), "2025-09-03")
    types = act(case, c.RecordSuitAppeal(OFFICER, filed_on="2025-09-16", court="東京高等裁判所",
                                         case_number="令和7年(行コ)第45号", by="defendant"), "2025-09-16")
    assert types == ["SuitAppealed"]
    assert (case.level, case.court, case.case_number, case.appeal_due) == (
        "high", "東京高等裁判所", "令和7年(行コ)第45号", None)
    assert case.appeals[0]["kind"] == "控訴" and pending_timers(case) == []
    # a second appeal against the same judgment has nothing left to appeal
    refused(case, c.RecordSuitAppeal(OFFICER, filed_on="2025-09-16", court="東京高等裁判所"), "2025-09-16",
            "conflict")
    act(case, judgment("high", "partly_revoked", "2026-02-10", "2026-02-12",
                       scope=(ScopeItem("契約書", "full"),)), "2026-02-12")
    assert (case.appeal_due, next_timer(case).on) == ("2026-02-26", "2026-02-27")
    act(case, c.RecordSuitAppeal(OFFICER, filed_on="2026-02-20", court="最高裁判所", by="plaintiff"), "2026-02-20")
    assert case.level == "supreme" and case.appeals[-1]["kind"] == "上告"
    types = act(case, judgment("supreme", "upheld", "2026-09-01", None), "2026-09-01")
    assert types == ["JudgmentEntered", "SuitFinal"]  # the Supreme Court's judgment is final when given
    assert (case.status, case.final_on, case.final_reason, case.outcome, case.scope) == (
        FINAL, "2026-09-01", "supreme_court", "upheld", [])
    assert [j["court_level"] for j in case.judgments] == ["district", "high", "supreme"]


def test_cannot_record_a_high_court_judgment_before_an_appeal() -> None:
    case = filed()
    message = refused(case, judgment("high"), "2025-09-03", "conflict")
    assert "高等裁判所への控訴" in message
    act(case, judgment(), "2025-09-03")
    refused(case, judgment("high"), "2025-09-03", "conflict")
    refused(case, judgment(), "2025-09-03", "conflict")  # the district court has already judged
    refused(case, judgment("supreme", served=None), "2025-09-03", "conflict")
    act(case, c.RecordSuitAppeal(OFFICER, filed_on="2025-09-10", court="東京高等裁判所"), "2025-09-10")
    refused(case, judgment(judged="2025-12-01", served="2025-12-01"), "2025-12-01", "conflict")  # left behind


def test_cannot_appeal_before_a_judgment_or_after_the_deadline() -> None:
    case = filed()
    refused(case, c.RecordSuitAppeal(OFFICER, filed_on="2025-06-03", court="東京高等裁判所"), "2025-06-03", "conflict")
    act(case, judgment(), "2025-09-03")
    refused(case, c.RecordSuitAppeal(OFFICER, filed_on="2025-09-18", court="東京高等裁判所"), "2025-09-18", "conflict")
    refused(case, c.RecordSuitAppeal(OFFICER, filed_on="2025-09-10", court=""), "2025-09-10", "invalid")
    refused(case, c.RecordSuitAppeal(OFFICER, filed_on="2025-09-10", court="東京高等裁判所", by="city"),
            "2025-09-10", "invalid")
    refused(case, c.RecordSuitAppeal(OFFICER, filed_on="2025-08-31", court="東京高等裁判所"), "2025-09-10", "invalid")


@pytest.mark.parametrize(("cmd", "code"), [
    pytest.param(judgment(outcome="withdrawn"), "invalid", id="withdrawn-is-not-a-judgment"),
    pytest.param(judgment(level="regional"), "invalid", id="unknown-level"),
    pytest.param(judgment(served=None), "invalid", id="served-on-required"),
    pytest.param(judgment(served="2025-08-31"), "invalid", id="served-before-judged"),
    pytest.param(judgment(judged="2025-06-01", served="2025-06-01"), "invalid", id="judged-before-filing"),
    pytest.param(judgment(judged="2025-09-04", served="2025-09-04"), "invalid", id="judged-in-future"),
    pytest.param(judgment(outcome="partly_revoked"), "invalid", id="partial-needs-scope"),
    pytest.param(judgment(scope=(ScopeItem("契約書", "full"),)), "invalid", id="upheld-has-no-scope"),
    pytest.param(judgment(outcome="revoked", scope=(ScopeItem("契約書", "withheld"),)), "conflict", id="narrower"),
    pytest.param(judgment(outcome="revoked", scope=(ScopeItem("契約書", "most"),)), "invalid", id="bad-disclosure"),
])
def test_judgment_refusals(cmd: c.RecordJudgment, code: str) -> None:
    refused(filed(), cmd, "2025-09-03", code)


def test_only_the_records_officer_acts_on_suits() -> None:
    case = filed()
    for cmd in (replace(judgment(), actor=REVIEWER),
                c.RecordSuitAppeal(REVIEWER, court="東京高等裁判所"),
                c.RecordFinal(REVIEWER, outcome="withdrawn")):
        refused(case, cmd, "2025-09-03", "forbidden")
    act(case, c.RecordFinal(OFFICER, outcome="withdrawn"), "2025-09-03")
    refused(case, c.RecordFinal(REVIEWER), "2025-09-03", "forbidden")  # the role is checked first


# --- record-final: withdrawal, settlement, confirmation ----------------------------------


@pytest.mark.parametrize("outcome", ["withdrawn", "settled"])
def test_withdrawal_or_settlement_ends_the_suit(outcome: str) -> None:
    case = filed()
    act(case, judgment(outcome="revoked"), "2025-09-03")
    act(case, c.RecordSuitAppeal(OFFICER, filed_on="2025-09-10", court="東京高等裁判所"), "2025-09-10")
    assert act(case, c.RecordFinal(OFFICER, final_on="2025-11-20", outcome=outcome, reason="和解成立"),
               "2025-11-21") == ["SuitFinal"]
    assert (case.status, case.outcome, case.final_on, case.final_reason, case.scope) == (
        FINAL, outcome, "2025-11-20", outcome, [])
    refused(case, c.RecordFinal(OFFICER, outcome=outcome), "2025-11-21", "conflict")  # already final


def test_confirming_the_last_judgment_as_final() -> None:
    case = filed()
    refused(case, c.RecordFinal(OFFICER), "2025-09-03", "conflict")  # no judgment to become final
    refused(case, c.RecordFinal(OFFICER, outcome="revoked"), "2025-09-03", "invalid")
    act(case, judgment(outcome="partly_revoked", scope=(ScopeItem("設計図", "partial"),)), "2025-09-03")
    refused(case, c.RecordFinal(OFFICER, final_on="2025-08-01"), "2025-09-03", "invalid")
    refused(case, c.RecordFinal(OFFICER, final_on="2025-09-04"), "2025-09-03", "invalid")  # future
    act(case, c.RecordFinal(OFFICER, final_on="2025-09-05", reason="双方上訴権放棄"), "2025-09-05")
    assert (case.status, case.outcome, case.final_reason) == (FINAL, "partly_revoked", "confirmed")
    assert case.scope == [{"title": "設計図", "disclosure": "partial"}]


def test_fold_rebuilds_the_same_state() -> None:
    case = SuitCase()
    events = file(filing())
    apply(case, events)
    more = decide(case, judgment(outcome="revoked"), at("2025-09-03"))
    apply(case, more)
    rebuilt = fold((e.type, e.data) for e in events + more)
    assert rebuilt == case and rebuilt.version == 2
