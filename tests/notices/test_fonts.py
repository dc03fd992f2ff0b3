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
