"""Breach incidents (漏えい等事案, APPI 68) in the annual report: counted in the year the department became
aware, by trigger, reportable or not, and each report to the Commission filed on time, late or overdue."""

from __future__ import annotations

import dataclasses
from datetime import date

from domain.breach import BreachFacts, report_duty
from domain.breaches.state import BreachCase
from domain.reports.breaches import breach_tables
from tests.domain.test_annual_report import report


def breach(n: int, aware_on: str, *, persons: int = 5, sensitive: bool = False, malicious: bool = False,
           encrypted: bool = False, reports: dict | None = None, overdue: dict | None = None,
           kind: str = "leak", closed: bool = False) -> dict:
    facts = BreachFacts(aware_on=date.fromisoformat(aware_on), persons=persons,
                        sensitive=sensitive, malicious=malicious, encrypted=encrypted)
    duty = report_duty(facts)
    case = BreachCase(breach_id=f"B-2025-{n:03d}", department="kenko", kind=kind, aware_on=aware_on,
                      persons=persons, sensitive=sensitive, malicious=malicious, encrypted=encrypted,
                      duty=duty.to_dict(), reportable=duty.reportable, preliminary_due="2025-10-14",
                      final_due="2025-11-08", reports=reports or {}, overdue=overdue or {},
                      status="closed" if closed else "open", description={"sealed": "v1.xxx"})
    return dataclasses.asdict(case)


def test_breaches_count_in_the_year_of_awareness_by_trigger_and_by_report() -> None:
    medical = breach(1, "2025-10-09", sensitive=True, persons=120, closed=True, reports={
        "preliminary": {"submitted_on": "2025-10-10", "late": False, "voluntary": False},
        "final": {"submitted_on": "2025-10-30", "late": False, "voluntary": False}})
    ransomware = breach(2, "2026-01-15", malicious=True, persons=300, kind="leak", reports={
        "preliminary": {"submitted_on": "2026-01-25", "late": True, "voluntary": False}},
        overdue={"final": "2025-11-08"})
    encrypted = breach(3, "2025-06-01", persons=500, encrypted=True, kind="loss", reports={
        "preliminary": {"submitted_on": "2025-06-02", "late": False, "voluntary": True}})
    small = breach(4, "2025-07-01", persons=3)
    last_year = breach(5, "2025-03-31", sensitive=True)
    b = breach_tables([medical, ransomware, encrypted, small, last_year], 2025)
    assert b["incidents"] == 4 and b["persons"] == 120 + 300 + 500 + 3
    assert b["by_kind"] == {"leak": 3, "loss": 1}
    assert b["by_trigger"] == {"sensitive": 1, "financial_harm": 0, "malicious": 1, "over_100": 3}
    assert (b["reportable"], b["not_reportable"], b["exempt_encrypted"]) == (2, 2, 1)
    assert b["reports"]["preliminary"] == {"filed": 3, "on_time": 2, "late": 1, "voluntary": 1, "overdue": 0}
    # the ransomware's 確報 is due and its date passed unfiled
    assert b["reports"]["final"] == {"filed": 1, "on_time": 1, "late": 0, "voluntary": 0, "overdue": 1}
    assert b["closed"] == 1
    assert breach_tables([last_year], 2024)["incidents"] == 1


def test_an_unfiled_report_past_its_date_is_overdue_and_the_report_carries_no_description() -> None:
    late = breach(1, "2025-10-09", sensitive=True, overdue={"preliminary": "2025-10-14"})
    b = breach_tables([late], 2025)
    assert b["reports"]["preliminary"]["overdue"] == 1 and b["reports"]["final"]["overdue"] == 0
    r = report([])
    assert r["breaches"]["incidents"] == 0  # the annual report always has the table
    assert "sealed" not in str(b)
