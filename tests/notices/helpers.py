"""Reading rendered PDFs back for assertions."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

_SPACE = re.compile(r"\s+")


def pdf_text(pdf: bytes) -> str:
    """All text of the PDF with whitespace removed (lines are broken anywhere)."""
    reader = PdfReader(io.BytesIO(pdf))
    return _SPACE.sub("", "".join(page.extract_text() or "" for page in reader.pages))


def squash(text: str) -> str:
    return _SPACE.sub("", text)


def embedded_font_files(pdf: bytes) -> list[tuple[str, str]]:
    """(BaseFont, /FontFile key) of every embedded font on every page."""
    reader = PdfReader(io.BytesIO(pdf))
    found: list[tuple[str, str]] = []
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            for desc_font in font.get("/DescendantFonts") or [font]:
                descriptor = desc_font.get_object().get("/FontDescriptor")
                if descriptor is None:
                    continue
                descriptor = descriptor.get_object()
                for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                    if key in descriptor and descriptor[key].get_object().get_data():
                        found.append((str(font["/BaseFont"]), key))
    return found
