"""A closure day or a newer holiday table reaching an open request: which dates move, and which never do."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time

import jpholiday

from domain.actors import Actor
from domain.calendar_change import HOLIDAY_TABLE_REASON, CalendarChange, outcome
from domain.calendar_view import effective_days
from domain.clock import JST
from domain.litigation import calendar_change as suit_calendar
from domain.litigation.state import SuitCase
from domain.litigation.state import evolve as evolve_suit
from domain.litigation.state import fold as fold_suit
from domain.litigation.timers import pending_timers as pending_suit_timers
from domain.profile import load_profile
from domain.requests import calendar_change
from domain.requests.evolve import evolve, fold
from domain.requests.registration import RegisterRequest, receive
from domain.requests.state import RequestCase
from domain.requests.timers import pending_timers

PROFILE = load_profile("koganei")
FRONT = Actor("madoguchi", "front_desk")
OFFICER = Actor("johokokai", "records_officer")
APPROVER = Actor("kacho", "approver", "toshi")


def at(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(10, 0), tzinfo=JST)


def received(on: str = "2026-03-02", closures: tuple[str, ...] = ()) -> RequestCase:
    """Received Mon 2026-03-02: decision_due = work_due = Mon 03-16 (14 days), reminder Wed 03-11 (3 open days)."""
    rules = PROFILE.case_rules("public_records", [date.fromisoformat(d) for d in closures])
    inp = RegisterRequest(case_id="R-2025-00001", kind="public_records", received_on=on, channel="counter",
                          subject="契約書", department="toshi", preferred_method="copy",
                          requester_party_id="p1", requester_type="individual", actor=FRONT, rules=rules,
                          entered_at=at(on))
    return fold((e.type, e.data) for e in receive(inp))


def closure(day: str, reason: str = "台風第10号による臨時閉庁", *also: str) -> CalendarChange:
    return CalendarChange(actor=OFFICER, closures=(day, *also), closure_on=day, reason=reason)


def apply(case: RequestCase, events) -> RequestCase:
    for e in events:
        evolve(case, e.type, e.data)
    return case


def reminder(case: RequestCase) -> str:
    return next(t.on for t in pending_timers(case) if t.kind == "reminder")


def test_a_closure_on_the_due_date_moves_work_due_and_the_reminder_and_explains_why() -> None:
    case = received()
    assert (case.decision_due, case.work_due, reminder(case)) == ("2026-03-16", "2026-03-16", "2026-03-11")
    events = calendar_change.recompute(case, closure("2026-03-16"), at("2026-03-05"))
    assert [e.type for e in events] == ["CalendarChanged"]
    data = events[0].data
    assert data["before"] == {"work_due": "2026-03-16", "reminder_on": "2026-03-11"}
    assert data["after"] == {"work_due": "2026-03-13", "reminder_on": "2026-03-10"}
    assert data["changed"] == ["reminder_on", "work_due"]
    assert data["closure_on"] == "2026-03-16" and events[0].actor == "johokokai"
    apply(case, events)
    assert case.decision_due == "2026-03-16"  # the strict statutory date never moves for a closed day
    assert case.work_due == "2026-03-13" and reminder(case) == "2026-03-10"
    assert "2026-03-16" in case.due_warning and "臨時閉庁日" in case.due_warning
    steps = case.due_explanation["work_due"]["steps"]
    assert any("台風第10号による臨時閉庁" in s and "2026-03-16 → 2026-03-13" in s for s in steps)
    assert case.due_explanation["decision_due"]["result"] == "2026-03-16"


def test_delivering_the_same_closure_twice_records_nothing_the_second_time() -> None:
    case = received()
    apply(case, calendar_change.recompute(case, closure("2026-03-16"), at("2026-03-05")))
    assert calendar_change.recompute(case, closure("2026-03-16"), at("2026-03-05")) == []


def test_a_closure_between_reminder_and_due_date_moves_only_the_reminder() -> None:
    case = received()
    events = calendar_change.recompute(case, closure("2026-03-12"), at("2026-03-05"))
    assert events[0].data["changed"] == ["reminder_on"]
    assert "work_due" not in events[0].data  # work_due itself is unchanged, so not rewritten
    assert reminder(apply(case, events)) == "2026-03-10"


def test_a_later_closure_changes_no_date_but_reaches_the_case_rules() -> None:
    """An extension decided later must count the closure too, so the case records it even now."""
    case = received()
    events = calendar_change.recompute(case, closure("2026-04-30"), at("2026-03-05"))
    assert events[0].data["before"] == events[0].data["after"] and events[0].data["changed"] == []
    apply(case, events)
    assert "2026-04-30" in case.rules["extra_closures"]
    assert outcome(case.case_id, events).changed is False


def test_a_closed_case_is_not_touched() -> None:
    case = received()
    evolve(case, "RequestWithdrawn", {"withdrawn_on": "2026-03-04"})
    assert calendar_change.recompute(case, closure("2026-03-16"), at("2026-03-05")) == []


def test_dates_already_passed_are_decided_facts() -> None:
    """An overdue case: its work_due lies in the past; a closure cannot rewrite it (nor the overdue flag)."""
    case = received()
    evolve(case, "DecisionOverdue", {"decision_due": "2026-03-16"})
    events = calendar_change.recompute(case, closure("2026-03-16"), at("2026-03-20"))
    assert events[0].data["before"] == {} == events[0].data["after"]
    apply(case, events)
    assert case.work_due == "2026-03-16" and case.overdue


def test_a_decided_case_gets_a_longer_appeal_window_when_its_last_day_closes() -> None:
    """行政不服審査法18条 + 地方自治法4条の2④: decided Mon 03-16, window ends Tue 06-16; closed → Wed 06-17."""
    case = received()
    evolve(case, "DecisionDrafted", {"outcome": "full", "drafted_by": "shinsa"})
    evolve(case, "DecisionApproved", {"decided_on": "2026-03-16", "approved_by": "kacho",
                                      "appeal_window_ends": "2026-06-16"})
    events = calendar_change.recompute(case, closure("2026-06-16", "システム障害"), at("2026-03-20"))
    data = events[0].data
    assert data["before"] == {"appeal_window_ends": "2026-06-16"}
    assert data["after"] == {"appeal_window_ends": "2026-06-17"}
    assert any("システム障害" in s for s in data["appeal_window"]["steps"])
    apply(case, events)
    assert case.appeal_window_ends == "2026-06-17"
    assert case.decision is not None and case.decision.decided_on == "2026-03-16"  # the decision stays as it was


@contextmanager
def newly_announced_holiday(day: date, name: str) -> Iterator[None]:
    """What a jpholiday upgrade does: the table now knows a holiday it did not know before."""

    class Announced(jpholiday.OriginalHolidayCheckerInterface):
        def is_holiday(self, d: date) -> bool:
            return d == day

        def holiday_name(self, d: date) -> str:
            return name

    checker = Announced()
    jpholiday.register(checker)
    try:
        yield
    finally:
        jpholiday.unregister(checker)


def test_a_newer_holiday_table_moves_the_dates_it_reaches() -> None:
    case = received()
    change = CalendarChange(actor=OFFICER, reason=HOLIDAY_TABLE_REASON)
    assert calendar_change.recompute(case, change, at("2026-03-05")) == []  # same table: nothing to record
    with newly_announced_holiday(date(2026, 3, 16), "新しい祝日"):
        events = calendar_change.recompute(case, change, at("2026-03-05"))
    assert events[0].data["after"]["work_due"] == "2026-03-13"
    assert any("国民の祝日（新しい祝日）" in s for s in events[0].data["due_explanation"]["work_due"]["steps"])
    # Replaying the event later, with the old table again, applies the recorded date: no recomputation.
    assert apply(case, events).work_due == "2026-03-13"


def test_a_new_registration_counts_the_added_closures() -> None:
    assert received(closures=("2026-03-16",)).work_due == "2026-03-13"


def test_the_effective_calendar_names_every_closed_day_and_its_source() -> None:
    days = effective_days(date(2026, 12, 26), date(2027, 1, 4), (date(2027, 1, 4),),
                          {date(2026, 12, 28): "システム更新"})
    by_day = {d["date"]: d for d in days}
    assert by_day["2026-12-26"]["source"] == "weekend" and by_day["2026-12-26"]["reason"] == "土曜日"
    assert by_day["2026-12-28"] == {"date": "2026-12-28", "open": False, "reason": "臨時閉庁日（システム更新）",
                                    "source": "closure"}
    assert by_day["2026-12-29"]["source"] == "new_year"
    assert by_day["2027-01-01"]["source"] == "holiday" and "元日" in by_day["2027-01-01"]["reason"]
    assert by_day["2027-01-04"]["source"] == "profile"
    assert len(days) == 10 and all(d["open"] is False for d in days)


def judged_suit(served_on: str = "2026-03-02") -> SuitCase:
    """A district court judgment served Mon 2026-03-02: 控訴 within 2 weeks, by Mon 03-16 (民訴法285条)."""
    return fold_suit([
        ("SuitFiled", {"suit_id": "L-2025-001", "request_id": "R-2025-00001", "court": "東京地方裁判所",
                       "case_number": "令和7年(行ウ)第1号", "filed_on": "2025-12-01", "level": "district",
                       "rules": {"extra_closures": []}}),
        ("JudgmentEntered", {"court_level": "district", "judged_on": served_on, "served_on": served_on,
                             "outcome": "upheld", "appeal_due": "2026-03-16"}),
    ])


def test_a_newer_holiday_table_moves_the_deadline_to_appeal_a_judgment_but_a_city_closure_does_not() -> None:
    suit = judged_suit()
    assert suit_calendar.recompute(suit, closure("2026-03-16"), at("2026-03-05")) == []  # 民訴法95条③: court days
    change = CalendarChange(actor=OFFICER, reason=HOLIDAY_TABLE_REASON)
    with newly_announced_holiday(date(2026, 3, 16), "新しい祝日"):
        events = suit_calendar.recompute(suit, change, at("2026-03-05"))
        assert suit_calendar.recompute(suit, change, at("2026-03-17")) == []  # a passed deadline stays passed
    assert events[0].data["before"] == {"appeal_due": "2026-03-16"}
    assert events[0].data["after"] == {"appeal_due": "2026-03-17"}
    evolve_suit(suit, events[0].type, events[0].data)
    assert suit.appeal_due == "2026-03-17"
    assert pending_suit_timers(suit)[0].on == "2026-03-18"  # final at 00:00 JST after the new last day


def _two_decisions() -> RequestCase:
    """Decided Mon 03-16 in two parts (公開 and 不存在): each its own notice, delivered on different days."""
    case = received()
    evolve(case, "DecisionDrafted", {"drafted_by": "shinsa", "parts": [
        {"outcome": "full"}, {"outcome": "non_disclosure", "non_disclosure_ground": "not_held"}]})
    evolve(case, "DecisionApproved", {"decided_on": "2026-03-16", "approved_by": "kacho", "parts": [
        {"decision_id": "R-2025-00001-D1", "appeal_window_ends": "2026-06-16"},
        {"decision_id": "R-2025-00001-D2", "appeal_window_ends": "2026-06-18"}]})
    return case


def test_each_decision_of_a_request_keeps_its_own_window_through_a_closure() -> None:
    """Two decisions, two windows: a closure on the second's last day (Thu 06-18) moves that one alone."""
    case = _two_decisions()
    evolve(case, "NoticeDelivered", {"delivered_on": "2026-03-18", "appeal_window_ends": "2026-06-18",
                                     "decision_ids": ["R-2025-00001-D2"],
                                     "windows": {"R-2025-00001-D2": "2026-06-18"}})
    first, second = case.decisions
    assert (first.appeal_window_ends, second.appeal_window_ends) == ("2026-06-16", "2026-06-18")
    events = calendar_change.recompute(case, closure("2026-06-18", "システム障害"), at("2026-03-20"))
    data = events[0].data
    assert data["windows"] == {"R-2025-00001-D2": "2026-06-19"}
    assert data["before"]["appeal_window_ends:R-2025-00001-D2"] == "2026-06-18"
    assert data["after"]["appeal_window_ends:R-2025-00001-D2"] == "2026-06-19"
    apply(case, events)
    assert (first.appeal_window_ends, second.appeal_window_ends) == ("2026-06-16", "2026-06-19")
    assert case.appeal_window_ends == "2026-06-19"  # the case's window ends with its last decision's
    windows = {t.key: t.on for t in pending_timers(case) if t.kind == "appeal_window"}
    assert windows == {"R-2025-00001-D1": "2026-06-17", "R-2025-00001-D2": "2026-06-20"}


