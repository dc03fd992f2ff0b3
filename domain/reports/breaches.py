"""The breach incidents (漏えい等事案) of a fiscal year, as the annual report counts them.

個人情報の保護に関する法律 68条① and 施行規則43条 (the triggers), 44条 (速報 and 確報 deadlines); see
``domain/breach.py``. Counting rules (docs/reports.md, tested in ``tests/domain/test_report_breaches.py``):

* an incident counts in the fiscal year its department **became aware** of it (``aware_on``: the day the
  legal clock starts), like a request in the year it was received;
* by trigger, one count per trigger that held (an incident with 要配慮 data and over 100 persons counts
  under both); reportable or not at the cut-off (no trigger, or 高度な暗号化 — 43条柱書括弧書);
* for each report (速報, 確報) of those incidents: filed by the cut-off, of them on time (on or before its
  due date) and late, filed although not due (voluntary), and due but not filed with its date passed
  (overdue).

Counts, dates and flags only: never the description, the items or anyone concerned.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from domain.breach import TRIGGERS
from domain.era import fiscal_year as fy_of

REPORTS = ("preliminary", "final")


def _overdue(b: dict[str, Any], report: str) -> bool:
    """Due, not filed, and the due date passed (the timer recorded it): ``BreachCase.is_overdue``."""
    due = b.get("preliminary_due") if report == "preliminary" else b.get("final_due")
    return bool(b.get("reportable")) and report not in (b.get("reports") or {}) \
        and (b.get("overdue") or {}).get(report) == due


def breach_tables(breaches: list[dict[str, Any]], fiscal_year: int) -> dict[str, Any]:
    """The year's incidents from their folded states (``dataclasses.asdict`` of ``BreachCase``)."""
    mine = sorted((b for b in breaches if b.get("aware_on")
                   and fy_of(date.fromisoformat(b["aware_on"][:10])) == fiscal_year), key=lambda b: b["breach_id"])
    by_trigger: Counter[str] = Counter(t for b in mine for t in (b.get("duty") or {}).get("triggers") or [])
    reports = {}
    for r in REPORTS:
        filed = [(b.get("reports") or {})[r] for b in mine if r in (b.get("reports") or {})]
        reports[r] = {
            "filed": len(filed),
            "on_time": sum(1 for s in filed if not s.get("late")),
            "late": sum(1 for s in filed if s.get("late")),
            "voluntary": sum(1 for s in filed if s.get("voluntary")),
            "overdue": sum(1 for b in mine if _overdue(b, r)),
        }
    return {
        "incidents": len(mine),
        "by_kind": dict(sorted(Counter(b.get("kind") or "leak" for b in mine).items())),
        "persons": sum(int(b.get("persons") or 0) for b in mine),
        "by_trigger": {t: by_trigger.get(t, 0) for t in TRIGGERS},
        "reportable": sum(1 for b in mine if b.get("reportable")),
        "not_reportable": sum(1 for b in mine if not b.get("reportable")),
        "exempt_encrypted": sum(1 for b in mine if (b.get("duty") or {}).get("exempt_reason")),
        "reports": reports,
        "closed": sum(1 for b in mine if b.get("status") == "closed"),
    }
