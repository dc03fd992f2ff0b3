"""The rendered notice HTML as a list of layout blocks, for the PDF.

Templates may use only this vocabulary; anything else raises ``ValueError``, so
nothing can appear on screen and silently miss the paper:

* containers: ``article``, ``header``, ``main``, ``section``, ``footer``, ``div``
  (their ``class`` is recorded on the blocks inside as ``section``);
* text blocks: ``h1``, ``h2``, ``p`` (``class`` → style, ``data-label`` → a
  hanging label such as 「1」), with ``br`` and ``span`` inside;
* tables: ``table data-widths="30,70"`` (relative column widths), ``colgroup``,
  ``col``, ``thead``, ``tbody``, ``tr``, ``th`` / ``td`` (``colspan``).

``head``, ``title`` and ``style`` are skipped. Whitespace collapses as in HTML
(the ideographic space U+3000 is text and is kept).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

__all__ = ["Cell", "Para", "Table", "Block", "parse"]

_CONTAINERS = {"html", "body", "article", "header", "main", "section", "footer", "div"}
_TEXT = {"h1", "h2", "p"}
_TABLE_PARTS = {"colgroup", "col", "thead", "tbody", "tr"}
_SKIPPED = {"head", "title", "style"}
_VOID = {"br", "col", "meta"}
_WS = re.compile(r"[ \t\r\n\f]+")


@dataclass(frozen=True)
class Para:
    tag: str  # h1 | h2 | p
    text: str
    classes: tuple[str, ...] = ()
    label: str | None = None
    section: str = ""


@dataclass(frozen=True)
class Cell:
    text: str
    header: bool = False
    colspan: int = 1


@dataclass(frozen=True)
class Table:
    widths: tuple[float, ...]
    rows: tuple[tuple[Cell, ...], ...]
    classes: tuple[str, ...] = ()
    section: str = ""


Block = Para | Table


def _clean(raw: str) -> str:
    lines = [_WS.sub(" ", part).strip(" ") for part in raw.split("\n")]
    return "\n".join(lines).strip("\n")


@dataclass
class _State:
    blocks: list[Block] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    skip: int = 0
    text: list[str] | None = None  # buffer of the open p / h / cell
    para: tuple[str, tuple[str, ...], str | None] | None = None
    table: tuple[tuple[float, ...], tuple[str, ...]] | None = None
    rows: list[list[Cell]] = field(default_factory=list)
    cell: tuple[bool, int] | None = None


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.s = _State()

    def _section(self) -> str:
        return " ".join(c for c in self.s.sections if c)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        s = self.s
        if tag in _SKIPPED:
            s.skip += 1
        elif s.skip or tag == "meta":
            return
        elif tag in _CONTAINERS:
            s.sections.append(a.get("class", ""))
        elif tag in _TEXT:
            s.para, s.text = (tag, tuple(a.get("class", "").split()), a.get("data-label")), []
        elif tag == "br":
            self._buffer().append("\n")
        elif tag == "span":
            self._buffer()
        elif tag == "table":
            widths = tuple(float(w) for w in a.get("data-widths", "").split(",") if w.strip())
            if not widths:
                raise ValueError("notice HTML: <table> needs data-widths")
            s.table, s.rows = (widths, tuple(a.get("class", "").split())), []
        elif tag in _TABLE_PARTS:
            if s.table is None:
                raise ValueError(f"notice HTML: <{tag}> outside a table")
            if tag == "tr":
                s.rows.append([])
        elif tag in ("th", "td"):
            if not s.rows:
                raise ValueError(f"notice HTML: <{tag}> outside a row")
            s.cell, s.text = (tag == "th", int(a.get("colspan") or 1)), []
        else:
            raise ValueError(f"notice HTML: element <{tag}> is not in the layout vocabulary")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        s = self.s
        if tag in _SKIPPED:
            s.skip -= 1
        elif s.skip or tag in _VOID or tag == "span" or tag in _TABLE_PARTS:
            return
        elif tag in _CONTAINERS:
            s.sections.pop()
        elif tag in _TEXT and s.para and s.text is not None:
            ptag, classes, label = s.para
            s.blocks.append(Para(ptag, _clean("".join(s.text)), classes, label, self._section()))
            s.para, s.text = None, None
        elif tag in ("th", "td") and s.cell and s.text is not None:
            header, colspan = s.cell
            s.rows[-1].append(Cell(_clean("".join(s.text)), header, colspan))
            s.cell, s.text = None, None
        elif tag == "table" and s.table:
            widths, classes = s.table
            rows = tuple(tuple(r) for r in s.rows if r)
            s.blocks.append(Table(widths, rows, classes, self._section()))
            s.table, s.rows = None, []

    def handle_data(self, data: str) -> None:
        if self.s.skip:
            return
        if self.s.text is not None:
            self.s.text.append(_WS.sub(" ", data))  # source newlines are spaces; <br> is "\n"
        elif data.strip(" \t\r\n\f"):
            raise ValueError(f"notice HTML: text outside a block: {data.strip()[:40]!r}")

    def _buffer(self) -> list[str]:
        if self.s.text is None:
            raise ValueError("notice HTML: inline element outside a text block")
        return self.s.text


def parse(html: str) -> list[Block]:
    """The blocks of a rendered notice, in reading order."""
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.s.blocks
