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


def test_prepared_font_tables_give_the_same_bytes_for_every_type(monkeypatch: pytest.MonkeyPatch) -> None:
    """The per-process decompiled cmap/glyf/hmtx/post (issue 15) are never changed by a document's subset:
    every type, rendered twice in between others and with rarely used kanji, has fpdf2's own bytes."""
    from activities.notices import NOTICE_TYPES, pdf, render
    from tests.notices.factories import notice_data

    def data(notice_type: str) -> dict:
        d = notice_data(notice_type)
        d["addressee"] = dict(d["addressee"], name=f"髙橋 﨑 齋藤 {notice_type}")
        return d

    cached = {t: {render(t, data(t)).pdf for _ in range(2)} for t in NOTICE_TYPES}
    packed = dict.values(fonts._decompiled()["glyf"].glyphs)  # never unpacked, so never changed
    assert all(glyph.__dict__.keys() in ({"data"}, {"numberOfContours"}) for glyph in packed)
    monkeypatch.setattr(
        pdf, "add_notice_font", lambda doc: doc.add_font(fonts.FONT_FAMILY, fname=str(fonts.font_path()))
    )
    assert {t: {render(t, data(t)).pdf} for t in NOTICE_TYPES} == cached


async def test_render_process_gives_the_same_bytes() -> None:
    """A notice rendered in a render process (KAIJI_RENDER_PROCESSES, issue 15) is the one rendered here."""
    from activities.notices import render
    from activities.notices.pool import RenderPool
    from tests.notices.factories import notice_data

    pool = RenderPool(1)
    try:
        await pool.start()
        remote = await pool.render("decision_partial", notice_data("decision_partial"))
    finally:
        pool.close()
    assert remote == render("decision_partial", notice_data("decision_partial"))
