"""The published registers (as the city's web page and the counter show them) and the council's summary, as
the report tables of api/reports/formats.py: the same CSV and Excel files, and a PDF with one sheet per entry."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from activities.notices import document, pdf
from api.reports.tables import ReportTable
from domain.era import format_era_date
from domain.registers.rules import (
    BASES,
    BASIS_LABELS,
    CHANGE_LABELS,
    CHANGES,
    LEGACY_BASES,
    MEDIA_LABELS,
    REGISTER_LABELS,
    USE_KIND_LABELS,
    USE_KINDS,
)

# (heading, field): the columns of the published list, in the order of the ファイル簿 form (APPI 75, 施行令 21).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("登録番号", "entry_id"),
    ("名称", "name"),
    ("担当課", "department"),
    ("利用目的", "purpose"),
    ("記録項目", "items"),
    ("記録範囲（本人の範囲）", "person_categories"),
    ("本人の数", "persons"),
    ("収集方法（記録情報の収集先）", "sources"),
    ("経常的提供先", "recipients"),
    ("保存期間", "retention"),
    ("安全管理措置", "safeguards"),
    ("電子・紙の別", "media"),
    ("登録・変更日", "effective_on"),
    ("区分", "change"),
)


def _value(version: dict[str, Any], field: str, departments: dict[str, str]) -> Any:
    value = version[field]
    if isinstance(value, list):
        return "、".join(value)
    if field == "department":
        return departments.get(value, value)
    if field == "media":
        return MEDIA_LABELS[value]
    if field == "change":
        return CHANGE_LABELS[value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _sheet_value(version: dict[str, Any], field: str, departments: dict[str, str]) -> str:
    """As a person reads it on paper: 1,200人, 令和7年4月10日, ― for none."""
    if field == "persons":
        return f"{version['persons']:,}人"
    if field == "effective_on":
        return format_era_date(version["effective_on"])
    return str(_value(version, field, departments)) or "―"


def published_tables(
    entries: list[dict[str, Any]], registers: tuple[str, ...], departments: dict[str, str]
) -> list[ReportTable]:
    """One table per register; numbers stay numbers (本人の数)."""
    return [
        ReportTable(
            register,
            REGISTER_LABELS[register],
            tuple(h for h, _ in COLUMNS),
            tuple(
                tuple(_value(v, f, departments) for _, f in COLUMNS)
                for v in entries
                if v["register"] == register
            ),
        )
        for register in registers
    ]


def published_pdf(
    entries: list[dict[str, Any]],
    registers: tuple[str, ...],
    departments: dict[str, str],
    *,
    municipality: str,
    as_of: date,
) -> bytes:
    """Each entry a two-column sheet (項目 / 内容), as the ファイル簿 is kept at the counter."""
    title = "・".join(REGISTER_LABELS[r] for r in registers)
    parts = [
        f"<article><h1>{escape(title)}</h1>",
        f'<p class="right">{escape(municipality)}</p>',
        f'<p class="note">{escape(format_era_date(as_of))}現在（{as_of.isoformat()}）'
        f"　掲載件数 {sum(1 for v in entries if v['register'] in registers)}件</p>",
    ]
    for register in registers:
        mine = [v for v in entries if v["register"] == register]
        parts.append(f"<h2>{escape(REGISTER_LABELS[register])}（{len(mine)}件）</h2>")
        if not mine:
            parts.append("<p>（該当なし）</p>")
        for v in mine:
            parts.append(f"<h2>{escape(v['entry_id'])}　{escape(v['name'])}</h2>")
            parts.append('<table data-widths="28,72"><tbody>')
            for heading, field in COLUMNS[2:]:
                parts.append(
                    f"<tr><th>{escape(heading)}</th>"
                    f"<td>{escape(_sheet_value(v, field, departments))}</td></tr>"
                )
            parts.append("</tbody></table>")
    parts.append("</article>")
    return pdf.build_pdf(document.parse("".join(parts)), title=title, author=municipality, issued_on=as_of)


def _basis_count(counts: dict[str, Any], basis: str) -> int:
    """A count by basis, also under the code a report published before migration 0026 stored."""
    return counts.get(basis, 0) + sum(counts.get(old, 0) for old, new in LEGACY_BASES.items() if new == basis)


def use_tables(counts: dict[str, dict[str, Any]], names: dict[str, str]) -> list[ReportTable]:
    """目的外利用・外部提供: per register entry, and by basis (each row adds up to its 計)."""
    per_entry = [
        (f"{e}　{names.get(e, '')}".strip(), *(c[k] for k in USE_KINDS), c["total"])
        for e, c in counts.items()
    ]
    total = ("計", *(sum(r[i] for r in per_entry) for i in range(1, 2 + len(USE_KINDS))))
    by_basis = [(BASIS_LABELS[b], sum(_basis_count(c, b) for c in counts.values())) for b in BASES]
    return [
        ReportTable(
            "pi_uses_by_register",
            "保有個人情報の目的外利用・外部提供（登録簿別）",
            ("登録簿", *(USE_KIND_LABELS[k] for k in USE_KINDS), "計"),
            (*per_entry, total),
        ),
        ReportTable(
            "pi_uses_by_basis",
            "保有個人情報の目的外利用・外部提供（根拠別）",
            ("根拠", "件数"),
            (*by_basis, ("計", sum(n for _, n in by_basis))),
        ),
    ]


def change_table(changes: dict[str, dict[str, int]]) -> ReportTable:
    return ReportTable(
        "register_changes",
        "登録簿の変更件数（年度内）",
        ("登録簿", *(CHANGE_LABELS[c] for c in CHANGES)),
        tuple((REGISTER_LABELS[r], *(n[c] for c in CHANGES)) for r, n in changes.items()),
    )