def test_the_first_release_rule_moves_only_the_first_decisions_window() -> None:
    """A workflow that recorded a calendar change before the patch replays the rule it ran then."""
    case = _two_decisions()
    events = calendar_change.recompute(case, closure("2026-06-18"), at("2026-03-20"), every_window=False)
    assert "windows" not in events[0].data and "remainder_work_due" not in events[0].data


def test_a_closure_on_the_remainders_last_day_pulls_its_working_date_earlier() -> None:
    """特例延長 (条例第11条): the remainder is owed by Fri 05-29; that day closes, so the office must finish by
    Thu 05-28 — the date in the notice (remainder_due) never moves, and the reminder follows."""
    case = received()
    evolve(case, "DeadlineExtended", {"decision_due": "2026-04-01", "work_due": "2026-04-01",
                                      "remainder_due": "2026-05-29", "remainder_owed": True,
                                      "remainder_work_due": "2026-05-29"})
    events = calendar_change.recompute(case, closure("2026-05-29"), at("2026-03-20"))
    data = events[0].data
    assert data["before"]["remainder_work_due"] == "2026-05-29"
    assert data["after"]["remainder_work_due"] == "2026-05-28"
    assert any("台風" in s for s in data["due_explanation"]["remainder_work_due"]["steps"])
    apply(case, events)
    assert (case.remainder_due, case.remainder_work_due) == ("2026-05-29", "2026-05-28")
    remainder = {t.kind: t for t in pending_timers(case) if t.kind.startswith("remainder")}
    assert remainder["remainder_reminder"].key == "2026-05-28"
    assert remainder["remainder_overdue"].on == "2026-05-30"  # overdue counts from the notified date
