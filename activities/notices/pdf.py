"""Set a notice's blocks on A4 with fpdf2 and the embedded IPAexGothic subset.

Deterministic: the creation date is the notice's issue date (00:00 JST), the
producer and creator are fixed strings, fpdf2's subset prefix is constant and
its file /ID is a hash of the content, so equal input gives equal bytes.
Japanese lines are broken here, not by fpdf2: at any character, with the
basic kinsoku rules (追い出し: no 「、。）」」 at the start of a line, no 「（「」
at its end), and handed to fpdf2 as explicit lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from fpdf import FPDF, FontFace
from fpdf.enums import Align, VAlign, WrapMode, XPos, YPos

from .document import Block, Para, Table
from .fonts import FONT_FAMILY, add_notice_font

__all__ = ["build_pdf", "PRODUCER"]

PRODUCER = "Kaiji notices (fpdf2)"
_JST = ZoneInfo("Asia/Tokyo")
_MARGIN_X = 22.0  # mm, left and right
_MARGIN_TOP = 20.0
_MARGIN_BOTTOM = 22.0
_PT = 0.3528  # mm per point
_PAD = (1.6, 2.0, 1.6, 2.0)  # table cell padding, mm: top, right, bottom, left
_SLACK = 0.3  # mm kept free on each line so fpdf2 never re-breaks our lines
_NO_START = frozenset(
    "、。，．・：；？！ー々ゝゞヽヾ゛゜）〕］｝〉》」』】〙〗〟’”"
    "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ)]},.:;?!%"
)
_NO_END = frozenset("（〔［｛〈《「『【〘〖〝‘“([{")
_HEADER_FILL = (238, 238, 238)
_GREY = (90, 90, 90)


@dataclass(frozen=True)
class _Style:
    size: float = 10.5  # pt
    align: str = "L"
    before: float = 0.0  # mm
    after: float = 1.6
    leading: float = 1.55  # line height / font size
    grey: bool = False


def _style(block: Para) -> _Style:
    c, sec = set(block.classes), block.section
    if block.tag == "h1":
        return _Style(size=16, align="C", before=8, after=7, leading=1.4)
    if block.tag == "h2":
        return _Style(size=11.5, before=5, after=2)
    if "footer" in sec.split():
        return _Style(size=8.5, align="R", after=0.6, grey=True, leading=1.4)
    size = 12.0 if "addressee" in c else 11.0 if "issuer" in c else 9.5 if "note" in c else 10.5
    align = "R" if {"right", "issuer"} & c else "C" if "center" in c else "L"
    before = 5.0 if {"issuer", "addressee"} & c else 3.0 if "center" in c else 0.0
    after = 3.0 if "center" in c else 1.6
    return _Style(size=size, align=align, before=before, after=after)


class _NoticePDF(FPDF):
    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT_FAMILY, size=8)
        self.set_text_color(*_GREY)
        self.cell(0, 5, f"{self.page_no()} / {{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def build_pdf(blocks: list[Block], *, title: str, author: str, issued_on: date) -> bytes:
    pdf = _NoticePDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(_MARGIN_X, _MARGIN_TOP, _MARGIN_X)
    pdf.set_auto_page_break(auto=True, margin=_MARGIN_BOTTOM)
    add_notice_font(pdf)  # parsed once per process
    pdf.set_creation_date(datetime(issued_on.year, issued_on.month, issued_on.day, tzinfo=_JST))
    pdf.set_producer(PRODUCER)
    pdf.set_creator("Kaiji")
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_lang("ja")
    pdf.set_display_mode(zoom="fullwidth", layout="single")
    pdf.add_page()
    in_footer = False
    for block in blocks:
        if not in_footer and "footer" in block.section.split():
            in_footer = True
            pdf.ln(6)
        if isinstance(block, Table):
            _table(pdf, block)
        else:
            _para(pdf, block)
    return bytes(pdf.output())


def _wrap(pdf: FPDF, text: str, width: float) -> str:
    """Break ``text`` into lines no wider than ``width`` mm with kinsoku (追い出し)."""
    limit = width - _SLACK
    out: list[str] = []
    for para in text.split("\n"):
        line, line_w = "", 0.0
        for ch in para:
            ch_w = pdf.get_string_width(ch)
            if line and line_w + ch_w > limit:
                carry = ch
                while len(line) > 1 and (carry[0] in _NO_START or line[-1] in _NO_END):
                    carry, line = line[-1] + carry, line[:-1]
                out.append(line)
                line, line_w = carry, pdf.get_string_width(carry)
            else:
                line, line_w = line + ch, line_w + ch_w
        out.append(line)
    return "\n".join(out)


def _para(pdf: FPDF, block: Para) -> None:
    st = _style(block)
    pdf.set_font(FONT_FAMILY, size=st.size)
    if st.grey:
        pdf.set_text_color(*_GREY)
    line = st.size * _PT * st.leading
    if st.before:
        pdf.ln(st.before)
    if pdf.will_page_break(line):  # keep a label and its first line together
        pdf.add_page()
    if block.label is not None:
        label_w = st.size * _PT * 2.0  # two full-width characters
        x0 = pdf.l_margin
        pdf.set_x(x0)
        pdf.cell(label_w, line, block.label, new_x=XPos.RIGHT, new_y=YPos.TOP)
        text = _wrap(pdf, block.text, pdf.epw - label_w - 2 * pdf.c_margin)
        pdf.multi_cell(
            pdf.epw - label_w,
            line,
            text,
            align=Align.L,
            wrapmode=WrapMode.CHAR,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    elif block.text:
        text = _wrap(pdf, block.text, pdf.epw - 2 * pdf.c_margin)
        pdf.multi_cell(
            0, line, text, align=st.align, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
    else:
        pdf.ln(line)
    pdf.ln(st.after)
    pdf.set_text_color(0, 0, 0)


def _table(pdf: FPDF, block: Table) -> None:
    size = 10.0
    pdf.set_font(FONT_FAMILY, size=size)
    pdf.ln(1.0)
    head = FontFace(fill_color=_HEADER_FILL)
    with pdf.table(
        col_widths=block.widths,
        width=pdf.epw,
        first_row_as_headings=False,
        line_height=size * _PT * 1.5,
        text_align="LEFT",
        v_align=VAlign.M,
        wrapmode=WrapMode.CHAR,
        padding=_PAD,
        borders_layout="ALL",
    ) as table:
        unit = pdf.epw / sum(block.widths)
        for cells in block.rows:
            row = table.row()
            col = 0
            for cell in cells:
                span = block.widths[col : col + cell.colspan]
                col += cell.colspan
                text = _wrap(pdf, cell.text, sum(span) * unit - _PAD[1] - _PAD[3])
                row.cell(text, style=head if cell.header else None, colspan=cell.colspan)
    pdf.ln(3.5)
