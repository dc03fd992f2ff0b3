"""The annual operation-status report (運用状況) for one fiscal year, as a pure fold of case states.

Counting rules (docs/reports.md; each is tested):

* a request counts in the fiscal year it was **received** (受付日), by kind and by requester category;
* a decision counts in the fiscal year of its **decision date** (決定日); one request can produce several;
* withdrawals (取下げ) and transfers (移送) are counted apart, in the year the request was received;
  requests of the year with no decision, not withdrawn and not transferred at the cut-off are *pending*;
* a withheld clause counts once per decision that applied it;
* an appeal counts in the year it was **filed**; referral, report and ruling in the year each happened;
* a suit is *pending* when it is not final at the cut-off, whatever year it was filed in (the assembly is
  told how many suits are still running); filed and decided count in the year they happened;
* frequent requesters: requests of the year grouped by the requester's identity (a keyed hash of the
  normalised name, never the name), shown as a pseudonym and a count when above the profile threshold.

Self-information requests (保有個人情報の開示・訂正・利用停止請求, APPI) get their own tables.
Pure: the caller folds the events up to the cut-off and passes the states.
"""

from __future__ import annotations

import hashlib
import json
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain import deadlines
from domain.era import fiscal_year as fy_of
from domain.era import format_fiscal_year
from domain.reports.breaches import breach_tables
from domain.reports.decisions import OUTCOME_LABELS, REPORT_OUTCOMES, decisions_of

PUBLIC_RECORDS = ("public_records",)
SELF_INFORMATION = ("personal_info_disclosure", "personal_info_correction", "personal_info_suspension")


@dataclass(frozen=True)
class ReportInputs:
    fiscal_year: int
    as_of: str  # ISO instant of the cut-off
    requests: list[dict[str, Any]]  # folded request states
    appeals: list[dict[str, Any]]
    suits: list[dict[str, Any]]
    identities: dict[str, str]  # requester party id → identity hash (keyed; never a name)
    body_of_department: dict[str, str]  # department code → implementing body code
    bodies: tuple[str, ...]  # implementing body codes, in profile order
    categories: tuple[str, ...]  # requester category codes, in profile order
    frequent_threshold: int
    period_days: dict[str, int]  # request kind → decision period
    breaches: tuple[dict[str, Any], ...] = ()  # folded breach states (漏えい等事案; APPI 68)


def _in_year(iso: str | None, fy: int) -> bool:
    return bool(iso) and fy_of(date.fromisoformat(iso[:10])) == fy


def _days(a: str, b: str) -> int:
    return (date.fromisoformat(b) - date.fromisoformat(a)).days


def _spread(values: list[int]) -> dict[str, Any]:
    if not values:
        return {"count": 0, "median": None, "max": None}
    return {"count": len(values), "median": statistics.median(values), "max": max(values)}


def pseudonym(identity: str, fiscal_year: int) -> str:
    """Stable within a year's report, unlinkable to the name without the search key."""
    return "請求者-" + hashlib.sha256(f"{fiscal_year}:{identity}".encode()).hexdigest()[:8].upper()


def _within_period(state: dict[str, Any], decided_on: str, period_days: int) -> bool:
    """Decided within the ordinance's period (correction days excluded), before any extension."""
    rules = state.get("rules") or {}
    due = deadlines.decision_due(
        date.fromisoformat(state["received_on"]), rules.get("period_days", period_days),
        excluded_days=state.get("excluded_days", 0), count_first_day=rules.get("count_first_day", False),
    ).value
    return date.fromisoformat(decided_on) <= due


def _request_tables(inp: ReportInputs, kinds: tuple[str, ...]) -> dict[str, Any]:
    fy = inp.fiscal_year
    mine = [s for s in inp.requests if s.get("kind") in kinds]
    decided = {id(s): decisions_of(s) for s in mine}  # read once: the tables and the list share it
    received = [s for s in mine if _in_year(s.get("received_on"), fy)]
    by_kind = Counter(s["kind"] for s in received)
    by_category = Counter(s.get("requester_category") or "unknown" for s in received)
    by_body: dict[str, dict[str, int]] = {b: dict.fromkeys(REPORT_OUTCOMES, 0) for b in inp.bodies}
    clauses: Counter[str] = Counter()
    days: list[int] = []
    within = 0
    decisions_total = 0
    for s in mine:
        body = inp.body_of_department.get(s.get("department", ""), "unknown")
        for d in decided[id(s)]:
            if not _in_year(d.decided_on, fy):
                continue
            decisions_total += 1
            by_body.setdefault(body, dict.fromkeys(REPORT_OUTCOMES, 0))[d.outcome] += 1
            clauses.update(d.clauses)
            days.append(_days(s["received_on"], d.decided_on))
            within += _within_period(s, d.decided_on, inp.period_days.get(s["kind"], 14))
    closed = Counter(s.get("closed_reason") for s in received if s.get("status") == "closed")
    pending = [s for s in received
               if not decided[id(s)] and s.get("closed_reason") not in ("withdrawn", "transferred")]
    consulted = [s for s in received if s.get("third_parties")]
    parties = [p for s in consulted for p in s["third_parties"]]
    by_identity = Counter(inp.identities.get(s.get("requester_party_id", ""), "") for s in received)
    by_identity.pop("", None)
    frequent = sorted(
        ({"pseudonym": pseudonym(i, fy), "count": n} for i, n in by_identity.items()
         if n > inp.frequent_threshold),
        key=lambda r: (-r["count"], r["pseudonym"]),
    )
    spread = _spread(days)
    spread["within_period"] = within
    spread["within_period_share"] = round(within / len(days), 4) if days else None
    return {
        "requests": {"total": len(received), "by_kind": {k: by_kind.get(k, 0) for k in kinds},
                     "by_category": {c: by_category.get(c, 0) for c in (*inp.categories, "unknown")
                                     if c != "unknown" or by_category.get(c)}},
        "decisions": {"total": decisions_total, "by_body": by_body,
                      "by_outcome": {o: sum(b[o] for b in by_body.values()) for o in REPORT_OUTCOMES}},
        "withdrawn": closed.get("withdrawn", 0),
        "transferred": closed.get("transferred", 0),
        "pending": len(pending),
        "clauses": dict(sorted(clauses.items())),
        "extensions": {"extended": sum(1 for s in received if s.get("extended")),
                       "large_volume": sum(1 for s in received if s.get("remainder_due") or (
                           s.get("imported") or {}).get("extended") == "large_volume")},
        "days_to_decision": spread,
        "third_party_consultations": {"requests": len(consulted), "parties": len(parties),
                                      "objections": sum(1 for p in parties if p.get("objects"))},
        "frequent_requesters": frequent,
        "list": [_row(s, inp, decided[id(s)]) for s in sorted(received, key=lambda s: s["case_id"])],
    }


