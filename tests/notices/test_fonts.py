from __future__ import annotations

import importlib.util

import pytest
from fontTools.ttLib import TTFont

from activities.notices import fonts


def test_font_is_the_packaged_ipaex_truetype() -> None:
    path = fonts.font_path()
    assert path.name == "ipaexg.ttf" and "matplotlib_fontja" in path.parts
    font = TTFont(path, lazy=True)
    assert "glyf" in font  # TrueType outlines: what fpdf2 embeds reliably
    assert font["name"].getDebugName(1) == "IPAexGothic"
    assert font.getBestCmap().get(ord("令"))  # 令和 is covered


def test_missing_font_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(fonts.FontNotFoundError, match="matplotlib-fontja"):
        fonts.font_path()


@pytest.mark.parametrize("notice_type", ["receipt", "decision_partial", "ruling"])
def test_font_loaded_once_gives_the_same_bytes_as_add_font(
    monkeypatch: pytest.MonkeyPatch, notice_type: str
) -> None:
    """The per-process font (issue 15) changes nothing in the PDF: same bytes as fpdf2's own add_font."""
    from activities.notices import pdf, render
    from tests.notices.factories import notice_data

    cached = [render(notice_type, notice_data(notice_type)).pdf for _ in range(2)]
    monkeypatch.setattr(
        pdf, "add_notice_font", lambda doc: doc.add_font(fonts.FONT_FAMILY, fname=str(fonts.font_path()))
    )
    assert cached[0] == cached[1] == render(notice_type, notice_data(notice_type)).pdf
