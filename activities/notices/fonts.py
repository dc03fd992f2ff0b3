"""The Japanese font embedded in notice PDFs.

IPAexゴシック (IPAexGothic, ``ipaexg.ttf`` 004.01), licensed under the IPA Font
License Agreement v1.0: a PDF whose embedded font only renders its own text
carries no further obligation (Art. 2(5)); the font file itself may be
redistributed unmodified with the licence (Art. 2(6), 3).
It comes from the PyPI package ``matplotlib-fontja`` (MIT AND IPA), a project
dependency, so a fresh ``pip install`` brings it with no system package and no
manual step. We only read its font file: the package is located with
``importlib.util.find_spec`` and never imported (importing it would load
matplotlib).

Why this font: fpdf2 needs TrueType (glyf) outlines. CFF-based OTF fonts such as
Noto Sans/Serif CJK embed, but fpdf2 2.8 writes their widths under CIDs that do
not match the glyph codes it uses, which breaks text extraction and may break
strict viewers. IPAex is TrueType, JIS X 0213:2012 complete, and the font most
Japanese public bodies already use for web PDFs.
"""

from __future__ import annotations

import copy
import functools
import importlib.util
import io
from pathlib import Path

from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

__all__ = ["FONT_FAMILY", "FONT_PACKAGE", "FontNotFoundError", "add_notice_font", "font_path"]

FONT_FAMILY = "IPAexGothic"
FONT_PACKAGE = "matplotlib_fontja"
_FONT_FILE = Path("fonts") / "ipaexg.ttf"


class FontNotFoundError(RuntimeError):
    """The notice font is not installed (a deployment problem, not bad data)."""


def font_path() -> Path:
    """Path of ``ipaexg.ttf`` inside the installed ``matplotlib-fontja`` package."""
    try:
        spec = importlib.util.find_spec(FONT_PACKAGE)
    except (ImportError, ValueError):
        spec = None
    for location in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(location) / _FONT_FILE
        if candidate.is_file():
            return candidate
    raise FontNotFoundError(
        f"notice font {_FONT_FILE.name} (IPAexGothic) not found: the package 'matplotlib-fontja' "
        "is missing or incomplete. Install the project's dependencies (pip install -e .) "
        "or `pip install 'matplotlib-fontja>=1.1,<2'`."
    )


# --- the font loaded once per process (issue 15) ---------------------------------------------
# fpdf2's add_font parses the 6 MB font and builds its width and glyph maps on every document
# (~40 % of a render). The parsed font is the same for every notice, so a process builds it once
# and each document gets a copy with its own per-document state. The fontTools object is not
# shared: fpdf2's subsetter cuts it down in place, so each document opens its own (lazily, from
# the bytes kept in memory). The output is byte-identical to add_font's (tests/notices).


@functools.cache
def _font_bytes() -> bytes:
    return font_path().read_bytes()


@functools.cache
def _prototype() -> TTFFont:
    pdf = FPDF()
    pdf.add_font(FONT_FAMILY, fname=str(font_path()))
    return pdf.fonts[FONT_FAMILY.lower()]


# fpdf2's subsetter then decompiles, per document, the tables it cuts down: cmap, glyf, hmtx/vmtx and
# post (the glyph names), and GSUB/GPOS/GDEF, which it drops anyway (~50 % of a render). A process
# decompiles them once (_decompiled); each document's fontTools object gets shallow copies that the
# subsetter can cut without touching the originals: it replaces the dicts and lists it subsets (cmap
# subtables' maps, hmtx metrics, glyf's glyph dict and order) instead of changing them, and every glyph
# it reads is a copy (_CopiedGlyphs), because it remaps components and trims glyphs in place. The
# layout tables are deleted before subsetting, as fpdf2 drops them first thing. Same bytes (tests/notices).
_DROPPED = ("GSUB", "GPOS", "GDEF")  # in fpdf2's drop_tables, and present in IPAex


class _CopiedGlyphs(dict):
    """The prototype's glyphs; reading one gives a copy (the subsetter changes the glyphs it keeps)."""

    def __getitem__(self, name: str) -> object:
        return copy.copy(dict.__getitem__(self, name))


@functools.cache
def _decompiled() -> ttLib.TTFont:
    font = ttLib.TTFont(io.BytesIO(_font_bytes()), recalcTimestamp=False, lazy=True)
    font.getGlyphOrder()
    font.getReverseGlyphMap()
    for tag in ("glyf", "hmtx", "vmtx", "post"):
        if tag in font:
            font[tag]  # decompiles the table; glyf's glyphs stay packed (the document's copies unpack)
    font["cmap"].ensureDecompiled()
    return font


def _document_ttfont() -> ttLib.TTFont:
    proto = _decompiled()
    font = ttLib.TTFont(io.BytesIO(_font_bytes()), recalcTimestamp=False, lazy=True)
    for tag in _DROPPED:
        if tag in font:
            del font[tag]
    font.glyphOrder = list(proto.glyphOrder)
    font._reverseGlyphOrderDict = dict(proto.getReverseGlyphMap())
    cmap = copy.copy(proto["cmap"])
    cmap.tables = [copy.copy(sub) for sub in proto["cmap"].tables]
    glyf = copy.copy(proto["glyf"])
    glyf.glyphs = _CopiedGlyphs(proto["glyf"].glyphs)
    glyf.glyphOrder = list(proto["glyf"].glyphOrder)
    font.tables["cmap"], font.tables["glyf"] = cmap, glyf
    for tag in ("hmtx", "vmtx", "post"):
        if proto.isLoaded(tag):
            font.tables[tag] = copy.copy(proto[tag])
    return font


def add_notice_font(pdf: FPDF) -> None:
    """What ``pdf.add_font(FONT_FAMILY, fname=font_path())`` does, without parsing the font again."""
    font = copy.copy(_prototype())
    font.i = len(pdf.fonts) + 1
    font.ttfont = _document_ttfont()
    font.cw = font.cw.copy()  # a defaultdict: reading an unknown character inserts the default width
    font.biggest_size_pt = 0
    font.missing_glyphs = []
    font._hbfont = None
    font.subset = SubsetMap(font)
    font.color_font = None  # IPAex has no colour glyphs (add_font found none either)
    pdf.fonts[font.fontkey] = font