def _row(s: dict[str, Any], inp: ReportInputs, decided: list[Any]) -> dict[str, Any]:
    """One line of the published list of requests (公開請求の一覧): no names, no contact data."""
    notes = []
    if s.get("closed_reason") in ("withdrawn", "transferred"):
        notes.append({"withdrawn": "取下げ", "transferred": "移送"}[s["closed_reason"]])
    if s.get("extended"):
        notes.append("特例延長" if s.get("remainder_due") else "延長")
    if not decided and s.get("closed_reason") not in ("withdrawn", "transferred"):
        notes.append("未決定")
    return {
        "case_id": s["case_id"],
        "received_on": s["received_on"],
        "kind": s["kind"],
        "requester_category": s.get("requester_category"),
        "subject": s.get("subject", ""),
        "department": s.get("department"),
        "body": inp.body_of_department.get(s.get("department", ""), "unknown"),
        "decisions": [{"decision_id": d.decision_id, "decided_on": d.decided_on, "outcome": d.outcome,
                       "outcome_label": OUTCOME_LABELS.get(d.outcome, d.outcome), "clauses": list(d.clauses)}
                      for d in decided],
        "note": "・".join(notes),
    }


def _appeal_tables(inp: ReportInputs) -> dict[str, Any]:
    fy = inp.fiscal_year
    received = [a for a in inp.appeals if _in_year(a.get("filed_on"), fy)]
    referred = [a for a in inp.appeals if _in_year(a.get("referred_on"), fy)]
    reported = [a for a in inp.appeals if _in_year((a.get("report") or {}).get("adopted_on"), fy)]
    ruled = [a for a in inp.appeals if _in_year((a.get("ruling") or {}).get("ruled_on"), fy)]
    by_ruling = Counter(a["ruling"]["ruling"] for a in ruled if a["ruling"].get("ruling"))
    withdrawn = [a for a in received if a.get("closed_reason") == "withdrawn"]
    return {
        "received": len(received),
        "referred": len(referred),
        "reported": len(reported),
        "ruled": len(ruled),
        "withdrawn": len(withdrawn),
        "by_ruling": {r: by_ruling.get(r, 0) for r in ("dismissed", "rejected", "granted", "partly_granted")},
        "days_filed_to_ruling": _spread([_days(a["filed_on"], a["ruling"]["ruled_on"]) for a in ruled]),
        "days_referred_to_report": _spread([_days(a["referred_on"], a["report"]["adopted_on"])
                                            for a in reported if a.get("referred_on")]),
    }


def _suit_tables(inp: ReportInputs) -> dict[str, Any]:
    fy = inp.fiscal_year
    decided = [s for s in inp.suits if _in_year(s.get("final_on"), fy)]
    by_outcome = Counter(s.get("outcome") or "unknown" for s in decided)
    return {
        "filed": sum(1 for s in inp.suits if _in_year(s.get("filed_on"), fy)),
        "pending": sum(1 for s in inp.suits if s.get("status") != "final"),
        "decided": len(decided),
        "by_outcome": dict(sorted(by_outcome.items())),
        "judgments": sum(1 for s in inp.suits for j in s.get("judgments") or [] if _in_year(j.get("judged_on"), fy)),
    }


def annual_report(inp: ReportInputs) -> dict[str, Any]:
    """The report as plain JSON data; the same inputs always give the same dict."""
    fy = inp.fiscal_year
    public = _request_tables(inp, PUBLIC_RECORDS)
    return {
        "fiscal_year": fy,
        "fiscal_year_label": format_fiscal_year(fy),
        "period": {"from": f"{fy}-04-01", "to": f"{fy + 1}-03-31"},
        "as_of": inp.as_of,
        "frequent_threshold": inp.frequent_threshold,
        **public,
        "appeals": _appeal_tables(inp),
        "suits": _suit_tables(inp),
        "self_information": _request_tables(inp, SELF_INFORMATION),
        "breaches": breach_tables(list(inp.breaches), fy),
    }


def contributions(report: dict[str, Any]) -> dict[str, str]:
    """case id → digest of its line in the report, to name the cases that changed since publication."""
    out = {}
    for section in (report, report.get("self_information") or {}):
        for row in section.get("list", []):
            text = json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
            out[row["case_id"]] = hashlib.sha256(text.encode()).hexdigest()
    return out


def changed_cases(published: dict[str, Any], current: dict[str, Any]) -> list[str]:
    before, after = contributions(published), contributions(current)
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))

