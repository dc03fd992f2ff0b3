"""What each reader of a breach incident receives, and the council's summary (JSON and PDF).

Department staff and the records officer get the incident with its description (unsealed here; each
read is one ``personal_data.read`` audit entry). The council gets ``council_summary``: counts, categories,
flags, dates and what was done — never the description, the contractor's name or anything that names a
person. The PDF is laid out by the notices' code, like the annual report, so it looks like the city's
other documents.
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

import asyncpg

from activities.notices import document, pdf
from domain import breach as rules
from domain.breaches.decide import KINDS, NOTICE_METHODS, TRANSITIONS, missing_for_closing
from domain.breaches.state import REPORTS, BreachCase
from domain.era import format_era_date
from domain.profile import Profile
from kaiji.security.fields import FieldCipher
from kaiji.security.sealed import unseal_breach_text

REPORT_LABELS = {"preliminary": "速報", "final": "確報"}


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def case_of(row: asyncpg.Record) -> BreachCase:
    state = dict(row["state"])
    return BreachCase(**state)


def summary(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": row["breach_id"],
        "department": row["department"],
        "title": row["title"],
        "kind": row["kind"],
        "status": row["status"],
        "aware_on": _iso(row["aware_on"]),
        "persons": row["persons"],
        "reportable": row["reportable"],
        "preliminary_due": _iso(row["preliminary_due"]),
        "preliminary_on": _iso(row["preliminary_on"]),
        "final_due": _iso(row["final_due"]),
        "final_on": _iso(row["final_on"]),
        "overdue": row["overdue"],
        "meeting_on": _iso(row["meeting_on"]),
        "closed_on": _iso(row["closed_on"]),
    }


def _reports(case: BreachCase) -> dict[str, Any]:
    out = {}
    for report in REPORTS:
        filed = case.reports.get(report) or {}
        out[report] = {
            "label": REPORT_LABELS[report],
            "due": case.due(report),
            "explanation": case.preliminary_explanation
            if report == "preliminary"
            else case.final_explanation,
            "submitted_on": filed.get("submitted_on"),
            "reference": filed.get("reference"),
            "late": filed.get("late", False),
            "overdue": case.is_overdue(report),
        }
    return out


def allowed_actions(case: BreachCase, role: str) -> list[str]:
    return [a for a, (states, roles, _) in TRANSITIONS.items() if case.status in states and role in roles]


def detail(row: asyncpg.Record, cipher: FieldCipher, role: str) -> dict[str, Any]:
    case = case_of(row)
    token = (case.description or {}).get("sealed")
    return {
        **summary(row),
        "version": row["version"],
        "kind_label": KINDS.get(case.kind, case.kind),
        "description": unseal_breach_text(cipher, token, breach_id=case.breach_id) if token else "",
        "items": case.items,
        "sensitive": case.sensitive,
        "financial_harm": case.financial_harm,
        "malicious": case.malicious,
        "encrypted": case.encrypted,
        "contractor": case.contractor,
        "duty": case.duty,
        # contract.md's names: whether a report is due and why (the duty's steps, like a due-date explanation)
        "report_required": bool(row["reportable"]),
        "explanation": case.duty,
        "reports": _reports(case),
        "notices": case.notices,
        "measures": case.measures,
        "revisions": case.revisions,
        "missing_for_closing": missing_for_closing(case),
        "allowed_actions": allowed_actions(case, role),
    }


def _notice_lines(case: BreachCase) -> list[str]:
    lines = []
    for n in case.notices:
        if n.get("form") == "announcement":
            lines.append(
                f"本人への通知が困難なため公表（{_era(n['announced_on'])}）: {n['announcement']}"
                f"（理由: {n['impossible_reason']}）"
            )
        else:
            lines.append(
                f"{NOTICE_METHODS.get(n['method'], n['method'])}により{n['count']}人に通知（{_era(n['notified_on'])}）"
            )
    return lines


def council_summary(row: asyncpg.Record, profile: Profile) -> dict[str, Any]:
    """The agenda item: nothing that names a person (no description, no contractor's name)."""
    case = case_of(row)
    department = profile.department(case.department)
    return {
        "id": case.breach_id,
        "title": case.title,
        "kind": case.kind,
        "kind_label": KINDS.get(case.kind, case.kind),
        "department": case.department,
        "department_name": department.name if department else case.department,
        "aware_on": case.aware_on,
        "persons": case.persons,
        "items": case.items,
        "triggers": [
            {"code": t, "label": rules.TRIGGERS[t][0], "article": rules.TRIGGERS[t][1]}
            for t in case.duty.get("triggers", [])
        ],
        "encrypted": case.encrypted,
        "contractor_involved": bool(case.contractor),
        "reportable": case.reportable,
        "duty_steps": case.duty.get("steps", []),
        "reports": {
            r: {k: v for k, v in info.items() if k in ("label", "due", "submitted_on", "late", "overdue")}
            for r, info in _reports(case).items()
        },
        "notices": _notice_lines(case),
        "measures": [m["measures"] for m in case.measures],
        "status": case.status,
        "closed_on": case.closed_on,
        "meeting_on": (case.agenda or {}).get("meeting_on"),
    }


def _era(value: str | None) -> str:
    return format_era_date(date.fromisoformat(value)) if value else "—"


def council_summary_pdf(item: dict[str, Any], profile: Profile, issued_on: date) -> bytes:
    title = "漏えい等事案の報告（概要）"
    yes = lambda flag: "あり" if flag else "なし"  # noqa: E731
    facts = [
        ("事案番号", item["id"]),
        ("件名", item["title"]),
        ("事案の種類", item["kind_label"]),
        ("所管課", item["department_name"]),
        ("事態を知った日", _era(item["aware_on"])),
        ("本人の数", f"{item['persons']:,}人"),
        ("漏えい等した項目", "、".join(item["items"]) or "—"),
        ("要配慮個人情報", yes(any(t["code"] == "sensitive" for t in item["triggers"]))),
        ("委託先の関与", yes(item["contractor_involved"])),
        ("高度な暗号化等の措置", yes(item["encrypted"])),
    ]
    parts = [f"<article><h1>{escape(title)}</h1>", f'<p class="right">{escape(profile.municipality)}</p>']
    if item["meeting_on"]:
        parts.append(f'<p class="note">{escape(_era(item["meeting_on"]))}の審査会への報告</p>')
    parts.append("<h2>1 事案の概要</h2>")
    parts.append(_table(facts))
    parts.append("<h2>2 個人情報保護委員会への報告</h2>")
    duty = "報告義務あり" if item["reportable"] else "報告義務なし"
    parts.append(f"<p>{escape(duty)}（{escape(rules.ARTICLE)}）</p>")
    for step in item["duty_steps"]:
        parts.append(f'<p class="note">・{escape(step)}</p>')
    if item["reportable"]:
        parts.append(
            _table(
                [
                    (
                        r["label"],
                        f"期限 {_era(r['due'])}／報告 {_era(r['submitted_on'])}"
                        + ("（期限後）" if r["late"] else "")
                        + ("（未報告・期限超過）" if r["overdue"] else ""),
                    )
                    for r in item["reports"].values()
                ]
            )
        )
    parts.append("<h2>3 本人への通知等</h2>")
    parts += [f"<p>{escape(line)}</p>" for line in item["notices"]] or ["<p>（記録なし）</p>"]
    parts.append("<h2>4 再発防止策</h2>")
    parts += [f"<p>{escape(m)}</p>" for m in item["measures"]] or ["<p>（記録なし）</p>"]
    status = f"終結（{_era(item['closed_on'])}）" if item["status"] == "closed" else "対応中"
    parts.append(
        f'<p class="note">状況: {escape(status)}。この概要には個人を識別できる情報を含みません。</p>'
    )
    parts.append("</article>")
    return pdf.build_pdf(
        document.parse("".join(parts)), title=title, author=profile.municipality, issued_on=issued_on
    )


def _table(rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>" for k, v in rows)
    return f'<table data-widths="32,68"><tbody>{body}</tbody></table>'
