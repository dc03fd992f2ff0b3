"""The report's files: CSV (UTF-8 with BOM), Excel (one sheet per table) and PDF (the notices' style)."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from html import escape
from typing import Any

from activities.notices import document, pdf
from api.reports.tables import ReportTable
from domain.clock import JST
from domain.era import format_era_date

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"


def _text(value: Any) -> str:
    text = "" if value is None else str(value)
    # CSV injection (OWASP): a cell a spreadsheet would run as a formula is quoted as text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(tables: list[ReportTable]) -> bytes:
    """Every table one after the other, its title on a line of its own, a blank line between."""
    out = io.StringIO()
    writer = csv.writer(out)
    for t in tables:
        writer.writerow([t.title])
        writer.writerow(t.header)
        for row in t.rows:
            writer.writerow([v if isinstance(v, int | float) else _text(v) for v in row])
        writer.writerow([])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # Excel on Japanese Windows reads the BOM


def to_xlsx(tables: list[ReportTable], *, title: str, as_of: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    moment = datetime.fromisoformat(as_of).astimezone(JST).replace(tzinfo=None)
    wb.properties.title, wb.properties.creator = title, "Kaiji"
    wb.properties.created = wb.properties.modified = moment
    for t in tables:
        ws = wb.create_sheet(t.key[:31])
        ws.append([t.title])
        ws["A1"].font = Font(bold=True)
        ws.append(list(t.header))
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for row in t.rows:
            ws.append([v if isinstance(v, int | float) else _text(v) for v in row])
        ws.column_dimensions["A"].width = 36
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_pdf(tables: list[ReportTable], *, title: str, municipality: str, as_of: str) -> bytes:
    """Laid out by the notices' PDF code, so the report looks like the city's other documents."""
    cut = datetime.fromisoformat(as_of).astimezone(JST)
    parts = [f'<article><h1>{escape(title)}</h1>',
             f'<p class="right">{escape(municipality)}</p>',
             f'<p class="note">基準日時: {escape(format_era_date(cut.date()))} '
             f'{escape(cut.strftime("%H:%M"))}（{escape(as_of)}）</p>']
    for t in tables:
        if t.key.endswith("list"):
            continue  # the full list is in the CSV and Excel files; the PDF is the summary for the assembly
        widths = ",".join(["40"] + ["12"] * (len(t.header) - 1)) if len(t.header) > 2 else "70,30"
        parts.append(f"<h2>{escape(t.title)}</h2>")
        parts.append(f'<table data-widths="{widths}"><thead><tr>'
                     + "".join(f"<th>{escape(h)}</th>" for h in t.header) + "</tr></thead><tbody>")
        for row in t.rows or (("（該当なし）",) + ("",) * (len(t.header) - 1),):
            parts.append("<tr>" + "".join(f"<td>{escape(_cell(v))}</td>" for v in row) + "</tr>")
        parts.append("</tbody></table>")
    parts.append("</article>")
    blocks = document.parse("".join(parts))
    return pdf.build_pdf(blocks, title=title, author=municipality, issued_on=cut.date())


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return "" if value is None else str(value)
