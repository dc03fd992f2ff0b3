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

import importlib.util
from pathlib import Path

__all__ = ["FONT_FAMILY", "FONT_PACKAGE", "FontNotFoundError", "font_path"]

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
